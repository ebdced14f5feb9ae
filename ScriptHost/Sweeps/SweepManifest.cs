using System.Text.Json;
using System.Text.Json.Serialization;

namespace Nabla.ScriptHost.Sweeps;

/// <summary>
/// sweep.json, beside sweep.jsonl: what a sweep, or one shard of it, ran — the script and its SHA-256, the grid, the
/// script arguments and host options every run shares, the number of configurations and the shard. Shards of one sweep
/// agree on all of it but the shard index, which is what <see cref="SweepMerge"/> checks before merging them.
/// </summary>
public sealed record SweepManifest(string Script, string ScriptSha256, IReadOnlyList<GridAxis> Grid,
    IReadOnlyList<string> ScriptArguments, IReadOnlyList<string> HostOptions, int Configurations, ShardInfo Shard,
    string NablaVersion, IReadOnlyList<string>? MergedFrom = null)
{
    /// <summary>The file's name in a sweep folder.</summary>
    public const string FileName = "sweep.json";

    static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Writes sweep.json into <paramref name="folder"/> (aside, then moved in).</summary>
    public void Write(string folder)
    {
        var path = Path.Combine(folder, FileName);
        File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(this, Json) + "\n");
        File.Move(path + ".tmp", path, overwrite: true);
    }

    /// <summary>Reads <paramref name="folder"/>/sweep.json; throws <see cref="UsageException"/> naming the file when it is
    /// missing or not a sweep manifest.</summary>
    public static SweepManifest Read(string folder)
    {
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path))
            throw new UsageException($"{path}: no such file; {folder} is not a sweep folder (nabla sweep --out writes one).");
        try
        {
            return JsonSerializer.Deserialize<SweepManifest>(File.ReadAllText(path), Json)
                ?? throw new UsageException($"{path}: empty.");
        }
        catch (JsonException e)
        {
            throw new UsageException($"{path}: not a sweep manifest ({e.Message}).");
        }
    }

    /// <summary>What differs between this shard's sweep and <paramref name="other"/>'s, or null when they are shards of one
    /// sweep (all but the shard index agree).</summary>
    public string? Difference(SweepManifest other)
    {
        static string Text<T>(T value) => JsonSerializer.Serialize(value, Json);
        if (ScriptSha256 != other.ScriptSha256) return $"the script differs ({Script} {ScriptSha256[..12]}…, {other.Script} {other.ScriptSha256[..12]}…)";
        if (Text(Grid) != Text(other.Grid)) return "the grid differs";
        if (Text(ScriptArguments) != Text(other.ScriptArguments)) return $"the script arguments differ ({string.Join(' ', ScriptArguments)} against {string.Join(' ', other.ScriptArguments)})";
        if (Text(HostOptions) != Text(other.HostOptions)) return $"the host options differ ({string.Join(' ', HostOptions)} against {string.Join(' ', other.HostOptions)})";
        if (Shard.Count != other.Shard.Count) return $"one is shard {Shard.Index} of {Shard.Count}, the other shard {other.Shard.Index} of {other.Shard.Count}";
        return null;
    }
}

/// <summary>The shard a sweep folder holds: index (from 0) of count, and where the index came from.</summary>
public sealed record ShardInfo(int Index, int Count, string Source);
