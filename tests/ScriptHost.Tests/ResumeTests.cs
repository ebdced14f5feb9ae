using System.Runtime.InteropServices;

namespace Nabla.ScriptHost.Tests;

/// <summary>nabla --resume on a run folder whose process was killed with SIGKILL: the run finishes as the uninterrupted one
/// (the saved model bit for bit, metrics.jsonl), no partial checkpoint is left, and run.json and the report say what
/// happened. tests/resume/kill-resume.sh does the same with five kills.</summary>
public sealed partial class ResumeTests(HostFolder folder) : IClassFixture<HostFolder>
{
    // Adam on a schedule, dropout, early stopping with a best model: state a resume must restore. 1200 samples, 75 steps an epoch.
    const string Script = """
        var rng = Rng.Seeded(Seed);
        var labels = Enumerable.Range(0, 1200).Select(_ => rng.NextInt(3)).ToArray();
        var x = Enumerable.Range(0, 1200 * 20).Select(i => (float)(rng.Normal() + (i % 20 % 3 == labels[i / 20] ? 1.0 : 0))).ToArray();
        var data = Dataset.Classification("blobs", x, 20, labels, 3);
        var (train, validation) = data.Split(0.8, rng);
        var model = Sequential.Of(Dense(20, 32, Init.He, rng), Relu(), Dropout(0.2), Dense(32, 3, rng));
        var result = model.Fit(train, Loss.SoftmaxCrossEntropy, new Adam(new CosineDecay(0.01, DecaySteps: 1000)), epochs: Arg("epochs", 40),
                               batchSize: 16, validation, rng, observers: [new HoldAtEpoch3()],
                               earlyStopping: new EarlyStopping("val_loss", Patience: 100));
        result.Model.Save(Path.Combine(OutDir, "model.safetensors"));

        // With RESUME_TEST_HOLD set (the process the test kills, not the one it resumes): 10 minutes at the end of epoch 3,
        // where the SIGKILL lands. A window held open by the run, not a race: a loaded machine (a CI runner with the whole
        // suite on it) may poll late, and the run must still be there.
        class HoldAtEpoch3 : IFitObserver
        {
            public bool OnEpochEnd(EpochMetrics m)
            {
                if (m.Epoch == 3 && Environment.GetEnvironmentVariable("RESUME_TEST_HOLD") is not null) Thread.Sleep(600_000);
                return true;
            }
        }
        """;

    [Fact]
    public async Task A_run_killed_with_SIGKILL_and_resumed_ends_with_the_uninterrupted_runs_weights()
    {
        var script = folder.Write("resume.csx", Script);
        string[] args = ["--seed", "4", "--checkpoint-steps", "7", script];
        var whole = folder.NewRunFolder();
        var uninterrupted = await Host.InProcess(folder.Cache, ["--out", whole, .. args]);   // compiles into the cache
        Assert.True(uninterrupted.ExitCode == 0, uninterrupted.ToString());

        var killed = folder.NewRunFolder();
        string[] killedArgs = ["--out", killed, .. args];
        using (var process = Host.StartProgram(typeof(NablaHost).Assembly.Location, folder.Path, folder.Cache,
                                               new Dictionary<string, string> { ["RESUME_TEST_HOLD"] = "1" }, killedArgs))
        {
            var output = new System.Text.StringBuilder();
            process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };   // a full pipe must never stall the run
            process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();

            // Killed with epochs done (their metrics must come back): once run.json lists a checkpoint in epoch 3 or 4;
            // the run holds at the end of epoch 3.
            var runJson = Path.Combine(killed, "run.json");
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (!(File.Exists(runJson) && AtEpoch3Or4().IsMatch(File.ReadAllText(runJson))))
            {
                if (process.HasExited || clock.Elapsed > TimeSpan.FromMinutes(3))
                {
                    if (!process.HasExited) process.Kill(entireProcessTree: true);
                    process.WaitForExit();
                    lock (output) Assert.Fail($"the run never reached epoch 3 (exited: {process.HasExited}, {clock.Elapsed.TotalSeconds:F0} s):\n{output}");
                }
                await Task.Delay(20);
            }
            Assert.Equal(0, kill(process.Id, 9));   // SIGKILL
            Assert.True(process.WaitForExit(30_000));
            Assert.Equal(137, process.ExitCode);
        }
        Assert.Equal("running", HostTests.ReadJson(Path.Combine(killed, "run.json")).GetProperty("status").GetString());

        var resumed = await Host.InProcess(folder.Cache, ["--resume", killed]);
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Matches(@"fit: fit 1 resumes at epoch [34], batch \d+ \(step \d+\) from its checkpoint", resumed.Output);

        Assert.Equal(File.ReadAllBytes(Path.Combine(whole, "model.safetensors")), File.ReadAllBytes(Path.Combine(killed, "model.safetensors")));
        static string[] Figures(string run) =>
            [.. File.ReadAllLines(Path.Combine(run, "metrics.jsonl")).Select(l => System.Text.RegularExpressions.Regex.Replace(l, "\"seconds\":[0-9.E+-]+,", ""))];
        Assert.Equal(Figures(whole), Figures(killed));
        Assert.Empty(Directory.GetFiles(killed, "*.tmp"));

        var manifest = HostTests.ReadJson(Path.Combine(killed, "run.json"));
        Assert.Equal("completed", manifest.GetProperty("status").GetString());
        var resume = Assert.Single(manifest.GetProperty("resumes").EnumerateArray());
        Assert.Equal("interrupted", resume.GetProperty("previous_status").GetString());
        Assert.StartsWith("fit 1 resumes at epoch", resume.GetProperty("fits")[0].GetString());
        Assert.Matches(@"^fit 1 finished: 40 epochs, step \d+$", manifest.GetProperty("checkpoints").GetProperty("checkpoint-1.safetensors").GetString());
        Assert.Equal(killedArgs, manifest.GetProperty("command_line").EnumerateArray().Select(a => a.GetString()));   // the original, not --resume
        var report = File.ReadAllText(Path.Combine(killed, "report.html"));
        Assert.Contains("<h3>Resumed</h3>", report);
        Assert.Contains("checkpoint-1.safetensors", report);
    }

    [Fact]
    public async Task Resume_refuses_a_folder_that_is_not_a_run_and_a_script_that_changed()
    {
        var notRun = await Host.InProcess(folder.Cache, ["--resume", folder.Path]);
        Assert.Equal(1, notRun.ExitCode);
        Assert.Contains("no run.json there", notRun.Error);

        var script = folder.Write("changed.csx", "Log(1);\n");
        var run = folder.NewRunFolder();
        Assert.Equal(0, (await Host.InProcess(folder.Cache, ["--out", run, script])).ExitCode);
        File.WriteAllText(script, "Log(2);\n");
        var changed = await Host.InProcess(folder.Cache, ["--resume", run]);
        Assert.Equal(1, changed.ExitCode);
        Assert.Contains("changed since the run", changed.Error);

        var mixed = await Host.InProcess(folder.Cache, ["--resume", run, "--seed", "3"]);
        Assert.Equal(1, mixed.ExitCode);
        Assert.Contains("--resume", mixed.Error);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"""checkpoint-1\.safetensors"": ""fit 1 at epoch [34],")]
    private static partial System.Text.RegularExpressions.Regex AtEpoch3Or4();

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int signal);
}
