using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Nabla.Reporting;
using Nabla.ScriptHost.Commands;

namespace Nabla.ScriptHost.Sweeps;

/// <summary>
/// A sweep: check the script and its arguments once (compiling it into the cache the runs then load), write sweep.json,
/// run this shard's configurations (<see cref="SweepRunner"/>), write sweep.jsonl by configuration number and the
/// comparison page of the completed runs (compare.html, <see cref="RunComparison"/>).
/// </summary>
public static class Sweep
{
    /// <summary>What <c>nabla sweep</c> was asked: the script, the grid, the script arguments every run shares, the host
    /// options passed on, runs at a time, the shard, the folder, the sweep's own option names (for "did you mean"), and
    /// whether to only print what would run.</summary>
    public sealed record Settings(string Script, Grid Grid, IReadOnlyList<string> ScriptArguments, long Seed, int? Threads,
        string? Backend, bool NoCache, int Parallel, Shard Shard, string? Out, IReadOnlyList<string> OptionNames, bool DryRun = false);

    /// <summary>Runs the sweep; the exit code (0 all completed, 1 usage or compile error, 2 a run failed, 130 cancelled).</summary>
    public static async Task<int> RunAsync(Settings settings, HostContext host, CancellationToken cancellation)
    {
        var console = host.Console;
        var script = settings.Script;
        if (!File.Exists(script))
            throw new UsageException(Directory.Exists(script) ? $"{script} is a folder, not a script (.csx)." : $"{script}: no such script (looked in {Environment.CurrentDirectory}).");
        var fixedArguments = ScriptArguments.Parse(settings.ScriptArguments);
        if (settings.Grid.Axes.FirstOrDefault(a => fixedArguments.Given.ContainsKey(a.Name)) is { } both)
            throw new UsageException($"--{both.Name} is both swept (--grid {both.Name}=…) and given to every run; keep one.");

        // Once here, not once per run: a compile error or a misspelt argument is one message, and the runs load the cache.
        CompiledScript compiled;
        var cache = new ScriptCache(host.CacheDirectory ?? ScriptCache.DefaultDirectory());
        try { compiled = (settings.NoCache ? null : cache.TryLoad(script)) ?? Compile(script, settings.NoCache ? null : cache); }
        catch (CompileErrorException e)
        {
            foreach (var line in e.Errors) console.Error.WriteLine(line);
            return 1;
        }
        CheckNames(settings, fixedArguments, compiled);

        var folder = settings.Out ?? Path.Combine("runs", Path.GetFileNameWithoutExtension(script) + "-sweep",
            DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture) + (settings.Shard.Count > 1 ? $"-shard-{settings.Shard.Index}-of-{settings.Shard.Count}" : ""));
        var manifest = new SweepManifest(HostPaths.Display(script), Data.Checksums.Sha256(script), settings.Grid.Axes, settings.ScriptArguments,
            HostOptions(settings), settings.Grid.Count, new ShardInfo(settings.Shard.Index, settings.Shard.Count, settings.Shard.Source), NablaHost.Version);
        var done = Completed(folder, manifest);   // a sweep run again into its folder resumes
        var mine = Enumerable.Range(0, settings.Grid.Count).Where(settings.Shard.Contains).ToArray();
        var threads = settings.Threads ?? Math.Max(1, Environment.ProcessorCount / settings.Parallel);
        if (settings.DryRun)
        {
            // What a cluster task would run, before a job is submitted: the shard it resolved and each run's command.
            console.Line($"sweep: {HostPaths.Display(script)} over {settings.Grid} = {settings.Grid.Count} configurations; {settings.Shard}: " +
                         $"configurations {(mine.Length == 0 ? "none" : string.Join(", ", mine))} → {HostPaths.Display(folder)}");
            foreach (var configuration in mine.Where(i => !done.ContainsKey(i)).Select(i => settings.Grid[i]))
                console.Line("nabla " + string.Join(' ', ChildArguments(settings, configuration, Path.Combine(folder, configuration.FolderName), threads)));
            return 0;
        }
        Directory.CreateDirectory(folder);
        manifest.Write(folder);

        var todo = mine.Where(i => !done.ContainsKey(i)).Select(i => settings.Grid[i]).ToArray();
        console.Line($"sweep: {HostPaths.Display(script)} over {settings.Grid} = {settings.Grid.Count} configuration{(settings.Grid.Count == 1 ? "" : "s")}; " +
                     $"{settings.Shard}: {todo.Length} to run{(done.Count > 0 ? $" ({done.Count} completed before)" : "")}, " +
                     $"{settings.Parallel} at a time, {threads} thread{(threads == 1 ? "" : "s")} each → {HostPaths.Display(folder)}");

        var clock = Stopwatch.StartNew();
        var finished = 0;
        var runner = new SweepRunner(host, folder, settings.Parallel, c => ChildArguments(settings, c, Path.Combine(folder, c.FolderName), threads));
        var records = await runner.RunAsync(todo, (record, configuration) =>
            console.Line($"[{Interlocked.Increment(ref finished)}/{todo.Length}] {Describe(record, configuration, folder)}"), cancellation);

        var all = done.Values.Concat(records).OrderBy(r => r.Index).ToArray();
        SweepRecord.WriteAll(Path.Combine(folder, SweepRecord.FileName), all);
        var comparison = Compare(folder, all, console);
        var counts = all.GroupBy(r => r.Status).ToDictionary(g => g.Key, g => g.Count());
        var notStarted = mine.Length - all.Length;
        console.Line($"sweep: {string.Join(", ", counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Value} {c.Key}"))}" +
                     $"{(notStarted > 0 ? $", {notStarted} not started" : "")} in {clock.Elapsed.TotalSeconds:F1} s: " +
                     $"{HostPaths.Display(Path.Combine(folder, SweepRecord.FileName))}{(comparison is null ? "" : $", {HostPaths.Display(comparison)}")}");
        return cancellation.IsCancellationRequested ? NablaHost.Cancelled : all.All(r => r.Status == "completed") ? 0 : 2;
    }

    /// <summary><c>nabla sweep --merge</c>: the exit code (0 every configuration completed, 1 a configuration is in no
    /// shard, 2 a shard's run failed or was cancelled).</summary>
    public static int Merge(IReadOnlyList<string> shards, string output, HostContext host)
    {
        var (manifest, records, missing) = SweepMerge.Merge(shards, output);
        var comparison = Compare(output, records, host.Console);
        host.Console.Line($"merged {records.Count} of {manifest.Configurations} runs from {shards.Count} shard folder{(shards.Count == 1 ? "" : "s")}: " +
                          $"{HostPaths.Display(Path.Combine(output, SweepRecord.FileName))}{(comparison is null ? "" : $", {HostPaths.Display(comparison)}")}");
        var code = 0;
        if (missing.Count > 0)
        {
            var given = shards.Select(SweepManifest.Read).Select(m => m.Shard).OrderBy(s => s.Index).ToArray();
            host.Console.Error.WriteLine($"nabla: the merge is incomplete: no shard holds configuration{(missing.Count == 1 ? "" : "s")} {string.Join(", ", missing)} " +
                                         $"(of {manifest.Configurations}; shards {string.Join(", ", given.Select(s => s.Index))} of {given[0].Count} given); " +
                                         "run the missing shards (or the same shard again into its folder: it resumes) and merge again.");
            code = 1;
        }
        // A shard whose run failed still merges (its record says how it ended), but the merged sweep is not a success.
        foreach (var failed in records.Where(r => r.Status != "completed"))
        {
            var json = failed.Json;
            var run = json.GetProperty("run").GetString()!;
            var why = json.TryGetProperty("error", out var error) ? $": {OneLine(error.GetString())}" : "";
            host.Console.Error.WriteLine($"nabla: run {run} {failed.Status} (exit {json.GetProperty("exit_code").GetInt32()}){why}; " +
                                         $"see {HostPaths.Display(Path.Combine(output, run, "output.log"))}.");
            code = code == 0 ? 2 : code;
        }
        return code;
    }

    // What every run is given: the host options (its seed, threads, backend, cache, run folder), the script, the shared
    // arguments, then this configuration's values (--name=value, so a negative number stays a value).
    static IReadOnlyList<string> ChildArguments(Settings settings, Configuration configuration, string runFolder, int threads)
    {
        var seed = configuration.Values.Where(v => v.Name == Grid.SeedName).Select(v => v.Value).FirstOrDefault()
                   ?? settings.Seed.ToString(CultureInfo.InvariantCulture);
        var args = new List<string> { "--seed", seed, "--threads", threads.ToString(CultureInfo.InvariantCulture), "--out", runFolder };
        if (settings.Backend is { } backend) args.AddRange(["--backend", backend]);
        if (settings.NoCache) args.Add("--no-cache");
        args.Add(settings.Script);
        args.AddRange(settings.ScriptArguments);
        args.AddRange(configuration.Values.Where(v => v.Name != Grid.SeedName).Select(v => $"--{v.Name}={v.Value}"));
        return args;
    }

    // The host options that can change a run's numbers (the thread count cannot): shards of one sweep agree on them.
    static IReadOnlyList<string> HostOptions(Settings settings)
    {
        var options = new List<string>();
        if (settings.Grid.Axes.All(a => a.Name != Grid.SeedName)) options.AddRange(["--seed", settings.Seed.ToString(CultureInfo.InvariantCulture)]);
        if (settings.Backend is { } backend) options.AddRange(["--backend", backend]);
        return options;
    }

    static void CheckNames(Settings settings, ScriptArguments fixedArguments, CompiledScript compiled)
    {
        var names = fixedArguments.Given.Keys.Concat(settings.Grid.Axes.Select(a => a.Name).Where(n => n != Grid.SeedName)).ToArray();
        if (compiled.DynamicArguments) return;   // names built at run time: each run checks its own at its end
        var unknown = names.Where(n => compiled.Arguments.All(a => a.Name != n)).ToArray();
        if (unknown.Length == 0) return;
        if (unknown.Select(n => (Name: n, Option: Spelling.Closest(n, settings.OptionNames))).FirstOrDefault(u => u.Option is not null) is { Option: { } option } typo)
            throw new UsageException($"--{typo.Name} is neither a sweep option nor an argument of {settings.Script} (did you mean --{option}?).");
        throw new UsageException(ScriptArguments.DescribeUnknown(settings.Script, unknown, compiled.Arguments));
    }

    // The records of configurations that completed in an earlier run of the same sweep (same script, grid, arguments,
    // host options and shard) into the same folder. Another sweep's folder is refused, not mixed into.
    static Dictionary<int, SweepRecord> Completed(string folder, SweepManifest manifest)
    {
        if (!File.Exists(Path.Combine(folder, SweepManifest.FileName))) return [];
        var earlier = SweepManifest.Read(folder);
        var difference = manifest.Difference(earlier)
            ?? (earlier.Shard.Index != manifest.Shard.Index ? $"shard {earlier.Shard.Index} of {earlier.Shard.Count}" : null);
        if (difference is not null) throw new UsageException($"{folder} holds another sweep ({difference}); choose another --out.");
        var path = Path.Combine(folder, SweepRecord.FileName);
        return File.Exists(path)
            ? SweepRecord.ReadAll(path).Where(r => r.Status == "completed").GroupBy(r => r.Index).ToDictionary(g => g.Key, g => g.Last())
            : [];
    }

    // "003-lr=0.1-batch=32  completed  4.2 s  loss 0.2345  val_accuracy 93.21%", or why it failed.
    static string Describe(SweepRecord record, Configuration configuration, string folder)
    {
        var json = record.Json;
        var line = $"{configuration.FolderName}  {record.Status}  {json.GetProperty("seconds").GetDouble():F1} s";
        if (json.TryGetProperty("final_metrics", out var metrics))
            foreach (var name in new[] { "loss", "val_loss", "val_accuracy" })
                if (metrics.TryGetProperty(name, out var value))
                    line += name.EndsWith("accuracy", StringComparison.Ordinal) ? $"  {name} {100 * value.GetDouble():F2}%" : $"  {name} {value.GetDouble():F4}";
        if (record.Status is not ("completed" or "cancelled"))
        {
            var why = json.TryGetProperty("error", out var error) ? OneLine(error.GetString()) : null;
            line += $"  (exit {json.GetProperty("exit_code").GetInt32()}){(why is null ? "" : $": {why}")}; see {HostPaths.Display(Path.Combine(folder, configuration.FolderName, "output.log"))}";
        }
        return line;
    }

    // An exception's message may span lines ("… (Parameter 'batchSize')\nActual value was 0."): one line per run here.
    static string? OneLine(string? text) => text is null ? null : string.Join(" ", text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));

    // The comparison page of the completed runs (nabla compare's), beside sweep.jsonl; a page that cannot be drawn is a
    // warning, never a failed sweep.
    static string? Compare(string folder, IReadOnlyList<SweepRecord> records, HostConsole console)
    {
        var runs = records.Where(r => r.Status == "completed").Select(r => Path.Combine(folder, r.Json.GetProperty("run").GetString()!)).ToArray();
        if (runs.Length == 0) return null;
        try { return RunComparison.Write(runs, Path.Combine(folder, "compare.html")); }
        catch (Exception e) when (ReportCommands.IsUserError(e))
        {
            console.Error.WriteLine($"nabla: warning: could not write {Path.Combine(folder, "compare.html")}: {e.Message}");
            return null;
        }
    }

    static CompiledScript Compile(string script, ScriptCache? cache)
    {
        var compiled = ScriptCompiler.Compile(script);
        try { cache?.Store(script, compiled); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }   // each run then compiles for itself
        return compiled;
    }
}
