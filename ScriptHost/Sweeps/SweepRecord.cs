using System.Text.Encodings.Web;
using System.Text.Json;

namespace Nabla.ScriptHost.Sweeps;

/// <summary>
/// One line of sweep.jsonl: a configuration's number and grid values, its run folder (relative to the sweep folder),
/// how it ended (run.json's status and exit code; "failed" when the run left no run.json), the wall time, and the final
/// metrics exactly as run.json holds them (the last epoch of the last Fit: loss, accuracy, val_loss, …).
/// </summary>
public sealed record SweepRecord(int Index, string Line)
{
    /// <summary>The file's name in a sweep folder.</summary>
    public const string FileName = "sweep.jsonl";

    /// <summary>The record of <paramref name="configuration"/>, whose run folder is <paramref name="runFolder"/>.</summary>
    public static SweepRecord From(Configuration configuration, string runFolder, int exitCode, double seconds, string? error)
    {
        JsonElement? manifest = null;
        try { manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(runFolder, "run.json"))).RootElement; }
        catch (Exception e) when (e is IOException or JsonException) { }   // a run that never started, or was killed mid-write

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteNumber("index", configuration.Index);
            json.WriteStartObject("arguments");
            foreach (var (name, value) in configuration.Values) json.WriteString(name, value);
            json.WriteEndObject();
            json.WriteString("run", Path.GetFileName(runFolder));
            var status = manifest?.TryGetProperty("status", out var s) == true && s.GetString() is { } text && text != "running" ? text : "failed";
            json.WriteString("status", status);
            json.WriteNumber("exit_code", exitCode);
            json.WriteNumber("seconds", Math.Round(seconds, 3));
            var message = error ?? (manifest?.TryGetProperty("error", out var e) == true ? e.GetString() : null);
            if (message is not null) json.WriteString("error", message);
            if (manifest?.TryGetProperty("final_metrics", out var metrics) == true)
            {
                json.WritePropertyName("final_metrics");
                metrics.WriteTo(json);   // numbers as the run wrote them, so merged shards compare bit for bit
            }
            json.WriteEndObject();
        }
        return new SweepRecord(configuration.Index, System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }

    /// <summary>The parsed line.</summary>
    public JsonElement Json => JsonDocument.Parse(Line).RootElement;

    /// <summary>"completed", "failed" or "cancelled".</summary>
    public string Status => Json.GetProperty("status").GetString()!;

    /// <summary>Reads a sweep.jsonl; throws <see cref="UsageException"/> naming file:line for a line that is not a record.</summary>
    public static IReadOnlyList<SweepRecord> ReadAll(string path)
    {
        var records = new List<SweepRecord>();
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (line.Length == 0) continue;
            try { records.Add(new SweepRecord(JsonDocument.Parse(line).RootElement.GetProperty("index").GetInt32(), line)); }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                throw new UsageException($"{path}:{number}: not a sweep record ({e.Message}).");
            }
        }
        return records;
    }

    /// <summary>The run folders <paramref name="folder"/> stands for: itself for a run folder, the runs its sweep.jsonl
    /// lists (those that left a run.json) for a sweep folder, so that <c>nabla compare SWEEP_DIR</c> compares its runs.</summary>
    public static IEnumerable<string> RunFolders(string folder)
    {
        var path = Path.Combine(folder, FileName);
        if (File.Exists(Path.Combine(folder, "run.json")) || !File.Exists(path)) return [folder];
        var runs = ReadAll(path).Select(r => Path.Combine(folder, r.Json.GetProperty("run").GetString()!))
            .Where(run => File.Exists(Path.Combine(run, "run.json"))).ToArray();
        return runs.Length > 0 ? runs : throw new ArgumentException($"{path} lists no run that started.");
    }

    /// <summary>Writes <paramref name="records"/> by configuration number (aside, then moved in).</summary>
    public static void WriteAll(string path, IEnumerable<SweepRecord> records)
    {
        File.WriteAllLines(path + ".tmp", records.OrderBy(r => r.Index).Select(r => r.Line));
        File.Move(path + ".tmp", path, overwrite: true);
    }
}
