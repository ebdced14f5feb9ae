namespace Nabla.ScriptHost;

/// <summary>What a script sees as globals: its arguments, the run's seed and output folder, cancellation, logging.</summary>
public sealed class ScriptGlobals(ScriptArguments args, long seed, string outDir, CancellationToken cancellationToken, Action<string> log)
{
    /// <summary>The script's named arguments (--name value); read them with <see cref="Arg{T}"/>.</summary>
    public ScriptArguments Args { get; } = args;

    /// <summary>The run's seed (host option --seed, default 0): seed every generator from it, <c>Rng.Seeded(Seed)</c>.</summary>
    public long Seed { get; } = seed;

    /// <summary>The run folder (host option --out, default runs/&lt;script&gt;/&lt;time&gt;): write what the run makes here.</summary>
    public string OutDir { get; } = outDir;

    /// <summary>Cancelled by Ctrl+C or SIGTERM: Fit stops at the next batch; a loop of your own should check it.</summary>
    public CancellationToken CancellationToken { get; } = cancellationToken;

    /// <summary>Script argument --<paramref name="name"/> as a <typeparamref name="T"/>, or <paramref name="defaultValue"/>:
    /// <c>Arg("epochs", 5)</c>, <c>Arg("lr", 0.1)</c>, <c>Arg("name", "run")</c>, <c>Arg("verbose", false)</c>.</summary>
    public T Arg<T>(string name, T defaultValue) where T : IParsable<T> => Args.Get(name, defaultValue);

    /// <summary>Writes a line to the console (above the progress bar while one is shown).</summary>
    public void Log(object? message) => log(message?.ToString() ?? "");
}
