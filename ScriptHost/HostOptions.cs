using System.Globalization;

namespace Nabla.ScriptHost;

/// <summary>The host's own options, which come before the script path; everything after the path is the script's.</summary>
public sealed record HostOptions(string? Script, IReadOnlyList<string> ScriptArgs, long Seed = 0, string? Out = null,
    bool NoCache = false, int? Threads = null, string? Backend = null, bool Help = false, bool Version = false)
{
    public const string Usage = "usage: nabla [--seed N] [--out DIR] [--no-cache] [--threads N] [--backend managed|openblas] script.csx [--name value ...]";

    public const string HelpText = $"""
        Nabla script host: compiles and runs a C# script (.csx) with Nabla imported.

        {Usage}

        Host options (before the script path):
          --seed N       the run's seed, the script's Seed global (default 0)
          --out DIR      the run folder (default runs/<script name>/<yyyyMMdd-HHmmss>)
          --no-cache     compile the script even if a cached build exists, and do not store one
          --threads N    threads for matrix kernels (default and most: all cores); results do not depend on it
          --backend B    matrix-product backend: managed (Nabla's own SIMD GEMM) or openblas (the system's
                         OpenBLAS); default: openblas when installed, else managed
          --help         this text; after the script path, the script's own arguments
          --version      the Nabla, .NET and Roslyn versions

        Script arguments (after the script path) are named: --epochs 5, --lr=0.1, --flag. The script reads them
        with Arg("epochs", 5); a name the script never reads is an error that lists the ones it does.

        Exit codes: 0 done (or the script's int return value), 1 usage or compile error, 2 the script threw,
        130 cancelled (Ctrl+C or SIGTERM: training stops at the next batch; the run folder keeps what was done).

        """;

    static readonly string[] Known = ["seed", "out", "no-cache", "threads", "backend", "help", "version"];

    /// <summary>Splits <paramref name="args"/> at the script path; throws <see cref="UsageException"/> on a mistake.</summary>
    public static HostOptions Parse(IReadOnlyList<string> args)
    {
        var options = new HostOptions(null, []);
        for (var i = 0; i < args.Count; i++)
        {
            var token = args[i];
            if (!token.StartsWith('-') || token == "-")
                return options with { Script = token, ScriptArgs = args.Skip(i + 1).ToArray() };
            var (name, inline) = token.IndexOf('=') is var eq and > 0 ? (token[..eq], token[(eq + 1)..]) : (token, null);
            string Value()
            {
                if (inline is not null) return inline;
                if (i + 1 >= args.Count) throw new UsageException($"{name} needs a value. {Usage}");
                return args[++i];
            }
            options = name switch
            {
                "--seed" => options with { Seed = Number(name, Value()) },
                "--out" => options with { Out = Value() },
                "--threads" => options with { Threads = Number(name, Value()) is var n and > 0 and <= 1024 ? (int)n : throw new UsageException($"--threads must be between 1 and 1024.") },
                "--backend" => options with { Backend = Value() },
                "--no-cache" => options with { NoCache = true },
                "--help" or "-h" or "-?" => options with { Help = true },
                "--version" => options with { Version = true },
                _ => throw new UsageException($"unknown host option {name}{Guess(name)}. Host options: --seed N, --out DIR, --no-cache, --threads N, --backend B, --help, --version; script arguments go after the script path."),
            };
        }
        return options;
    }

    static long Number(string name, string text) =>
        long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value : throw new UsageException($"{name} {text}: expected an integer.");

    static string Guess(string option) =>
        Spelling.Closest(option.TrimStart('-'), Known) is { } known ? $" (did you mean --{known}?)" : "";
}
