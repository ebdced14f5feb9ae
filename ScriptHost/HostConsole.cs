using Spectre.Console;

namespace Nabla.ScriptHost;

/// <summary>
/// Where the host and the script write. Plain (no ANSI codes, no live display) when output is redirected, CI is set or
/// TERM=dumb; otherwise a Spectre.Console progress bar is shown during Fit and lines are written above it. With a
/// transcript (the run folder's output.log) every line and error is copied there too, without the bar's redraws.
/// </summary>
public sealed class HostConsole
{
    readonly Lock _gate = new();
    readonly TextWriter _terminal;
    readonly TextWriter? _transcript;
    IAnsiConsole? _live;

    public HostConsole(TextWriter output, TextWriter error, bool plain) : this(output, error, plain, null) { }

    HostConsole(TextWriter output, TextWriter error, bool plain, TextWriter? transcript)
    {
        _terminal = output;
        _transcript = transcript;
        Output = transcript is null ? output : new Tee(output, transcript);
        Error = transcript is null ? error : new Tee(error, transcript);
        Plain = plain;
    }

    public TextWriter Output { get; }
    public TextWriter Error { get; }
    public bool Plain { get; }

    /// <summary>The process's console, plain when redirected, CI=true (any value but "false"/"0") or TERM=dumb.</summary>
    public static HostConsole System() => new(Console.Out, Console.Error, IsPlain());

    /// <summary>This console, also copying every line to <paramref name="transcript"/> (the progress bar excepted).</summary>
    public HostConsole WithTranscript(TextWriter transcript) =>
        new(_terminal, Error is Tee tee ? tee.First : Error, Plain, TextWriter.Synchronized(transcript));

    static bool IsPlain() =>
        Console.IsOutputRedirected
        || Environment.GetEnvironmentVariable("CI") is { Length: > 0 } ci && ci != "false" && ci != "0"
        || Environment.GetEnvironmentVariable("TERM") == "dumb";

    /// <summary>A line of output, above the progress bar when one is shown.</summary>
    public void Line(string text)
    {
        lock (_gate)
        {
            if (_live is { } live)
            {
                live.WriteLine(text);
                _transcript?.WriteLine(text);
            }
            else Output.WriteLine(text);
        }
    }

    /// <summary>A Spectre console over the terminal (never the transcript) for a live display; lines go through it until
    /// <paramref name="live"/> is null again.</summary>
    internal IAnsiConsole CreateLiveConsole() =>
        AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(_terminal), Interactive = InteractionSupport.Yes });

    internal void SetLive(IAnsiConsole? live)
    {
        lock (_gate) _live = live;
    }

    // Writes to both; the transcript keeps whole lines as the terminal shows them.
    sealed class Tee(TextWriter first, TextWriter second) : TextWriter
    {
        public TextWriter First { get; } = first;
        public override System.Text.Encoding Encoding => First.Encoding;
        public override void Write(char value) { First.Write(value); second.Write(value); }
        public override void Write(string? value) { First.Write(value); second.Write(value); }
        public override void WriteLine(string? value) { First.WriteLine(value); second.WriteLine(value); }
        public override void Flush() { First.Flush(); second.Flush(); }
    }
}
