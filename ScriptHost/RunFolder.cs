using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using Nabla.Compute;
using Nabla.Evaluation;
using Nabla.Reporting;
using Nabla.Serialization;
using Nabla.Tensors;
using Nabla.Training;

namespace Nabla.ScriptHost;

/// <summary>
/// A run's folder: a copy of the script (and the files it #loads), <c>metrics.jsonl</c> (one JSON object per epoch,
/// Keras History names: epoch, loss, accuracy, val_loss, val_accuracy, seconds, learning_rate; a figure that does not
/// exist is left out, and a second Fit in the same script adds "fit": 2) and <c>run.json</c>, the manifest, written at
/// the start (status "running"), at each Fit's start (its settings and model under "fits") and at the end, so a killed
/// run still leaves a readable folder. Every <c>model.Evaluate</c> is kept in <c>evaluation.json</c>, the console output
/// in <c>output.log</c>, and <c>report.html</c> is drawn from all of these at the end. Each Fit's checkpoint
/// (<c>checkpoint-1.safetensors</c>, …, see <see cref="CheckpointFolder"/>) is listed in run.json under "checkpoints" as it
/// is saved; a resumed run (<c>nabla --resume</c>) writes into the same folder, adds an entry to "resumes", and rewrites
/// metrics.jsonl from the restored history, so the folder ends as the uninterrupted run's would.
/// </summary>
public sealed class RunFolder : IFitObserver
{
    readonly Lock _gate = new();
    readonly SortedDictionary<string, string> _datasets = new(StringComparer.Ordinal);
    readonly DateTimeOffset _start = DateTimeOffset.Now;   // the first start, kept by a resumed run
    readonly RunInfo _info;
    readonly List<(string Source, string Sha256)> _sources = [];   // hashed once, when copied: the code that ran
    readonly List<FitInfo> _fitInfos = [];
    readonly List<EvaluationResult> _evaluations = [];
    readonly SortedDictionary<string, CheckpointSummary> _checkpoints = new(StringComparer.Ordinal);
    readonly List<Resumption> _resumes = [];
    long _checkpointSteps;
    int _fits;
    EpochMetrics? _last;

    /// <summary>One resumption of the run: when, the status the run had (interrupted, cancelled, failed, …), and where each
    /// Fit went on from.</summary>
    sealed record Resumption(DateTimeOffset Time, string PreviousStatus, List<string> Fits);

    /// <summary>What run.json records besides metrics and datasets.</summary>
    public sealed record RunInfo(string Script, IReadOnlyList<string> Sources, IReadOnlyList<string> CommandLine, long Seed,
        ScriptArguments Arguments, int? Threads, bool Cached, double CompileSeconds);

    RunFolder(string path, RunInfo info) => (Path, _info) = (path, info);

    RunFolder(string path, RunInfo info, DateTimeOffset start) : this(path, info) => (_start, Resumed) = (start, true);

    public string Path { get; }

    /// <summary>Creates <paramref name="folder"/> (default runs/&lt;script&gt;/&lt;yyyyMMdd-HHmmss&gt;, made unique),
    /// copies the sources into it and writes run.json with status "running".</summary>
    public static RunFolder Create(string? folder, RunInfo info)
    {
        var path = folder ?? Unique(System.IO.Path.Combine("runs", System.IO.Path.GetFileNameWithoutExtension(info.Script),
            DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)));
        Directory.CreateDirectory(path);
        var run = new RunFolder(path, info);
        var main = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(info.Script))!;
        foreach (var source in info.Sources)
        {
            run._sources.Add((HostPaths.Display(source), Data.Checksums.Sha256(source)));
            var relative = System.IO.Path.GetRelativePath(main, source);
            var target = System.IO.Path.Combine(path, relative.StartsWith("..", StringComparison.Ordinal) ? System.IO.Path.GetFileName(source) : relative);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
            File.Copy(source, target, overwrite: true);
        }
        File.WriteAllText(System.IO.Path.Combine(path, "metrics.jsonl"), "");
        // Checkpoints of an earlier run in the same --out folder are not this run's: a Fit would take them for its own.
        foreach (var stale in CheckpointFolder.Files(path)) File.Delete(stale);
        run.WriteManifest("running", null, null);
        return run;
    }

    /// <summary>The options of the run recorded in <paramref name="folder"/>'s run.json (its command line, the run folder
    /// as --out) and that command line, for <c>nabla --resume</c>. Throws <see cref="UsageException"/> when the folder is
    /// not a run folder, or the script is missing or changed since (a resumed run must run the same code).</summary>
    public static (HostOptions Options, IReadOnlyList<string> CommandLine) ResumeOptions(string folder)
    {
        var manifest = System.IO.Path.Combine(folder, "run.json");
        if (!File.Exists(manifest))
            throw new UsageException(Directory.Exists(folder) ? $"--resume {folder}: no run.json there; is it a run folder (runs/<script>/<time>)?"
                : $"--resume {folder}: no such folder.");
        using var json = ReadManifest(manifest);
        var root = json.RootElement;
        if (!root.TryGetProperty("command_line", out var line) || line.ValueKind != JsonValueKind.Array)
            throw new UsageException($"--resume {folder}: {manifest} has no command_line to run again.");
        var commandLine = line.EnumerateArray().Select(a => a.GetString() ?? "").ToArray();
        var options = HostOptions.Parse(commandLine is ["run", .. var rest] ? rest : commandLine);
        if (options.Script is not { } script || !File.Exists(script))
            throw new UsageException($"--resume {folder}: the script {options.Script} is not there; resume in the folder the run was started from" +
                (root.TryGetProperty("working_directory", out var wd) ? $" ({wd.GetString()})" : "") + ".");
        // Sources are recorded relative to the folder the run started in.
        var started = root.TryGetProperty("working_directory", out var w) ? w.GetString() ?? "" : Environment.CurrentDirectory;
        var recorded = root.TryGetProperty("sources", out var sources) && sources.ValueKind == JsonValueKind.Object
            ? sources.EnumerateObject().FirstOrDefault(p => System.IO.Path.GetFullPath(p.Name, started) == System.IO.Path.GetFullPath(script)).Value
            : default;
        if (recorded.ValueKind == JsonValueKind.String && recorded.GetString() is { } expected && Data.Checksums.Sha256(script) != expected)
            throw new UsageException($"--resume {folder}: {script} changed since the run (SHA-256 {expected[..12]}… then): a resumed run must run " +
                $"the same code; the script that ran is in {System.IO.Path.Combine(folder, System.IO.Path.GetFileName(script))}.");
        return (options with { Out = folder }, commandLine);
    }

    /// <summary>Opens <paramref name="folder"/> again for a resumed run: keeps its start time, checkpoints and earlier
    /// resumptions from run.json, starts metrics.jsonl afresh (each resumed Fit writes back the epochs it had done) and adds
    /// a resumption; run.json says "running" again.</summary>
    public static RunFolder Resume(string folder, RunInfo info)
    {
        using var json = ReadManifest(System.IO.Path.Combine(folder, "run.json"));
        var root = json.RootElement;
        var start = root.TryGetProperty("start_time", out var t) && DateTimeOffset.TryParse(t.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.None, out var s)
            ? s : DateTimeOffset.Now;
        var run = new RunFolder(folder, info, start);
        foreach (var source in info.Sources) run._sources.Add((HostPaths.Display(source), Data.Checksums.Sha256(source)));
        if (root.TryGetProperty("resumes", out var resumes) && resumes.ValueKind == JsonValueKind.Array)
            foreach (var r in resumes.EnumerateArray())
                run._resumes.Add(new Resumption(DateTimeOffset.Parse(r.GetProperty("time").GetString()!, CultureInfo.InvariantCulture),
                    r.GetProperty("previous_status").GetString() ?? "", [.. r.GetProperty("fits").EnumerateArray().Select(f => f.GetString() ?? "")]));
        // The checkpoints as they are on disk (run.json may lag one behind: a kill between a save and its record).
        foreach (var file in CheckpointFolder.Files(folder))
        {
            try { run._checkpoints[System.IO.Path.GetFileName(file)] = CheckpointFile.Describe(file); }
            catch (Data.DataFormatException) { }   // a damaged one is reported when its Fit loads it
        }
        var previous = root.TryGetProperty("status", out var status) ? status.GetString() ?? "unknown" : "unknown";
        // A run.json that still says "running" belongs to a process that was killed (SIGKILL, power cut): it never finished it.
        run._resumes.Add(new Resumption(DateTimeOffset.Now, previous == "running" ? "interrupted" : previous, []));
        File.WriteAllText(System.IO.Path.Combine(folder, "metrics.jsonl"), "");
        run.WriteManifest("running", null, null);
        return run;
    }

    static JsonDocument ReadManifest(string path)
    {
        try { return JsonDocument.Parse(File.ReadAllBytes(path)); }
        catch (JsonException e) { throw new UsageException($"{path}: not a readable run.json ({e.Message.Split(" LineNumber:")[0]})."); }
    }

    /// <summary>Whether this is a resumed run (output.log is then appended to, not started afresh).</summary>
    public bool Resumed { get; }

    /// <summary>Records a data file the script read (from <see cref="Data.DataFiles"/>).</summary>
    public void DataFileRead(string path, string sha256)
    {
        lock (_gate) _datasets[HostPaths.Display(path)] = sha256;
    }

    public void OnFitStart(FitInfo info)
    {
        _fits++;
        lock (_gate) _fitInfos.Add(info);
        WriteManifest("running", null, null);
    }

    /// <summary>Keeps an evaluation the script made (every <c>model.Evaluate</c>) in evaluation.json.</summary>
    public void Evaluated(EvaluationResult evaluation)
    {
        lock (_gate)
        {
            _evaluations.Add(evaluation);
            EvaluationFile.Write(_evaluations, System.IO.Path.Combine(Path, EvaluationFile.Name));
        }
    }

    /// <summary>Whether the script trained or evaluated a model (then its report is worth pointing at).</summary>
    public bool HasResults
    {
        get { lock (_gate) return _fits > 0 || _evaluations.Count > 0; }
    }

    /// <summary>output.log, where the console output of the run is copied (flushed line by line, so a killed run keeps it).</summary>
    public StreamWriter OpenLog() =>
        new(System.IO.Path.Combine(Path, RunRecord.LogFile), append: Resumed, new System.Text.UTF8Encoding(false)) { AutoFlush = true };

    /// <summary>Writes report.html from the folder's files (see <see cref="RunReport"/>); returns its path.</summary>
    public string WriteReport() => RunReport.Write(Path);

    public bool OnEpochEnd(EpochMetrics m)
    {
        AppendMetrics([m]);
        return true;
    }

    /// <summary>A Fit resumed from its checkpoint: the epochs it had done go back into metrics.jsonl (started afresh by
    /// <see cref="Resume"/>), and the resumption says where the Fit went on from.</summary>
    public void OnResume(FitResumed resumed)
    {
        AppendMetrics(resumed.History);
        lock (_gate) if (_resumes.Count > 0) _resumes[^1].Fits.Add(resumed.ToString());
        WriteManifest("running", null, null);
    }

    /// <summary>Records a checkpoint once it is complete on disk (<see cref="CheckpointFolder.Saved"/>).</summary>
    public void CheckpointSaved(string path, CheckpointSummary summary)
    {
        lock (_gate) _checkpoints[System.IO.Path.GetFileName(path)] = summary;
        WriteManifest("running", null, null);
    }

    /// <summary>Steps between checkpoints within an epoch (0: epoch ends only), as run.json records it.</summary>
    public long CheckpointSteps
    {
        set { lock (_gate) _checkpointSteps = value; }
    }

    void AppendMetrics(IReadOnlyList<EpochMetrics> epochs)
    {
        if (epochs.Count == 0) return;
        using var buffer = new MemoryStream();
        foreach (var m in epochs)
        {
            using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = Relaxed }))
            {
                json.WriteStartObject();
                if (_fits > 1) json.WriteNumber("fit", _fits);
                WriteMetrics(json, m);
                json.WriteEndObject();
            }
            buffer.WriteByte((byte)'\n');
        }
        lock (_gate)
        {
            using var file = new FileStream(System.IO.Path.Combine(Path, "metrics.jsonl"), FileMode.Append, FileAccess.Write);
            file.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
            _last = epochs[^1];
        }
    }

    /// <summary>Rewrites run.json at the end: status (completed, failed, cancelled), exit code, error, end time, final metrics.</summary>
    public void Finish(string status, int exitCode, string? error) => WriteManifest(status, exitCode, error);

    void WriteManifest(string status, int? exitCode, string? error)
    {
        lock (_gate)
        {
            using var buffer = new MemoryStream();
            using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = Relaxed }))
            {
                json.WriteStartObject();
                json.WriteString("script", HostPaths.Display(_info.Script));
                json.WriteStartObject("sources");
                foreach (var (source, sha256) in _sources) json.WriteString(source, sha256);
                json.WriteEndObject();
                json.WriteStartArray("command_line");
                foreach (var arg in _info.CommandLine) json.WriteStringValue(arg);
                json.WriteEndArray();
                json.WriteNumber("seed", _info.Seed);
                json.WriteStartObject("arguments");   // the values the script read, defaults included
                foreach (var (name, value) in _info.Arguments.Used.OrderBy(p => p.Key, StringComparer.Ordinal)) json.WriteString(name, value);
                json.WriteEndObject();
                json.WriteStartObject("given_arguments");
                foreach (var (name, value) in _info.Arguments.Given) json.WriteString(name, value);
                json.WriteEndObject();
                json.WriteString("nabla_version", NablaHost.Version);
                json.WriteString("dotnet_version", RuntimeInformation.FrameworkDescription);
                json.WriteString("os", RuntimeInformation.OSDescription);
                json.WriteNumber("processors", Environment.ProcessorCount);
                json.WriteNumber("pid", Environment.ProcessId);   // so a reader can tell a killed run ("interrupted") from a running one
                json.WriteString("host", Environment.MachineName);
                if (_info.Threads is { } threads) json.WriteNumber("threads", threads);
                json.WriteString("backend", Backend.Description);
                json.WriteStartObject("compile");   // a cached run loads the compiled script instead of compiling it
                json.WriteBoolean("cached", _info.Cached);
                json.WriteNumber("seconds", Math.Round(_info.CompileSeconds, 3));
                json.WriteEndObject();
                json.WriteStartObject("datasets");
                foreach (var (path, sha) in _datasets) json.WriteString(path, sha);
                json.WriteEndObject();
                json.WriteString("start_time", _start.ToString("o", CultureInfo.InvariantCulture));
                if (exitCode is not null)
                {
                    var end = DateTimeOffset.Now;
                    json.WriteString("end_time", end.ToString("o", CultureInfo.InvariantCulture));
                    json.WriteNumber("seconds", Math.Round((end - _start).TotalSeconds, 3));
                }
                json.WriteString("working_directory", Environment.CurrentDirectory);   // where --resume finds the script again
                json.WriteStartObject("checkpoints");   // each Fit's last complete checkpoint
                json.WriteNumber("every_steps", _checkpointSteps);
                foreach (var (file, summary) in _checkpoints) json.WriteString(file, summary.ToString());
                json.WriteEndObject();
                if (_resumes.Count > 0)
                {
                    json.WriteStartArray("resumes");
                    foreach (var resume in _resumes)
                    {
                        json.WriteStartObject();
                        json.WriteString("time", resume.Time.ToString("o", CultureInfo.InvariantCulture));
                        json.WriteString("previous_status", resume.PreviousStatus);
                        json.WriteStartArray("fits");
                        foreach (var fit in resume.Fits) json.WriteStringValue(fit);
                        json.WriteEndArray();
                        json.WriteEndObject();
                    }
                    json.WriteEndArray();
                }
                json.WriteStartArray("fits");   // each Fit's settings and the model it trained
                foreach (var fit in _fitInfos) WriteFit(json, fit);
                json.WriteEndArray();
                json.WriteString("status", status);
                if (exitCode is { } code) json.WriteNumber("exit_code", code);
                if (error is not null) json.WriteString("error", error);
                if (_last is { } last)
                {
                    json.WriteStartObject("final_metrics");
                    WriteMetrics(json, last);
                    json.WriteEndObject();
                }
                json.WriteEndObject();
            }
            // Written aside and moved in: a reader (or a kill) never sees half a manifest.
            var target = System.IO.Path.Combine(Path, "run.json");
            File.WriteAllBytes(target + ".tmp", buffer.ToArray());
            File.Move(target + ".tmp", target, overwrite: true);
        }
    }

    // A sample's shape without the batch: [784] or [1, 28, 28], as PyTorch lists it.
    static void WriteShape(Utf8JsonWriter json, string name, Nabla.Tensors.SampleShape shape)
    {
        json.WriteStartArray(name);
        foreach (var d in shape.Dimensions) json.WriteNumberValue(d);
        json.WriteEndArray();
    }

    static void WriteFit(Utf8JsonWriter json, FitInfo fit)
    {
        json.WriteStartObject();
        json.WriteNumber("epochs", fit.Epochs);
        json.WriteNumber("batch_size", fit.BatchSize);
        json.WriteNumber("batches_per_epoch", fit.BatchesPerEpoch);
        json.WriteNumber("train_samples", fit.TrainSamples);
        if (fit.ValidationSamples is { } v) json.WriteNumber("validation_samples", v);
        json.WriteString("loss", fit.Loss);
        json.WriteString("optimizer", fit.Optimizer);
        if (fit.Model is { } model)
        {
            json.WriteStartObject("model");
            json.WriteNumber("inputs", model.Inputs);
            WriteShape(json, "input_shape", model.Input);
            json.WriteStartArray("layers");
            foreach (var layer in model.Layers)
            {
                json.WriteStartObject();
                json.WriteString("layer", layer.Layer);
                json.WriteNumber("outputs", layer.Outputs);
                WriteShape(json, "output_shape", layer.Output);
                json.WriteNumber("parameters", layer.Parameters);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteNumber("total_parameters", model.TotalParameters);
            json.WriteNumber("bytes", model.Bytes);
            json.WriteEndObject();
        }
        json.WriteEndObject();
    }

    static void WriteMetrics(Utf8JsonWriter json, EpochMetrics m)
    {
        json.WriteNumber("epoch", m.Epoch);
        json.WriteNumber("loss", m.Loss);
        if (m.Accuracy is { } accuracy) json.WriteNumber("accuracy", accuracy);
        if (m.ValLoss is { } valLoss) json.WriteNumber("val_loss", valLoss);
        if (m.ValAccuracy is { } valAccuracy) json.WriteNumber("val_accuracy", valAccuracy);
        json.WriteNumber("seconds", Math.Round(m.Seconds, 3));
        if (m.LearningRate is { } rate) json.WriteNumber("learning_rate", rate);
    }

    // Paths and times as written ('+' not as \u002B); the output is a file, not HTML.
    static readonly JavaScriptEncoder Relaxed = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    static string Unique(string path)
    {
        var candidate = path;
        for (var i = 2; Directory.Exists(candidate); i++) candidate = $"{path}-{i}";
        return candidate;
    }
}
