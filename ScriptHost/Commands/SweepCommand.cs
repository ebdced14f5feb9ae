using System.CommandLine;
using Nabla.ScriptHost.Sweeps;

namespace Nabla.ScriptHost.Commands;

/// <summary>
/// <c>nabla sweep SCRIPT.csx --grid NAME=V1,V2,… [--grid …] [--parallel N] [--shard I/N] [--out DIR] [script arguments]</c>
/// runs one child process per configuration of the grid (see <see cref="Sweep"/>); <c>nabla sweep --merge DIR… --out
/// DIR</c> merges shard folders into one sweep (see <see cref="SweepMerge"/>).
/// </summary>
public sealed class SweepCommand
{
    readonly RunCommand _host = new();   // --seed, --threads, --backend, --no-cache, passed on to every run

    readonly Option<string[]> _grid = new("--grid")
    {
        Description = "a swept script argument and its values; repeat for more axes (seed=0,1,2 sweeps the host's --seed)",
        HelpName = "NAME=V1,V2,…",
    };

    readonly Option<int> _parallel = new("--parallel")
    {
        Description = "runs at a time [default: 1]; each gets cores/N matrix threads unless --threads says otherwise",
        HelpName = "N",
        DefaultValueFactory = _ => 1,
        CustomParser = r => (int)RunCommand.Integer(r, 1, 1024),
    };

    readonly Option<string?> _shard = new("--shard")
    {
        Description = "run only shard I (from 0) of N: configurations I, I+N, I+2N, … [default: SLURM_ARRAY_TASK_ID or " +
                      "JOB_COMPLETION_INDEX when set, else the whole grid]",
        HelpName = "I/N",
    };

    readonly Option<int?> _shardCount = new("--shard-count")
    {
        Description = "N for a Kubernetes Indexed Job, which gives JOB_COMPLETION_INDEX but not the count [default: $NABLA_SHARD_COUNT]",
        HelpName = "N",
        CustomParser = r => (int)RunCommand.Integer(r, 1, 1_000_000),
    };

    readonly Option<string?> _out = new("--out")
    {
        Description = "the sweep folder: sweep.json, sweep.jsonl, compare.html and a run folder per configuration " +
                      "[default: runs/<script>-sweep/<yyyyMMdd-HHmmss>]",
        HelpName = "DIR",
    };

    readonly Option<string[]> _merge = new("--merge")
    {
        Description = "merge these shard folders of one sweep into --out, instead of running",
        HelpName = "DIR…",
        AllowMultipleArgumentsPerToken = true,
    };

    readonly Option<bool> _dryRun = new("--dry-run")
    {
        Description = "check the script and its arguments, print this shard's configurations and each run's command line, and run nothing",
    };

    readonly Argument<string?> _script = new("script") { Description = "the script each run runs (.csx)", HelpName = "SCRIPT.csx", Arity = ArgumentArity.ZeroOrOne };

    readonly Argument<string[]> _scriptArgs = new("script arguments")
    {
        Description = "arguments every run passes to the script, as nabla SCRIPT.csx takes them (--epochs 1); " +
                      "after -- even names the sweep uses",
        Arity = ArgumentArity.ZeroOrMore,
    };

    /// <summary>The <c>sweep</c> subcommand.</summary>
    public static Command Create(HostContext host)
    {
        var sweep = new SweepCommand();
        sweep._host.Seed.Description = "every run's seed, the script's Seed global (unless --grid seed=… sweeps it)";
        var command = new Command("sweep", "Run a script once per configuration of a grid, N at a time, or one shard of it on a cluster.")
        {
            sweep._grid, sweep._parallel, sweep._shard, sweep._shardCount, sweep._out, sweep._merge, sweep._dryRun,
            sweep._host.Seed, sweep._host.Threads, sweep._host.Backend, sweep._host.NoCache, sweep._script, sweep._scriptArgs,
        };
        command.SetAction((result, cancellation) => sweep.InvokeAsync(result, host, cancellation));
        return NablaCommandLine.Describe(command,
            "nabla sweep SCRIPT.csx --grid NAME=V1,V2,… [--grid …] [--parallel N] [--shard I/N] [--out DIR] [script arguments]\n" +
            "       nabla sweep --merge DIR DIR … --out DIR",
            """
            Each configuration runs as its own process with its own run folder (DIR/003-lr=0.1-batch=32/: run.json,
            metrics.jsonl, report.html, output.log), with the seed given (--seed, default 0); sweep.jsonl gets a line per
            run: its arguments, run folder, status, exit code and final metrics. Configurations are numbered from 0, the
            first --grid varying slowest. A sweep run again into the same --out runs only what did not complete.

            On a cluster, each array task runs one shard: Slurm (sbatch --array=0-3) sets SLURM_ARRAY_TASK_ID and
            SLURM_ARRAY_TASK_COUNT, a Kubernetes Indexed Job sets JOB_COMPLETION_INDEX (give the count with --shard-count
            or NABLA_SHARD_COUNT). Give each shard its own --out, then merge: nabla sweep --merge DIR/shard-* --out DIR/all.
            docs/cluster/ has an sbatch script and an Indexed Job manifest; --dry-run shows what a shard would run.

            Exit codes: 0 every run completed, 1 usage or compile error (or an incomplete merge), 2 a run failed
            (its output.log says why), 130 cancelled (running runs stop at their next batch).
            """);
    }

    async Task<int> InvokeAsync(System.CommandLine.ParseResult result, HostContext host, CancellationToken cancellation)
    {
        var script = result.GetValue(_script);
        var merge = result.GetValue(_merge) ?? [];
        if (merge.Length > 0)
        {
            if (script is not null) throw new UsageException($"--merge takes shard folders, not a script ({script}): nabla sweep --merge DIR DIR … --out DIR.");
            var output = result.GetValue(_out) ?? throw new UsageException("--merge needs --out DIR, the merged sweep's folder.");
            return Sweep.Merge(merge, output, host);
        }
        if (script is null) throw new UsageException("no script given: nabla sweep SCRIPT.csx --grid NAME=V1,V2,… (nabla sweep --help).");
        if (script.StartsWith('-'))
            throw new UsageException($"unknown option {script}{NablaCommandLine.Guess(script, Options)}; script arguments go after the script path.");
        var shard = result.GetValue(_shard) is { } text ? Shard.Parse(text, "--shard")
            : Shard.FromEnvironment(Environment.GetEnvironmentVariable, result.GetValue(_shardCount)) ?? Shard.All;
        var settings = new Sweep.Settings(script, Grid.Parse(result.GetValue(_grid) ?? []), result.GetValue(_scriptArgs) ?? [],
            result.GetValue(_host.Seed), result.GetValue(_host.Threads), result.GetValue(_host.Backend), result.GetValue(_host.NoCache),
            result.GetValue(_parallel), shard, result.GetValue(_out), Options.Select(o => o.Name.TrimStart('-')).ToArray(), result.GetValue(_dryRun));
        return await Sweep.RunAsync(settings, host, cancellation);
    }

    IEnumerable<Option> Options => [_grid, _parallel, _shard, _shardCount, _out, _merge, _dryRun, _host.Seed, _host.Threads, _host.Backend, _host.NoCache];
}
