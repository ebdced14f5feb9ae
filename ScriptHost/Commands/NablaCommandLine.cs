using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using System.Runtime.CompilerServices;

namespace Nabla.ScriptHost.Commands;

/// <summary>
/// The command line, on System.CommandLine: <c>nabla [run] SCRIPT.csx</c> and the subcommands, help per command,
/// tab completion through the <c>[suggest]</c> directive, and errors as one "nabla: …" line with a guess and exit 1.
/// Signals are not System.CommandLine's: Program.cs cancels the token passed in here (first Ctrl+C/SIGTERM), so a run
/// stops at its next batch however long that takes, and a second signal ends the process at once.
/// </summary>
public static class NablaCommandLine
{
    /// <summary>The subcommands, one file each: a static <c>Create(HostContext)</c> that returns its Command (with
    /// <see cref="Describe"/> for its help), listed here. The bare form <c>nabla SCRIPT.csx</c> is the root itself.</summary>
    static Command[] Subcommands(HostContext host) =>
    [
        RunCommand.Create(host),
        NewCommand.Create(host),
        SweepCommand.Create(host),
        ReportCommands.Report(host),
        ReportCommands.Compare(host),
        PredictCommand.Create(host),
        ExportCommand.Create(host),
    ];

    /// <summary>Parses <paramref name="args"/> and runs the command they name; the exit code.</summary>
    public static async Task<int> InvokeAsync(IReadOnlyList<string> args, HostContext host, CancellationToken cancellation)
    {
        var root = Build(host);
        var result = root.Parse(args, Parsing);
        try
        {
            if (result.Action is ParseErrorAction)
                return Fail(host, $"{Describe(result)} See nabla {(result.CommandResult.Command == root ? "" : result.CommandResult.Command.Name + " ")}--help.");
            if (result.CommandResult.Command != root && HostOptionsBeforeCommand(result) is { } misplaced)
                return Fail(host, $"{misplaced} goes after the command: nabla {result.CommandResult.Command.Name} {misplaced} ….");
            return await result.InvokeAsync(new InvocationConfiguration
            {
                Output = host.Console.Output,
                Error = host.Console.Error,
                ProcessTerminationTimeout = null,       // Program.cs owns SIGINT/SIGTERM (see the class summary)
                EnableDefaultExceptionHandler = false,  // a bug in Nabla should show its stack trace, not a one-liner
            }, cancellation);
        }
        catch (UsageException e)
        {
            return Fail(host, e.Message);
        }
    }

    /// <summary>The root command (which runs a script) with every subcommand, help and --version.</summary>
    public static RootCommand Build(HostContext host)
    {
        var root = new RootCommand("Nabla script host: compiles and runs a C# script (.csx) with Nabla imported.");
        new RunCommand().Attach(root, host);
        Describe(root, RunCommand.Usage, RunCommand.Notes);
        foreach (var existing in root.Options.Where(o => o is HelpOption or VersionOption).ToArray()) root.Options.Remove(existing);
        // No /h or /? (on Unix those are paths); our own text, as System.CommandLine 3's help layout is not public and its
        // usage line for a subcommand repeats the root's arguments.
        root.Options.Add(new HelpOption("--help", "-h", "-?") { Action = new PrintHelp(host), Recursive = true });
        root.Options.Add(new VersionOption("--version") { Action = new PrintVersion(host) });
        foreach (var command in Subcommands(host)) root.Add(command);
        return root;
    }

    /// <summary>The same grammar for every parse: no response files, so a script argument may start with @.</summary>
    static ParserConfiguration Parsing => new() { ResponseFileTokenReplacer = null };

    /// <summary>Gives <paramref name="command"/> a usage line and notes for its help; returns it.</summary>
    public static Command Describe(Command command, string usage, string? notes = null)
    {
        Usages.AddOrUpdate(command, new CommandHelp(usage, notes));
        return command;
    }

    /// <summary>" (did you mean --seed?)" when <paramref name="token"/> is a typo of one of <paramref name="options"/>.</summary>
    public static string Guess(string token, IEnumerable<Option> options) =>
        Spelling.Closest(token.Split('=')[0].TrimStart('-'), options.Select(o => o.Name.TrimStart('-'))) is { } known
            ? $" (did you mean --{known}?)" : "";

    /// <summary>" (did you mean nabla sweep?)" when <paramref name="word"/> is a typo of a command name.</summary>
    public static string GuessCommand(string word, HostContext host) =>
        Spelling.Closest(word, Subcommands(host).Select(c => c.Name)) is { } known ? $" (did you mean nabla {known}?)" : "";

    static readonly ConditionalWeakTable<Command, CommandHelp> Usages = [];

    static int Fail(HostContext host, string message)
    {
        host.Console.Error.WriteLine($"nabla: {message}");
        return 1;
    }

    // System.CommandLine's messages, except the two a user meets most, which say what to type instead.
    static string Describe(ParseResult result) => string.Join(Environment.NewLine + "nabla: ", result.Errors.Select(e => e.SymbolResult switch
    {
        OptionResult { Tokens.Count: 0 } option => $"{option.Option.Name} needs a value.",
        _ when e.Message.StartsWith("Unrecognized command or argument", StringComparison.Ordinal)
            && result.UnmatchedTokens.FirstOrDefault() is { } token => token.StartsWith('-')
            ? $"unknown option {token}{Guess(token, result.CommandResult.Command.Options)}."
            : $"unexpected argument {token}.",
        _ => e.Message,
    }));

    // nabla --seed 3 sweep …: the root's options would be parsed and then silently ignored by the subcommand.
    static string? HostOptionsBeforeCommand(ParseResult result) =>
        result.RootCommandResult.Children.OfType<OptionResult>()
            .FirstOrDefault(o => !o.Implicit && o.Option is not (HelpOption or VersionOption))?.IdentifierToken?.Value;

    sealed class PrintHelp(HostContext host) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            var command = parseResult.CommandResult.Command;
            host.Console.Output.Write((Usages.TryGetValue(command, out var help) ? help : new CommandHelp($"nabla {command.Name}", null)).Format(command));
            return 0;
        }
    }

    sealed class PrintVersion(HostContext host) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            host.Console.Output.WriteLine($"nabla {NablaHost.Version} ({System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription})");
            return 0;
        }
    }
}
