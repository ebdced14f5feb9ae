using Spectre.Console;

namespace Nabla.ScriptHost;

/// <summary>
/// Where the host and the script write. Plain (no ANSI codes, no live display) when output is redirected, CI is set or
/// TERM=dumb; otherwise a Spectre.Console progress bar is shown during Fit and lines are written above it.
/// </summary>
public sealed class HostConsole(TextWriter output, TextWriter error, bool plain)
{
    readonly Lock _gate = new();
    IAnsiConsole? _live;

    public TextWriter Output { get; } = output;
    public TextWriter Error { get; } = error;
    public bool Plain { get; } = plain;

    /// <summary>The process's console, plain when redirected, CI=true (any value but "false"/"0") or TERM=dumb.</summary>
    public static HostConsole System() => new(Console.Out, Console.Error, IsPlain());

    static bool IsPlain() =>
        Console.IsOutputRedirected
        || Environment.GetEnvironmentVariable("CI") is { Length: > 0 } ci && ci != "false" && ci != "0"
        || Environment.GetEnvironmentVariable("TERM") == "dumb";

    /// <summary>A line of output, above the progress bar when one is shown.</summary>
    public void Line(string text)
    {
        lock (_gate)
        {
            if (_live is { } live) live.WriteLine(text);
            else Output.WriteLine(text);
        }
    }

    /// <summary>A Spectre console over <see cref="Output"/> for a live display; lines go through it until <paramref name="live"/> is null again.</summary>
    internal IAnsiConsole CreateLiveConsole() =>
        AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Output), Interactive = InteractionSupport.Yes });

    internal void SetLive(IAnsiConsole? live)
    {
        lock (_gate) _live = live;
    }
}
