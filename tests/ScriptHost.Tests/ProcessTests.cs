using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Nabla.ScriptHost.Tests;

/// <summary>The built program (nabla.dll) as users run it: SIGTERM, SIGHUP and SIGKILL, the README quickstart, plain redirected output.</summary>
public sealed partial class ProcessTests(HostFolder folder) : IClassFixture<HostFolder>
{
    // A run that trains until it is stopped; its first epoch line has been printed when this returns. Disposing it kills
    // the host if a failed assertion left it running (a million epochs would otherwise run on for minutes).
    sealed class LongRun(System.Diagnostics.Process process, string outDir) : IDisposable
    {
        public System.Diagnostics.Process Process { get; } = process;
        public string OutDir { get; } = outDir;
        public Task<string> Error { get; } = process.StandardError.ReadToEndAsync();

        public void Dispose()
        {
            if (!Process.HasExited) Process.Kill(entireProcessTree: true);
            Process.Dispose();
        }
    }

    async Task<LongRun> StartLongRun()
    {
        var script = folder.Write("long-run.csx", """
            var rng = Rng.Seeded(Seed);
            var data = Dataset.Regression("toy", Enumerable.Range(0, 64).Select(i => (float)rng.Normal()).ToArray(), 2,
                                          Enumerable.Range(0, 32).Select(i => (float)rng.Normal()).ToArray(), 1);
            var model = Sequential.Of(Dense(2, 4, rng), Relu(), Dense(4, 1, rng));
            var result = model.Fit(data, Loss.Mse, new Sgd(), epochs: 1_000_000, batchSize: 4, validation: null, rng, cancellation: CancellationToken);
            """);
        var outDir = folder.NewRunFolder();
        var run = new LongRun(Host.Start(folder.Path, folder.Cache, "--out", outDir, script), outDir);
        string? line;
        while ((line = await run.Process.StandardOutput.ReadLineAsync()) is not null && !line.StartsWith("epoch 1/", StringComparison.Ordinal)) { }
        if (line is null)
        {
            run.Dispose();
            Assert.Fail($"no epoch line: {await run.Error}");
        }
        return run;
    }

    [Theory]
    [InlineData(15, "SIGTERM")]
    [InlineData(1, "SIGHUP")]   // the terminal closed under the run (issue 11: run.json stayed "running")
    public async Task A_stop_signal_ends_training_at_the_next_batch_keeps_the_run_folder_and_exits_130(int signal, string name)
    {
        // A signal ignored by whoever started the tests (nohup, a background job) stays ignored in the host, as POSIX
        // says it must: the host cannot see it, so there is nothing to test.
        if (signal == 1 && SignalIgnoredHere(signal)) return;
        using var run = await StartLongRun();
        Assert.Equal(0, kill(run.Process.Id, signal));
        Assert.True(run.Process.WaitForExit(30_000), $"the host did not stop within 30 s of {name}");   // never hang the suite
        var rest = await run.Process.StandardOutput.ReadToEndAsync();
        Assert.True(run.Process.ExitCode == 130, $"{name}: exit {run.Process.ExitCode}\n{rest}\n{await run.Error}");
        Assert.Contains("cancelling", rest);
        var manifest = HostTests.ReadJson(Path.Combine(run.OutDir, "run.json"));
        Assert.Equal("cancelled", manifest.GetProperty("status").GetString());
        Assert.NotEmpty(File.ReadAllLines(Path.Combine(run.OutDir, "metrics.jsonl")));
    }

    // SigIgn in /proc/self/status: the signals this process (and so every child it starts) ignores, a hex bit mask.
    static bool SignalIgnoredHere(int signal)
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return line is not null && (Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16) & (1UL << (signal - 1))) != 0;
    }

    [Fact]
    public async Task A_run_killed_with_sigkill_reads_back_as_interrupted_not_running()
    {
        using var run = await StartLongRun();
        Assert.Equal("running", Reporting.RunRecord.Read(run.OutDir).Status);   // its process is alive
        Assert.Equal(0, kill(run.Process.Id, 9));
        Assert.True(run.Process.WaitForExit(30_000), "SIGKILL did not end the host");
        Assert.Equal("running", HostTests.ReadJson(Path.Combine(run.OutDir, "run.json")).GetProperty("status").GetString());   // nothing could finish it
        Assert.Equal("interrupted", Reporting.RunRecord.Read(run.OutDir).Status);
    }

    [Fact]
    public async Task The_README_quickstart_is_scripts_quickstart_csx_and_it_learns()
    {
        var script = File.ReadAllText(Path.Combine(Host.RepoRoot, "scripts", "quickstart.csx")).ReplaceLineEndings("\n");
        var readme = File.ReadAllText(Path.Combine(Host.RepoRoot, "README.md")).ReplaceLineEndings("\n");
        var block = QuickstartBlock().Match(readme);
        Assert.True(block.Success, "README.md has no ```csharp block after the quickstart heading");
        Assert.Equal(script, block.Groups[1].Value);

        var run = await Host.OutOfProcess(Host.RepoRoot, folder.Cache, 300,
            "--out", folder.NewRunFolder(), "scripts/quickstart.csx", "--epochs", "1");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.DoesNotContain("\u001b", run.Output);   // redirected: plain text even with TERM=xterm
        Assert.Matches(@"epoch 1/1  loss \d\.\d{4}  accuracy \d+\.\d\d%  val_loss \d\.\d{4}  val_accuracy \d+\.\d\d%  \d+\.\ds", run.Output);
        Assert.Matches(@"first test digits: predicted( \d){10}, labels 7 2 1 0 4 1 4 9 5 9", run.Output);
        var accuracy = double.Parse(Regex.Match(run.Output, @"test accuracy (\d+\.\d\d)%").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(accuracy, 93.0, 100.0);   // one epoch of SGD on MNIST: about 95%
    }

    [Fact]   // per script, whatever its options: a start-up profile per kind of run (compiling it, or loading it from the
             // cache), and one profile of the script's run for both kinds
    public async Task A_script_s_runs_share_its_JIT_profiles_in_the_cache()
    {
        var cache = System.IO.Path.Combine(folder.Path, "jit-cache");
        var script = folder.Write("jit-profile.csx", "Log(\"profiled\");\n");
        string[] Profiles() => [.. Directory.GetFiles(System.IO.Path.Combine(cache, "jit")).Order()];
        var seen = new List<string[]>();
        for (var run = 1; run <= 3; run++)
        {
            var result = await Host.OutOfProcess(folder.Path, cache, 120, "--seed", $"{run}", "--out", folder.NewRunFolder(), script);
            Assert.True(result.ExitCode == 0, result.ToString());
            seen.Add(Profiles());
        }
        // The first run compiled the script: its start-up profile and the run's. The second loaded it from the cache:
        // a start-up profile of that kind besides, and the same run profile. The third, with another seed, found all.
        Assert.Equal(2, seen[0].Length);
        Assert.Equal(3, seen[1].Length);
        Assert.Subset(seen[1].ToHashSet(), seen[0].ToHashSet());
        Assert.Equal(seen[1], seen[2]);
        foreach (var profile in seen[2])
        {
            Assert.EndsWith(".jitprofile", profile);
            Assert.True(new FileInfo(profile).Length > 500, $"{profile}: {new FileInfo(profile).Length} bytes");
        }
        long Size(string path) => new FileInfo(path).Length;
        var compiling = seen[0].MaxBy(Size)!;   // Roslyn's methods: by far the largest
        var cachedStartUp = seen[1].Except(seen[0]).Single();
        Assert.True(Size(compiling) > 2 * Size(cachedStartUp), $"compiling {Size(compiling)} bytes, cached {Size(cachedStartUp)}");
    }

    [Fact]
    public async Task The_launcher_at_the_repository_root_is_the_host()
    {
        // dotnet run at the root finds Solution.csproj; dotnet build and dotnet test there must still mean Solution.sln,
        // which MSBuild picks only when the folder's one project and one solution share their name.
        Assert.Equal(["Solution.csproj"], Directory.GetFiles(Host.RepoRoot, "*.*proj").Select(Path.GetFileName));
        Assert.Equal(["Solution.sln"], Directory.GetFiles(Host.RepoRoot, "*.sln*").Select(Path.GetFileName));

        var script = folder.Write("launched.csx", "Log($\"launched {Arg(\"word\", \"\")} {Seed}\");\nreturn 3;\n");
        var run = await Host.RunProgram(Host.Launcher, folder.Path, folder.Cache, 120, "--seed", "5", "--out", folder.NewRunFolder(), script, "--word", "hi");
        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Equal("launched hi 5", run.Output.Trim());
    }

    [GeneratedRegex(@"## Quickstart\n(?:.*\n)*?```csharp\n((?:.*\n)*?)```")]
    private static partial Regex QuickstartBlock();

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
