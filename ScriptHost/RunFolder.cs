using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using Nabla.Compute;
using Nabla.Evaluation;
using Nabla.Reporting;
using Nabla.Tensors;
using Nabla.Training;

namespace Nabla.ScriptHost;

/// <summary>
/// A run's folder: a copy of the script (and the files it #loads), <c>metrics.jsonl</c> (one JSON object per epoch,
/// Keras History names: epoch, loss, accuracy, val_loss, val_accuracy, seconds, learning_rate; a figure that does not
/// exist is left out, and a second Fit in the same script adds "fit": 2) and <c>run.json</c>, the manifest, written at
/// the start (status "running"), at each Fit's start (its settings and model under "fits") and at the end, so a killed
/// run still leaves a readable folder. Every <c>model.Evaluate</c> is kept in <c>evaluation.json</c>, the console output
/// in <c>output.log</c>, and <c>report.html</c> is drawn from all of these at the end.
/// </summary>
public sealed class RunFolder : IFitObserver
{
    readonly Lock _gate = new();
    readonly SortedDictionary<string, string> _datasets = new(StringComparer.Ordinal);
    readonly DateTimeOffset _start = DateTimeOffset.Now;
    readonly RunInfo _info;
    readonly List<(string Source, string Sha256)> _sources = [];   // hashed once, when copied: the code that ran
    readonly List<FitInfo> _fitInfos = [];
    readonly List<EvaluationResult> _evaluations = [];
    int _fits;
    EpochMetrics? _last;

    /// <summary>What run.json records besides metrics and datasets.</summary>
    public sealed record RunInfo(string Script, IReadOnlyList<string> Sources, IReadOnlyList<string> CommandLine, long Seed,
        ScriptArguments Arguments, int? Threads, bool Cached, double CompileSeconds);

    RunFolder(string path, RunInfo info) => (Path, _info) = (path, info);

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
        run.WriteManifest("running", null, null);
        return run;
    }

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
        new(System.IO.Path.Combine(Path, RunRecord.LogFile), append: false, new System.Text.UTF8Encoding(false)) { AutoFlush = true };

    /// <summary>Writes report.html from the folder's files (see <see cref="RunReport"/>); returns its path.</summary>
    public string WriteReport() => RunReport.Write(Path);

    public bool OnEpochEnd(EpochMetrics m)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = Relaxed }))
        {
            json.WriteStartObject();
            if (_fits > 1) json.WriteNumber("fit", _fits);
            WriteMetrics(json, m);
            json.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        lock (_gate)
        {
            using var file = new FileStream(System.IO.Path.Combine(Path, "metrics.jsonl"), FileMode.Append, FileAccess.Write);
            file.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
            _last = m;
        }
        return true;
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
