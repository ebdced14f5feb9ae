using System.Globalization;

namespace Nabla.ScriptHost;

/// <summary>What a script sees as globals: its arguments, the run's seed and output folder, cancellation, logging.</summary>
public class ScriptGlobals(IReadOnlyDictionary<string, string> args, long seed, string outDir, CancellationToken cancellation)
{
    /// <summary>The script's named arguments (--name value), as given.</summary>
    public IReadOnlyDictionary<string, string> Args { get; } = args;

    /// <summary>The run's seed (--seed, default 0).</summary>
    public long Seed { get; } = seed;

    /// <summary>The run folder this script writes into.</summary>
    public string OutDir { get; } = outDir;

    /// <summary>Cancelled by Ctrl+C or SIGTERM.</summary>
    public CancellationToken CancellationToken { get; } = cancellation;

    /// <summary>Argument <paramref name="name"/> (given as --name value) converted to T, or <paramref name="fallback"/>.</summary>
    public T Arg<T>(string name, T fallback) where T : IParsable<T> =>
        Args.TryGetValue(name, out var text) ? T.Parse(text, CultureInfo.InvariantCulture) : fallback;

    /// <summary>Writes a line to the console.</summary>
    public void Log(string message) => Console.WriteLine(message);
}
