using System.Text.Json;

namespace Nabla.ScriptHost.Tests;

/// <summary>What a script that trains leaves in its run folder, and how a run is cancelled, in-process.</summary>
public sealed class TrainingRunTests(HostFolder folder) : IClassFixture<HostFolder>
{
    // A tiny regression: 32 samples, 4 features, trained for many epochs so a cancellation lands mid-run.
    static string Script(bool passToken) => $$"""
        var rng = Rng.Seeded(Seed);
        var features = Enumerable.Range(0, 128).Select(i => (float)rng.Uniform(-1, 1)).ToArray();
        var targets = Enumerable.Range(0, 32).Select(i => features[4 * i] - 2 * features[4 * i + 1]).ToArray();
        var data = Dataset.Regression("toy", features, 4, targets, 1);
        var model = Sequential.Of(Dense(4, 8, rng), Tanh(), Dense(8, 1, rng));
        var result = model.Fit(data, Loss.Mse, new Sgd(LearningRate: 0.05), epochs: Arg("epochs", 3), batchSize: 8,
                               validation: data, rng{{(passToken ? ", cancellation: CancellationToken" : "")}});
        Log($"after fit: {result.History.Count} epochs, cancelled {result.Cancelled}");
        File.WriteAllText(Path.Combine(OutDir, "saved.txt"), "saved");
        """;

    [Fact]
    public async Task Every_epoch_is_a_line_on_the_console_and_in_metrics_jsonl_and_run_json_has_the_final_metrics()
    {
        var script = folder.Write("train.csx", Script(passToken: true));
        var outDir = folder.NewRunFolder();
        var run = await Host.InProcess(folder.Cache, ["--out", outDir, script]);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Matches(@"epoch 3/3  loss \d+\.\d{4}  val_loss \d+\.\d{4}  \d+\.\ds", run.Output);
        Assert.DoesNotContain("\u001b", run.Output);
        var lines = File.ReadAllLines(Path.Combine(outDir, "metrics.jsonl"));
        Assert.Equal(3, lines.Length);
        var last = JsonDocument.Parse(lines[^1]).RootElement;
        Assert.Equal(3, last.GetProperty("epoch").GetInt32());
        Assert.Equal(["epoch", "loss", "val_loss", "seconds", "learning_rate"], last.EnumerateObject().Select(p => p.Name));   // no accuracy in regression
        Assert.Equal(0.05, last.GetProperty("learning_rate").GetDouble());
        var manifest = HostTests.ReadJson(Path.Combine(outDir, "run.json"));
        Assert.Equal(last.GetProperty("loss").GetDouble(), manifest.GetProperty("final_metrics").GetProperty("loss").GetDouble());
        Assert.Equal(0, manifest.GetProperty("exit_code").GetInt32());
        Assert.True(manifest.TryGetProperty("end_time", out _));
    }

    [Fact]
    public async Task Run_json_records_the_checksum_of_each_data_file_the_script_loaded()
    {
        var csv = folder.Write("data/points.csv", "x,y\n1,2\n3,4\n");
        var script = folder.Write("reads-data.csx", $"var table = Csv.Read(@\"{csv}\");\nLog(table.Rows);\n");
        var outDir = folder.NewRunFolder();
        var run = await Host.InProcess(folder.Cache, ["--out", outDir, script]);
        Assert.True(run.ExitCode == 0, run.ToString());
        var datasets = HostTests.ReadJson(Path.Combine(outDir, "run.json")).GetProperty("datasets");
        Assert.Equal(Nabla.Data.Checksums.Sha256(csv), Assert.Single(datasets.EnumerateObject()).Value.GetString());
    }

    [Fact]
    public void Metrics_lines_use_the_Keras_names_and_carry_the_learning_rate_when_known()
    {
        var line = MetricsLine(new EpochMetrics(2, 0.25, 0.9, 0.3, 0.85, 1.5, LearningRate: 0.01));
        Assert.Equal("""{"epoch":2,"loss":0.25,"accuracy":0.9,"val_loss":0.3,"val_accuracy":0.85,"seconds":1.5,"learning_rate":0.01}""", line);
        Assert.Equal("""{"epoch":1,"loss":0.5,"seconds":2}""", MetricsLine(new EpochMetrics(1, 0.5, null, null, null, 2)));
    }

    [Theory]
    [InlineData(true)]    // Fit watches the token: it returns early and the script goes on to save
    [InlineData(false)]   // the script forgot the token: the host still stops training, one batch later
    public async Task Cancelling_stops_training_at_the_next_batch_keeps_the_run_folder_and_exits_130(bool passToken)
    {
        var script = folder.Write($"cancel-{passToken}.csx", Script(passToken));
        var outDir = folder.NewRunFolder();
        using var cancel = new CancellationTokenSource();
        var run = await Host.InProcess(folder.Cache, ["--out", outDir, script, "--epochs", "100000"], cancel.Token,
            line => { if (line.StartsWith("epoch 1/", StringComparison.Ordinal)) cancel.Cancel(); });
        Assert.True(run.ExitCode == 130, run.ToString());
        var epochs = File.ReadAllLines(Path.Combine(outDir, "metrics.jsonl")).Length;
        Assert.InRange(epochs, 1, 2);   // the epoch that was running when cancelled may or may not finish
        var manifest = HostTests.ReadJson(Path.Combine(outDir, "run.json"));
        Assert.Equal("cancelled", manifest.GetProperty("status").GetString());
        Assert.Equal(130, manifest.GetProperty("exit_code").GetInt32());
        Assert.True(File.Exists(Path.Combine(outDir, $"cancel-{passToken}.csx")));
        Assert.Equal(passToken, File.Exists(Path.Combine(outDir, "saved.txt")));
        Assert.Equal(passToken, run.Output.Contains("cancelled True"));
    }

    static string MetricsLine(EpochMetrics metrics)
    {
        var outDir = Host.TempFolder("metrics");
        var script = Path.Combine(outDir, "s.csx");
        File.WriteAllText(script, "");
        var run = RunFolder.Create(Path.Combine(outDir, "run"),
            new RunFolder.RunInfo(script, [script], [script], 0, ScriptArguments.Parse([]), null, false, 0));
        run.OnFitStart(new FitInfo(1, 1, 1, 1, null, "mse", "sgd"));
        run.OnEpochEnd(metrics);
        var line = File.ReadAllText(Path.Combine(run.Path, "metrics.jsonl")).TrimEnd('\n');
        Directory.Delete(outDir, recursive: true);
        return line;
    }
}
