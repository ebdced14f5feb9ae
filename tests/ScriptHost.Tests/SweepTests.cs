using System.Text.Json;
using Nabla.ScriptHost.Sweeps;

namespace Nabla.ScriptHost.Tests;

/// <summary><c>nabla sweep</c>: a grid run two at a time, the same grid as two shards (--shard, and Slurm's environment in
/// a process of its own) merged into the same runs with the same final metrics, bit for bit; usage errors; cancellation.
/// The script trains a tiny classifier for one epoch, so each run is a fraction of a second.</summary>
public sealed class SweepTests(HostFolder folder) : IClassFixture<HostFolder>
{
    // 96 samples of 4 features in 3 classes; the final loss depends on both swept arguments.
    const string Script = """
        var rng = Rng.Seeded(Seed);
        var features = Enumerable.Range(0, 96 * 4).Select(i => (float)rng.Uniform(-1, 1)).ToArray();
        var labels = Enumerable.Range(0, 96).Select(i => features[4 * i] + features[4 * i + 1] > 0.3f ? 2 : features[4 * i + 2] > 0 ? 1 : 0).ToArray();
        var data = Dataset.Classification("toy", features, 4, labels, 3);
        var model = Sequential.Of(Dense(4, 16, rng), Tanh(), Dense(16, 3, rng));
        model.Fit(data, Loss.SoftmaxCrossEntropy, new Sgd(LearningRate: Arg("lr", 0.1)), epochs: Arg("epochs", 1),
                  batchSize: Arg("batch", 16), validation: data, rng, cancellation: CancellationToken);
        """;

    static readonly string[] Grid = ["--grid", "lr=0.05,0.1,0.2", "--grid", "batch=8,16"];

    Task<HostRun> Nabla(params string[] args) => Host.InProcess(folder.Cache, args);

    [Fact]
    public async Task A_grid_runs_two_at_a_time_and_as_two_merged_shards_gives_the_same_runs_and_final_metrics_bit_for_bit()
    {
        var script = folder.Write("toy.csx", Script);
        var full = Path.Combine(folder.Path, "full");
        var run = await Nabla(["sweep", script, .. Grid, "--parallel", "2", "--shard", "0/1", "--out", full, "--epochs", "1"]);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("6 configurations; the whole grid: 6 to run, 2 at a time", run.Output);
        var records = Records(full);
        Assert.Equal([0, 1, 2, 3, 4, 5], records.Select(r => r.GetProperty("index").GetInt32()));
        Assert.All(records, r => Assert.Equal("completed", r.GetProperty("status").GetString()));
        Assert.Equal("001-lr=0.05-batch=16", records[1].GetProperty("run").GetString());   // the first --grid varies slowest
        var manifest = HostTests.ReadJson(Path.Combine(full, "001-lr=0.05-batch=16", "run.json"));
        Assert.Equal(["0.05", "16", "1"], new[] { "lr", "batch", "epochs" }.Select(n => manifest.GetProperty("arguments").GetProperty(n).GetString()));
        Assert.Equal(0, manifest.GetProperty("seed").GetInt64());
        Assert.True(File.Exists(Path.Combine(full, "compare.html")));
        var compare = await Nabla("compare", full, "--out", Path.Combine(folder.Path, "full-compare.html"));   // a sweep folder stands for its runs
        Assert.True(compare.ExitCode == 0, compare.ToString());
        Assert.Contains("(6 runs)", compare.Output);
        // Two at a time: the first two runs overlap in time.
        var (start1, end0) = (Time(full, records[1], "start_time"), Time(full, records[0], "end_time"));
        Assert.True(start1 < end0, $"run 1 started at {start1:O}, after run 0 ended at {end0:O}");
        Assert.NotEqual(Metric(records[0], "loss"), Metric(records[5], "loss"));   // the grid reaches the script

        var shard0 = Path.Combine(folder.Path, "shard-0");
        var first = await Nabla(["sweep", script, .. Grid, "--shard", "0/2", "--out", shard0, "--epochs", "1"]);
        Assert.True(first.ExitCode == 0, first.ToString());
        // A Slurm array task: the shard comes from its environment. Two at a time, so one thread each as in the full sweep,
        // where shard 0 ran one at a time on two threads: the numbers must not depend on it.
        var shard1 = Path.Combine(folder.Path, "shard-1");
        var second = await Host.RunProgram(typeof(NablaHost).Assembly.Location, folder.Path, folder.Cache, 120,
            new Dictionary<string, string> { ["SLURM_ARRAY_TASK_ID"] = "1", ["SLURM_ARRAY_TASK_COUNT"] = "2", ["SLURM_ARRAY_TASK_MIN"] = "0" },
            ["sweep", script, .. Grid, "--parallel", "2", "--out", shard1, "--epochs", "1"]);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("shard 1 of 2 (SLURM_ARRAY_TASK_ID=1): 3 to run", second.Output);
        Assert.Equal([1, 3, 5], Records(shard1).Select(r => r.GetProperty("index").GetInt32()));

        var merged = Path.Combine(folder.Path, "merged");
        var merge = await Nabla("sweep", "--merge", shard0, shard1, "--out", merged);
        Assert.True(merge.ExitCode == 0, merge.ToString());
        Assert.Contains("merged 6 of 6 runs from 2 shard folders", merge.Output);
        var mergedRecords = Records(merged);
        Assert.Equal(records.Length, mergedRecords.Length);
        foreach (var (whole, sharded) in records.Zip(mergedRecords))
        {
            foreach (var field in new[] { "index", "arguments", "run", "status", "exit_code" })
                Assert.Equal(whole.GetProperty(field).GetRawText(), sharded.GetProperty(field).GetRawText());
            Assert.Equal(FinalMetrics(whole), FinalMetrics(sharded));
            Assert.True(File.Exists(Path.Combine(merged, sharded.GetProperty("run").GetString()!, "metrics.jsonl")));
        }
        Assert.True(File.Exists(Path.Combine(merged, "compare.html")));
    }

    [Theory]
    [InlineData(new[] { "--grid", "lr" }, "nabla: --grid lr: expected NAME=V1,V2,… (as in --grid lr=0.01,0.1,1).")]
    [InlineData(new[] { "--grid", "lrr=0.1,1" }, "does not read --lrr (did you mean --lr?)")]
    [InlineData(new[] { "--grid", "lr=0.1,1", "--paralel", "2" }, "nabla: --paralel is neither a sweep option nor an argument of")]
    [InlineData(new[] { "--grid", "lr=0.1,1", "--shard", "2/2" }, "nabla: --shard 2/2: shards count from 0, so I goes up to 1")]
    [InlineData(new[] { "--grid", "lr=0.1,1", "--shard", "1of2" }, "nabla: --shard 1of2: expected I/N, shard I (from 0) of N, as in --shard 0/4.")]
    [InlineData(new[] { "--grid", "lr=0.1,1", "--lr", "3" }, "nabla: --lr is both swept (--grid lr=…) and given to every run; keep one.")]
    public async Task A_sweep_mistake_is_one_line_before_any_run_and_exits_1(string[] args, string message)
    {
        var script = folder.Write("toy.csx", Script);
        var outDir = Path.Combine(folder.Path, "mistake-" + Guid.NewGuid().ToString("N")[..6]);
        var run = await Nabla(["sweep", script, .. args, "--out", outDir]);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains(message, run.Error);
        Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.False(Directory.Exists(outDir));
    }

    [Fact]
    public async Task A_merge_names_the_configurations_no_shard_holds_and_the_runs_that_failed_and_refuses_another_sweeps_shard()
    {
        // Two configurations, one run per shard; batch 0 fails in Fit, as a mistyped grid value would.
        var script = folder.Write("toy.csx", Script);
        string[] grid = ["--grid", "batch=16,0"];
        var shard0 = Path.Combine(folder.Path, "two-0");
        Assert.Equal(0, (await Nabla(["sweep", script, .. grid, "--shard", "0/2", "--out", shard0])).ExitCode);
        var incomplete = await Nabla("sweep", "--merge", shard0, "--out", Path.Combine(folder.Path, "two-incomplete"));
        Assert.Equal(1, incomplete.ExitCode);
        Assert.Contains("nabla: the merge is incomplete: no shard holds configuration 1 (of 2; shards 0 of 2 given)", incomplete.Error);

        var shard1 = Path.Combine(folder.Path, "two-1");
        var failing = await Nabla(["sweep", script, .. grid, "--shard", "1/2", "--out", shard1]);
        Assert.True(failing.ExitCode == 2, failing.ToString());
        Assert.Contains("001-batch=0  failed", failing.Output);
        Assert.Equal("failed", Records(shard1).Single().GetProperty("status").GetString());
        var merged = Path.Combine(folder.Path, "two-merged");
        var merge = await Nabla("sweep", "--merge", shard0, shard1, "--out", merged);
        Assert.True(merge.ExitCode == 2, merge.ToString());
        Assert.Contains("nabla: run 001-batch=0 failed (exit 2): ", merge.Error);
        Assert.Contains("toy.csx:6: ArgumentOutOfRangeException: Fit: batchSize must be positive. (Parameter 'batchSize') Actual value was 0.", merge.Error);
        Assert.Contains($"see {Path.Combine(merged, "001-batch=0", "output.log")}", merge.Error);
        Assert.Equal(["completed", "failed"], Records(merged).Select(r => r.GetProperty("status").GetString()));

        // Another grid's shard (it runs nothing: one configuration, shard 1 of 2) is refused, not mixed in.
        var other = Path.Combine(folder.Path, "other-1");
        Assert.Equal(0, (await Nabla("sweep", script, "--grid", "batch=16", "--shard", "1/2", "--out", other)).ExitCode);
        var refused = await Nabla("sweep", "--merge", shard0, other, "--out", Path.Combine(folder.Path, "refused"));
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains($"{other} is not a shard of the sweep in {shard0}: the grid differs.", refused.Error);
    }

    // The sbatch script and the Indexed Job manifest in docs/cluster run real commands: each, under its scheduler's
    // environment, checks the shipped script's arguments and resolves the shard the comments promise (--dry-run).
    [Fact]
    public async Task The_cluster_examples_in_docs_run_the_shipped_lr_sweep_sharded_by_their_schedulers()
    {
        var docs = Path.Combine(Host.RepoRoot, "docs", "cluster");
        var sbatch = SweepCommandOf(File.ReadAllText(Path.Combine(docs, "lr-sweep.sbatch")), shell: true);
        var job = SweepCommandOf(File.ReadAllText(Path.Combine(docs, "lr-sweep.yaml")), shell: false);
        string Expand(string command, string index) => command.Replace("\"${SLURM_CPUS_PER_TASK:-2}\"", "2")
            .Replace("$SLURM_ARRAY_TASK_ID", index).Replace("$JOB_COMPLETION_INDEX", index).Replace("/sweeps/", "sweeps/");
        Assert.Equal(Expand(sbatch, "1"), Expand(job, "1"));   // one sweep, two schedulers
        var args = Expand(sbatch, "1").Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(a => a.Replace("sweeps/", folder.Path + "/docs-sweeps/"));
        // One after the other: the first compiles mnist-mlp.csx into the cache, the second loads it.
        var slurm = await Host.RunProgram(typeof(NablaHost).Assembly.Location, Host.RepoRoot, folder.Cache, 120,
            new Dictionary<string, string> { ["SLURM_ARRAY_TASK_ID"] = "1", ["SLURM_ARRAY_TASK_COUNT"] = "4" }, ["sweep", .. args, "--dry-run"]);
        var kubernetes = await Host.RunProgram(typeof(NablaHost).Assembly.Location, Host.RepoRoot, folder.Cache, 120,
            new Dictionary<string, string> { ["JOB_COMPLETION_INDEX"] = "1", ["NABLA_SHARD_COUNT"] = "4" }, ["sweep", .. args, "--dry-run"]);
        foreach (var (run, source) in new[] { (slurm, "SLURM_ARRAY_TASK_ID=1"), (kubernetes, "JOB_COMPLETION_INDEX=1") })
        {
            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Contains($"8 configurations; shard 1 of 4 ({source}): configurations 1, 5", run.Output);
            Assert.Contains("scripts/mnist-mlp.csx --epochs 1 --limit 10000 --batch 64 --decay 0 --lr=0.003", run.Output);
        }
        Assert.False(Directory.Exists(Path.Combine(folder.Path, "docs-sweeps")));   // a dry run runs nothing
    }

    // The arguments of a docs file's sweep command (after "sweep ", up to its end: shell line continuations and YAML's
    // folded lines joined with spaces).
    static string SweepCommandOf(string text, bool shell)
    {
        var from = text.IndexOf("sweep scripts/", StringComparison.Ordinal);
        Assert.True(from >= 0, "no 'sweep scripts/' command in the file");
        var command = new List<string>();
        foreach (var line in text[(from + "sweep ".Length)..].Split('\n'))
        {
            var trimmed = line.Trim();
            if (trimmed.Length == 0 || trimmed.EndsWith(':')) break;   // YAML: the next key (env:)
            command.Add(trimmed.TrimEnd('\\').Trim());
            if (shell && !trimmed.EndsWith('\\')) break;   // a shell command ends on a line without a backslash
        }
        return string.Join(' ', command);
    }

    [Fact]
    public async Task Cancelling_a_sweep_stops_its_running_runs_at_their_next_batch_and_starts_no_more()
    {
        var script = folder.Write("toy.csx", Script);
        var outDir = Path.Combine(folder.Path, "cancelled");
        using var cancel = new CancellationTokenSource();
        var sweep = Host.InProcess(folder.Cache, ["sweep", script, "--grid", "lr=0.01,0.02,0.03", "--parallel", "2", "--out", outDir, "--epochs", "1000000"], cancel.Token);
        // Cancel once both running children are training (they get no signal of their own here: the sweep sends SIGTERM).
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!sweep.IsCompleted && Training(outDir) < 2)
        {
            Assert.True(waited.Elapsed.TotalSeconds < 120, "the runs did not start training within 120 s");
            await Task.Delay(100);
        }
        cancel.Cancel();
        var run = await sweep.WaitAsync(TimeSpan.FromSeconds(120));
        Assert.True(run.ExitCode == 130, run.ToString());
        var records = Records(outDir);
        Assert.Equal([0, 1], records.Select(r => r.GetProperty("index").GetInt32()));
        Assert.All(records, r => Assert.Equal("cancelled", r.GetProperty("status").GetString()));
        Assert.Contains("2 cancelled, 1 not started", run.Output);
    }

    [Theory]
    [InlineData("SLURM_ARRAY_TASK_ID=3 SLURM_ARRAY_TASK_COUNT=4 SLURM_ARRAY_TASK_MIN=1", null, 2, 4)]   // --array=1-4
    [InlineData("SLURM_ARRAY_TASK_ID=4 SLURM_ARRAY_TASK_COUNT=3 SLURM_ARRAY_TASK_MIN=0 SLURM_ARRAY_TASK_STEP=2", null, 2, 3)]   // --array=0-4:2
    [InlineData("JOB_COMPLETION_INDEX=2 NABLA_SHARD_COUNT=5", null, 2, 5)]
    [InlineData("JOB_COMPLETION_INDEX=0", 3, 0, 3)]
    public void The_shard_comes_from_Slurm_or_a_Kubernetes_Indexed_Job(string variables, int? count, int index, int shards)
    {
        var environment = variables.Split(' ').Select(v => v.Split('=')).ToDictionary(v => v[0], v => v[1]);
        var shard = Shard.FromEnvironment(name => environment.GetValueOrDefault(name), count)!;
        Assert.Equal((index, shards), (shard.Index, shard.Count));
        Assert.Null(Shard.FromEnvironment(_ => null, null));
        Assert.Contains("--shard-count", Assert.Throws<UsageException>(() => Shard.FromEnvironment(n => n == "JOB_COMPLETION_INDEX" ? "1" : null, null)).Message);
    }

    static int Training(string sweep) => Directory.Exists(sweep)
        ? Directory.GetFiles(sweep, "metrics.jsonl", SearchOption.AllDirectories).Count(f => new FileInfo(f).Length > 0) : 0;

    static JsonElement[] Records(string sweep) =>
        File.ReadAllLines(Path.Combine(sweep, "sweep.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToArray();

    static string Metric(JsonElement record, string name) => record.GetProperty("final_metrics").GetProperty(name).GetRawText();

    // Every final metric as written, but the epoch's wall time.
    static string FinalMetrics(JsonElement record) => string.Join(",", record.GetProperty("final_metrics").EnumerateObject()
        .Where(p => p.Name != "seconds").Select(p => $"{p.Name}={p.Value.GetRawText()}"));

    static DateTimeOffset Time(string sweep, JsonElement record, string field) =>
        DateTimeOffset.Parse(HostTests.ReadJson(Path.Combine(sweep, record.GetProperty("run").GetString()!, "run.json")).GetProperty(field).GetString()!,
            System.Globalization.CultureInfo.InvariantCulture);
}
