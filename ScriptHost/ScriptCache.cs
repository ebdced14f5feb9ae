using System.Security.Cryptography;
using System.Text;

namespace Nabla.ScriptHost;

/// <summary>
/// Compiled scripts on disk, so a second run of an unchanged script skips Roslyn. An entry is found by a hash of the
/// script's path and text and of the host and Core builds; its manifest then lists every file the compile read
/// (#load'ed scripts, #r'd assemblies) with their SHA-256, and the entry is used only if all still match — the same
/// two-step check ccache calls direct mode. No Roslyn type appears here.
/// </summary>
public sealed class ScriptCache(string directory)
{
    const string Format = "nabla-script-cache 1";

    /// <summary>The cache folder: $NABLA_CACHE, else $XDG_CACHE_HOME/nabla/scripts, else ~/.cache/nabla/scripts.</summary>
    public static string DefaultDirectory()
    {
        if (Environment.GetEnvironmentVariable("NABLA_CACHE") is { Length: > 0 } explicitFolder) return explicitFolder;
        var root = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
            ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(root, "nabla", "scripts");
    }

    public string Directory { get; } = directory;

    /// <summary>The entry for <paramref name="scriptPath"/> if every file it was compiled from is unchanged, else null.</summary>
    public CompiledScript? TryLoad(string scriptPath)
    {
        var entry = EntryFolder(scriptPath);
        var manifestPath = Path.Combine(entry, "manifest.txt");
        var assemblyPath = Path.Combine(entry, "script.dll");
        if (!File.Exists(manifestPath) || !File.Exists(assemblyPath)) return null;
        try
        {
            var lines = File.ReadAllLines(manifestPath);
            if (lines.Length == 0 || lines[0] != Format) return null;
            var sources = new List<string>();
            var references = new List<string>();
            var arguments = new List<ArgumentInfo>();
            var dynamic = false;
            var warnings = new List<ScriptWarning>();
            foreach (var line in lines.Skip(1))
            {
                var fields = line.Split('\t');
                switch (fields[0])
                {
                    case "source" or "reference" or "argument" when fields.Length != 3: return null;   // not ours: a miss
                    case "source" or "reference":
                        if (!File.Exists(fields[2]) || Data.Checksums.Sha256(fields[2]) != fields[1]) return null;
                        (fields[0] == "source" ? sources : references).Add(fields[2]);
                        break;
                    case "argument": arguments.Add(new ArgumentInfo(fields[1], fields[2])); break;
                    case "dynamic-arguments": dynamic = true; break;
                    case "warning" when fields.Length == 5 && int.TryParse(fields[2], out var row) && int.TryParse(fields[3], out var column):
                        warnings.Add(new ScriptWarning(fields[1], row, column, fields[4]));
                        break;
                    default: return null;
                }
            }
            return new CompiledScript(File.ReadAllBytes(assemblyPath), sources, references, arguments, dynamic) { Warnings = warnings };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }   // a half-written, vanished or unreadable entry is a miss, never an error
    }

    /// <summary>True when a run of <paramref name="scriptPath"/> would load it from here instead of compiling it; false
    /// when the script cannot be read (the run that follows says why).</summary>
    public bool Holds(string scriptPath)
    {
        try { return TryLoad(scriptPath) is not null; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }

    /// <summary>Stores <paramref name="script"/>; files are written aside and moved in, so a concurrent run never reads half an entry.</summary>
    public void Store(string scriptPath, CompiledScript script)
    {
        var entry = EntryFolder(scriptPath);
        System.IO.Directory.CreateDirectory(entry);
        var manifest = new StringBuilder().Append(Format).Append('\n');
        foreach (var source in script.Sources) manifest.Append($"source\t{Data.Checksums.Sha256(source)}\t{source}\n");
        foreach (var reference in script.References) manifest.Append($"reference\t{Data.Checksums.Sha256(reference)}\t{reference}\n");
        foreach (var argument in script.Arguments)   // one line per record: a default written over lines is kept on one
            manifest.Append($"argument\t{argument.Name}\t{argument.Default.ReplaceLineEndings(" ").Replace('\t', ' ')}\n");
        if (script.DynamicArguments) manifest.Append("dynamic-arguments\n");
        foreach (var w in script.Warnings)   // printed again on every cached run, as a compiler would
            manifest.Append($"warning\t{w.Path}\t{w.Line}\t{w.Column}\t{w.Message.ReplaceLineEndings(" ").Replace('\t', ' ')}\n");
        var suffix = $".{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        File.WriteAllBytes(Path.Combine(entry, "script.dll" + suffix), script.Assembly);
        File.WriteAllText(Path.Combine(entry, "manifest.txt" + suffix), manifest.ToString());
        // The assembly first: a manifest never points at a missing or older assembly of another version.
        File.Move(Path.Combine(entry, "script.dll" + suffix), Path.Combine(entry, "script.dll"), overwrite: true);
        File.Move(Path.Combine(entry, "manifest.txt" + suffix), Path.Combine(entry, "manifest.txt"), overwrite: true);
    }

    string EntryFolder(string scriptPath)
    {
        var full = Path.GetFullPath(scriptPath);
        var key = new StringBuilder()
            .AppendLine(Format)
            .AppendLine(BuildId)
            .AppendLine(full)
            .Append(File.ReadAllText(full))
            .ToString();
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        return Path.Combine(Directory, hash[..32]);
    }

    /// <summary>The host, Core and runtime builds a compiled script is bound to (deterministic builds: the module
    /// version ids change exactly when the code or its references change).</summary>
    public static string BuildId { get; } = string.Join(" ",
        typeof(ScriptCache).Assembly.ManifestModule.ModuleVersionId,
        typeof(Layers.Layer).Assembly.ManifestModule.ModuleVersionId,
        typeof(MathNet.Numerics.LinearAlgebra.Matrix<>).Assembly.ManifestModule.ModuleVersionId,
        Environment.Version);
}
