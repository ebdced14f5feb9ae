using System.Diagnostics;
using System.Reflection;
using System.Runtime.CompilerServices;
using Nabla.Data;
using Nabla.Compute;
using Nabla.ScriptHost.Commands;
using Nabla.Serialization;
using Nabla.Tensors;
using Nabla.Training;

namespace Nabla.ScriptHost;

/// <summary>
/// The program: parse host options, find the compiled script in the cache or compile it, check the script arguments
/// against those the script reads, run it with its run folder and progress display watching every Fit, and turn
/// the outcome into an exit code (0 or the script's int, 1 usage/compile error, 2 script exception, 130 cancelled).
/// </summary>
public static class NablaHost
{
    /// <summary>Exit code of a run stopped by Ctrl+C or SIGTERM (128 + SIGINT, as shells report it).</summary>
    public const int Cancelled = 130;

    /// <summary>The Nabla version (Directory.Build.props).</summary>
    public static string Version { get; } =
        typeof(NablaHost).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>Runs the command line <paramref name="args"/>; <paramref name="cancellation"/> is Ctrl+C/SIGTERM.</summary>
    public static Task<int> RunAsync(IReadOnlyList<string> args, HostConsole console, CancellationToken cancellation,
        string? cacheDirectory = null) =>
        NablaCommandLine.InvokeAsync(args, new HostContext(console, args, cacheDirectory), cancellation);

    /// <summary>Runs one script as <paramref name="options"/> say (<c>nabla [run] …</c>); the exit code.</summary>
    public static async Task<int> RunScriptAsync(HostOptions options, HostContext host, CancellationToken cancellation)
    {
        var (args, console, cacheDirectory) = (host.CommandLine, host.Console, host.CacheDirectory);
        ScriptArguments scriptArgs;
        var resume = options.Resume;
        try
        {
            // nabla --resume RUN_DIR: the run run.json records, into the same folder, with its original command line.
            if (resume is not null) (options, args) = RunFolder.ResumeOptions(resume);
            if (options.Script is null) throw new UsageException($"no script given. Usage: {RunCommand.Usage} (nabla --help: more)");
            if (!File.Exists(options.Script))
                throw new UsageException(Directory.Exists(options.Script)
                    ? $"{options.Script} is a folder, not a script (.csx)."
                    : $"{options.Script}: no such script (looked in {Environment.CurrentDirectory}){NablaCommandLine.GuessCommand(options.Script, host)}.");
            scriptArgs = ScriptArguments.Parse(options.ScriptArgs);
        }
        catch (UsageException e)
        {
            console.Error.WriteLine($"nabla: {e.Message}");
            return 1;
        }

        var script = options.Script;
        var clock = Stopwatch.StartNew();
        var cache = options.NoCache ? null : new ScriptCache(cacheDirectory ?? ScriptCache.DefaultDirectory());
        var compiled = cache?.TryLoad(script);
        var cached = compiled is not null;
        if (compiled is null)
        {
            try { compiled = Compile(script, Path.Combine(cacheDirectory ?? ScriptCache.DefaultDirectory(), "nuget")); }
            catch (CompileErrorException e)
            {
                foreach (var line in e.Errors) console.Error.WriteLine(line);
                return 1;
            }
            try { cache?.Store(script, compiled); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                console.Error.WriteLine($"nabla: warning: could not cache the compiled script in {cache!.Directory}: {e.Message}");
            }
        }
        foreach (var warning in compiled.Warnings) console.Error.WriteLine(warning);
        var compileSeconds = clock.Elapsed.TotalSeconds;
        // From here on the methods a run needs are the same whether the script was compiled or loaded: one profile for
        // both kinds, so a script's second run replays its training whichever kind either run was (Program.cs).
        JitProfile.Switch($"host {Path.GetFullPath(script)} run");
        if (cancellation.IsCancellationRequested) return Cancelled;   // Ctrl+C while compiling: nothing ran, nothing to keep

        if (scriptArgs.Given.ContainsKey("help") && compiled.Arguments.All(a => a.Name != "help"))
        {
            console.Output.WriteLine($"usage: nabla [host options] {script}" +
                string.Concat(compiled.Arguments.Select(a => $" [{a.Usage}]")) + (compiled.DynamicArguments ? " [...]" : ""));
            return 0;
        }
        // Fail before the run, not after an hour of training, when an argument name is misspelled.
        if (!compiled.DynamicArguments && scriptArgs.UnknownNames(compiled.Arguments.Select(a => a.Name)) is { Count: > 0 } unknown)
        {
            console.Error.WriteLine($"nabla: {ScriptArguments.DescribeUnknown(script, unknown, compiled.Arguments)}");
            return 1;
        }

        if (options.Threads is { } threads) MathNet.Numerics.Control.MaxDegreeOfParallelism = threads;
        IDisposable backendScope;   // scoped to this run's async flow, so in-process runs do not leak it to each other
        try
        {
            backendScope = Backend.Using(options.Backend is { } name ? Backend.Get(name) : Backend.Current, options.Threads);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            console.Error.WriteLine($"nabla: --backend {options.Backend}: {e.Message}");
            return 1;
        }
        using var _ = backendScope;

        RunFolder run;
        try
        {
            var info = new RunFolder.RunInfo(script, compiled.Sources, args, options.Seed, scriptArgs, options.Threads, cached, compileSeconds);
            run = resume is null ? RunFolder.Create(options.Out, info) : RunFolder.Resume(resume, info);
            run.CheckpointSteps = options.CheckpointSteps;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            console.Error.WriteLine($"nabla: cannot create the run folder{(options.Out is null ? "" : $" {options.Out}")}: {e.Message}");
            return 1;
        }

        string status;
        string? error;
        int code;
        using (var log = run.OpenLog())
        {
            var runConsole = console.WithTranscript(log);   // everything the run prints is kept in output.log
            var globals = new ScriptGlobals(scriptArgs, options.Seed, run.Path, cancellation, runConsole.Line);
            using var display = new ProgressDisplay(runConsole);
            using var stopOnCancel = cancellation.Register(() =>
                runConsole.Line("nabla: cancelling: training stops at the next batch (press Ctrl+C again to stop at once)"));
            // Every Fit of the script checkpoints into the run folder, and a resumed one goes on from its checkpoint there.
            var checkpoints = new CheckpointFolder(run.Path, options.CheckpointSteps);
            checkpoints.Saved += run.CheckpointSaved;
            if (resume is not null)
                runConsole.Line($"nabla: resuming {HostPaths.Display(run.Path)}: {HostPaths.Display(script)} {string.Join(' ', options.ScriptArgs)}".TrimEnd() +
                    (checkpoints.RemovedTemporaryFiles > 0 ? $" (removed {checkpoints.RemovedTemporaryFiles} partial checkpoint a kill left)" : ""));
            using var checkpointScope = FitCheckpoints.Use(checkpoints);
            (status, code, error) = await RunScriptAsync(compiled, globals, [new JitProfileCutoff(), run, display, new CancelAtNextBatch(cancellation)], run, runConsole, cancellation);
            display.Dispose();
            if (status == "completed" && compiled.DynamicArguments
                && scriptArgs.UnknownNames(scriptArgs.Read) is { Count: > 0 } unread)
            {
                // Names built at run time cannot be checked before the run; say so at least at the end.
                var message = ScriptArguments.DescribeUnknown(script, unread, scriptArgs.Used.Select(p => new ArgumentInfo(p.Key, p.Value)).ToArray());
                runConsole.Error.WriteLine($"nabla: {message}");
                (status, code, error) = ("failed", 1, message);
            }
        }
        run.Finish(status, code, error);
        try
        {
            var report = run.WriteReport();
            if (run.HasResults) console.Line($"report: {HostPaths.Display(report)}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or Data.DataFormatException or System.Text.Json.JsonException)
        {
            console.Error.WriteLine($"nabla: warning: could not write the report in {run.Path}: {e.Message}");
        }
        return code;
    }

    static async Task<(string Status, int Code, string? Error)> RunScriptAsync(CompiledScript compiled, ScriptGlobals globals,
        IFitObserver[] observers, RunFolder run, HostConsole console, CancellationToken cancellation)
    {
        var watches = observers.Select(FitObservers.Add).Append(DataFiles.Watch(run.DataFileRead))
            .Append(Evaluation.EvaluationObservers.Add(run.Evaluated)).ToArray();
        try
        {
            var result = await ScriptRunner.RunAsync(compiled, globals);
            if (cancellation.IsCancellationRequested) return ("cancelled", Cancelled, null);
            return ("completed", result is int code ? code : 0, null);
        }
        catch (Exception e) when (cancellation.IsCancellationRequested && IsCancellation(e))
        {
            return ("cancelled", Cancelled, null);
        }
        catch (Exception e)
        {
            // After a Ctrl+C a script may trip over its own shortened run (no epoch finished): still a cancellation.
            var (status, code) = cancellation.IsCancellationRequested ? ("cancelled", Cancelled) : ("failed", 2);
            var exception = Unwrap(e);
            var frames = ScriptRunner.ScriptFrames(exception);
            var where = frames.Count > 0 ? frames[0] : HostPaths.Display(compiled.Sources.FirstOrDefault() ?? "script");
            var isArgument = exception is ScriptArgumentException;
            var message = isArgument ? exception.Message : $"{exception.GetType().Name}: {exception.Message}";
            console.Error.WriteLine($"{where}: error: {message}");
            if (!isArgument && ScriptRunner.ThrownIn(exception) is { } thrownIn) console.Error.WriteLine($"  thrown in {thrownIn}");
            foreach (var frame in frames.Skip(1)) console.Error.WriteLine($"  called from {frame}");
            for (var inner = exception.InnerException; inner is not null; inner = inner.InnerException)
                console.Error.WriteLine($"  caused by {inner.GetType().Name}: {inner.Message}");
            if (Environment.GetEnvironmentVariable("NABLA_STACKTRACE") is { Length: > 0 }) console.Error.WriteLine(exception);
            return (status, isArgument ? 1 : code, $"{where}: {message}");
        }
        finally
        {
            foreach (var watch in watches.Reverse()) watch.Dispose();
        }
    }

    static bool IsCancellation(Exception e) => Unwrap(e) is OperationCanceledException;

    static Exception Unwrap(Exception e) => e switch
    {
        TargetInvocationException { InnerException: { } inner } => Unwrap(inner),
        AggregateException { InnerExceptions.Count: 1 } aggregate => Unwrap(aggregate.InnerExceptions[0]),
        _ => e,
    };

    // Kept out of line so a cached run never JIT-compiles a method that mentions Roslyn's types.
    [MethodImpl(MethodImplOptions.NoInlining)]
    static CompiledScript Compile(string script, string packages) => ScriptCompiler.Compile(script, packages);
}
