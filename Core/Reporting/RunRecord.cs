using System.Globalization;
using System.Text.Json;
using Nabla.Data;
using Nabla.Evaluation;
using Nabla.Training;

namespace Nabla.Reporting;

/// <summary>One epoch as metrics.jsonl records it: which Fit of the script (1, 2, …) and its Keras History figures.</summary>
public sealed record RecordedEpoch(int Fit, EpochMetrics Metrics);

/// <summary>
/// What a run folder holds, read back for a report: run.json (the manifest the script host writes: script, arguments,
/// seed, versions, times, status, final metrics, and each Fit's settings and model), metrics.jsonl (one line per epoch,
/// Keras's History names), evaluation.json (every <c>model.Evaluate</c>, when the script called it) and output.log
/// (the console output). Only run.json or metrics.jsonl must exist; the rest is shown when present.
/// </summary>
public sealed record RunRecord(string Folder, JsonElement Manifest, IReadOnlyList<RecordedEpoch> Epochs,
    IReadOnlyList<EvaluationResult> Evaluations, string? OutputLog)
{
    /// <summary>File names in a run folder.</summary>
    public const string ManifestFile = "run.json", MetricsFile = "metrics.jsonl", LogFile = "output.log", ReportFile = "report.html";

    /// <summary>Reads <paramref name="folder"/>; a malformed file is a <see cref="DataFormatException"/> naming it and the line.</summary>
    public static RunRecord Read(string folder)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"{folder}: no such run folder.");
        var manifestPath = Path.Combine(folder, ManifestFile);
        var metricsPath = Path.Combine(folder, MetricsFile);
        if (!File.Exists(manifestPath) && !File.Exists(metricsPath))
            throw new FileNotFoundException($"{folder}: not a run folder (it has neither {ManifestFile} nor {MetricsFile}).");
        var manifest = default(JsonElement);
        if (File.Exists(manifestPath))
        {
            try
            {
                using var document = JsonDocument.Parse(File.ReadAllBytes(manifestPath));
                manifest = document.RootElement.Clone();
            }
            catch (JsonException e)
            {
                throw new DataFormatException(manifestPath, $"line {e.LineNumber + 1}", "a JSON object (the run manifest)", e.Message);
            }
        }
        var evaluationPath = Path.Combine(folder, EvaluationFile.Name);
        var logPath = Path.Combine(folder, LogFile);
        return new RunRecord(folder, manifest, File.Exists(metricsPath) ? ReadMetrics(metricsPath) : [],
            File.Exists(evaluationPath) ? EvaluationFile.Read(evaluationPath) : [],
            File.Exists(logPath) ? File.ReadAllText(logPath) : null);
    }

    /// <summary>The epochs of metrics.jsonl. A last line cut short (a killed run) is left out; any other bad line is an error.</summary>
    public static IReadOnlyList<RecordedEpoch> ReadMetrics(string path)
    {
        var text = File.ReadAllText(path);
        var lines = text.Split('\n');
        var epochs = new List<RecordedEpoch>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i])) continue;
            try
            {
                var e = JsonDocument.Parse(lines[i]).RootElement;
                double? Optional(string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;
                epochs.Add(new(e.TryGetProperty("fit", out var fit) ? fit.GetInt32() : 1, new EpochMetrics(
                    e.GetProperty("epoch").GetInt32(), e.GetProperty("loss").GetDouble(), Optional("accuracy"), Optional("val_loss"),
                    Optional("val_accuracy"), Optional("seconds") ?? 0, Optional("learning_rate"))));
            }
            catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                if (i == lines.Length - 1 && !text.EndsWith('\n')) break;   // the line being written when the run was killed
                throw new DataFormatException(path, $"line {i + 1}", "a JSON object with at least \"epoch\" and \"loss\"", $"{lines[i]} ({ex.Message})");
            }
        }
        return epochs;
    }

    /// <summary>A manifest field as text ("" when missing).</summary>
    public string Text(string name) => Field(Manifest, name);

    /// <summary>Field <paramref name="name"/> of the JSON object <paramref name="e"/> as text ("" when e is no object or
    /// has no such field): what report.html and compare.html show of run.json.</summary>
    internal static string Field(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) ? TextOf(v) : "";

    // A string's contents, any other value as written (GetString() is null only for a JSON null, a kind ruled out here).
    static string TextOf(JsonElement v) => v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText();

    /// <summary>The run's status as run.json records it (running, completed, failed, cancelled), except that a run still
    /// "running" whose process is gone (killed with SIGKILL, the machine stopped) is "interrupted".</summary>
    public string Status => Text("status") is "running" && !StillRunning() ? "interrupted" : Text("status");

    // Whether the process that wrote run.json still runs: the "pid" alive on this "host", and started before the run
    // began (a PID reused by a later process is not the run's). A manifest without them (an older host) cannot tell.
    bool StillRunning()
    {
        if (!int.TryParse(Text("pid"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid)) return true;
        if (Text("host") is { Length: > 0 } host && host != Environment.MachineName) return true;
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            if (process.HasExited) return false;
            return !DateTimeOffset.TryParse(Text("start_time"), CultureInfo.InvariantCulture, DateTimeStyles.None, out var start)
                || new DateTimeOffset(process.StartTime) <= start.AddSeconds(1);
        }
        catch (ArgumentException) { return false; }           // no process with that id
        catch (InvalidOperationException) { return false; }   // it exited while being looked at
    }

    /// <summary>A manifest object's fields as (name, text) pairs (none when missing).</summary>
    public IReadOnlyList<(string Name, string Value)> Fields(string name) =>
        Manifest.ValueKind == JsonValueKind.Object && Manifest.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object
            ? v.EnumerateObject().Select(p => (p.Name, TextOf(p.Value))).ToArray()
            : [];

    /// <summary>Each Fit's settings and model as run.json records them ("fits").</summary>
    public IReadOnlyList<JsonElement> Fits =>
        Manifest.ValueKind == JsonValueKind.Object && Manifest.TryGetProperty("fits", out var v) && v.ValueKind == JsonValueKind.Array
            ? v.EnumerateArray().ToArray() : [];

    /// <summary>The script's name (run.json), else the folder's.</summary>
    public string Title => Text("script") is { Length: > 0 } script ? Path.GetFileName(script) : Path.GetFileName(Path.GetFullPath(Folder).TrimEnd('/'));

    /// <summary>The folder as a short label: its last two path parts (runs/mnist-mlp/20261130-101500 → mnist-mlp/20261130-101500).</summary>
    public string Label
    {
        get
        {
            var parts = Path.GetFullPath(Folder).TrimEnd('/').Split('/');
            return string.Join('/', parts.TakeLast(2));
        }
    }

    /// <summary>Epochs numbered across Fits (a second Fit continues the x axis where the first ended).</summary>
    public IReadOnlyList<(double X, EpochMetrics Metrics)> Timeline
    {
        get
        {
            var offset = 0;
            var lastFit = 1;
            var last = 0;
            var points = new List<(double, EpochMetrics)>();
            foreach (var (fit, m) in Epochs)
            {
                if (fit != lastFit) (offset, lastFit) = (last, fit);
                last = offset + m.Epoch;
                points.Add((last, m));
            }
            return points;
        }
    }

    /// <summary>Prints the folder and counts: "RunRecord(runs/mnist, 5 epochs, 1 evaluations)".</summary>
    public override string ToString() => $"RunRecord({Folder}, {Epochs.Count} epochs, {Evaluations.Count} evaluations)";

    internal static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
