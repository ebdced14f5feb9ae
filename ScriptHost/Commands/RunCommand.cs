using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Nabla.Compute;

namespace Nabla.ScriptHost.Commands;

/// <summary>
/// <c>nabla [run] [host options] SCRIPT.csx [script arguments]</c>: compiles (or loads from the cache) and runs one
/// script. The root command is this command too, so the bare form and <c>nabla run</c> are the same thing. Host options
/// come before the script path; every token after it belongs to the script, even one that looks like a host option.
/// </summary>
public sealed class RunCommand
{
    public Option<long> Seed { get; } = new("--seed")
    {
        Description = "the run's seed, the script's Seed global",
        HelpName = "N",
        DefaultValueFactory = _ => 0,
        CustomParser = r => Integer(r, long.MinValue, long.MaxValue),
    };

    public Option<string?> Out { get; } = new("--out")
    {
        Description = "the run folder [default: runs/<script name>/<yyyyMMdd-HHmmss>]",
        HelpName = "DIR",
    };

    public Option<bool> NoCache { get; } = new("--no-cache")
    {
        Description = "compile the script even if a cached build exists, and do not store one",
    };

    public Option<int?> Threads { get; } = new("--threads")
    {
        Description = "threads for matrix kernels [default and most: all cores]; results do not depend on it",
        HelpName = "N",
        CustomParser = r => (int)Integer(r, 1, 1024),
    };

    public Option<string?> Backend { get; } = new("--backend")
    {
        Description = "matrix products on managed (Nabla's SIMD GEMM) or openblas [default: openblas when installed]",
        HelpName = "B",
    };

    public Option<long> CheckpointSteps { get; } = new("--checkpoint-steps")
    {
        Description = "checkpoint every N steps as well as at each epoch's end [default: 0, epoch ends only]",
        HelpName = "N",
        DefaultValueFactory = _ => 0,
        CustomParser = r => Integer(r, 0, long.MaxValue),
    };

    public Option<string?> Resume { get; } = new("--resume")
    {
        Description = "continue an interrupted run in its folder, with the script, arguments and seed run.json records",
        HelpName = "RUN_DIR",
    };

    public Argument<string?> Script { get; } = new("script")
    {
        Description = "the C# script to run (.csx)",
        HelpName = "SCRIPT.csx",
        Arity = ArgumentArity.ZeroOrOne,
    };

    // Everything after the script path, options included, as Arg(...) reads it: --epochs 5, --lr=0.1, --flag.
    public Argument<string[]> ScriptArgs { get; } = new("script arguments")
    {
        Description = "the script's own arguments, named: --epochs 5, --lr=0.1, --flag",
        Arity = ArgumentArity.ZeroOrMore,
        CaptureRemainingTokens = true,
    };

    public RunCommand()
    {
        Backend.CompletionSources.Add(Compute.Backend.Names.ToArray());
        Script.CompletionSources.Add(ScriptCompletions);
    }

    /// <summary>Usage line shown in help and in usage errors.</summary>
    public const string Usage = "nabla [run] [--seed N] [--out DIR] [--no-cache] [--threads N] [--backend B] [--checkpoint-steps N] SCRIPT.csx [--name value ...]" +
        "\n       nabla --resume RUN_DIR";

    /// <summary>What help says below the options.</summary>
    public const string Notes = """
        Script arguments (after the script path) are named: --epochs 5, --lr=0.1, --flag. The script reads them
        with Arg("epochs", 5); a name the script never reads is an error that lists the ones it does.
        nabla SCRIPT.csx --help lists the arguments a script reads, with their defaults.

        Exit codes: 0 done (or the script's int return value), 1 usage or compile error, 2 the script threw,
        130 cancelled (Ctrl+C or SIGTERM: training stops at the next batch; the run folder keeps what was done).

        Every Fit saves a checkpoint in the run folder (checkpoint-1.safetensors for the first) at each epoch's end,
        and every N steps with --checkpoint-steps N. nabla --resume RUN_DIR goes on from the last checkpoints of a run
        that was stopped or killed, and finishes with the weights the uninterrupted run would have had.
        """;

    /// <summary>Adds the host options and the script arguments to <paramref name="command"/>, whose action (given a
    /// <paramref name="host"/>) runs the script.</summary>
    public Command Attach(Command command, HostContext? host = null)
    {
        foreach (var option in Options) command.Add(option);
        command.Add(Script);
        command.Add(ScriptArgs);
        if (host is not null) command.SetAction((result, cancellation) => NablaHost.RunScriptAsync(Read(result), host, cancellation));
        return command;
    }

    /// <summary>The <c>run</c> subcommand.</summary>
    public static Command Create(HostContext host) =>
        NablaCommandLine.Describe(new RunCommand().Attach(new Command("run", "Run a script (the same as nabla SCRIPT.csx)."), host), Usage, Notes);

    IEnumerable<Option> Options => [Seed, Out, NoCache, Threads, Backend, CheckpointSteps, Resume];

    /// <summary>The host options of a parse; throws <see cref="UsageException"/> when a host option is unknown
    /// (it would otherwise be taken for the script path).</summary>
    public HostOptions Read(ParseResult result)
    {
        var script = result.GetValue(Script);
        if (script is not null && script.StartsWith('-') && script != "-")
            throw new UsageException($"unknown host option {script}{NablaCommandLine.Guess(script, Options)}. Host options: " +
                "--seed N, --out DIR, --no-cache, --threads N, --backend B, --checkpoint-steps N, --resume RUN_DIR, --help, --version; " +
                "script arguments go after the script path.");
        if (result.GetValue(Resume) is { } resume)
        {
            // The run is the one run.json records: nothing else may be given (it would silently not apply).
            var others = result.CommandResult.Children.OfType<OptionResult>().Where(o => !o.Implicit && o.Option != Resume)
                .Select(o => o.Option.Name).Concat(script is null ? [] : [script]).ToArray();
            if (others.Length > 0)
                throw new UsageException($"--resume {resume} takes nothing else ({string.Join(", ", others)} given): the script, its arguments " +
                    "and the host options are those the run was started with (its run.json).");
            return new HostOptions(null, [], Resume: resume);
        }
        return new HostOptions(script, result.GetValue(ScriptArgs) ?? [], result.GetValue(Seed), result.GetValue(Out),
            result.GetValue(NoCache), result.GetValue(Threads), result.GetValue(Backend), result.GetValue(CheckpointSteps));
    }

    /// <summary>An option's integer value within [<paramref name="min"/>, <paramref name="max"/>], or a parse error
    /// that says which option and what was wrong ("--threads must be between 1 and 1024.").</summary>
    internal static long Integer(ArgumentResult result, long min, long max)
    {
        var option = ((OptionResult)result.Parent!).Option.Name;
        var text = result.Tokens.Single().Value;
        if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
            result.AddError($"{option} {text}: expected an integer.");
        else if (value < min || value > max)
            result.AddError($"{option} must be between {min} and {max}.");
        return value;
    }

    // Tab completion of the script path: .csx files and folders under the word typed so far.
    static IEnumerable<string> ScriptCompletions(System.CommandLine.Completions.CompletionContext context)
    {
        var word = context.WordToComplete;
        var folder = Path.GetDirectoryName(word) is { Length: > 0 } d ? d : ".";
        if (!Directory.Exists(folder)) return [];
        string Shown(string path) => folder == "." && !word.StartsWith("./", StringComparison.Ordinal) ? Path.GetFileName(path) : Path.Combine(folder, Path.GetFileName(path));
        return Directory.EnumerateDirectories(folder).Select(p => Shown(p) + "/")
            .Concat(Directory.EnumerateFiles(folder, "*.csx").Select(Shown))
            .Where(p => p.StartsWith(word, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);
    }
}
