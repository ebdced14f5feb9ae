using System.Text.RegularExpressions;

namespace Nabla.ScriptHost.Tests;

/// <summary>Every shipped script runs to its end as a user runs it (the built program, from the repository root), on
/// tiny settings so the whole set stays within seconds, and prints its result line. The quickstart is run by
/// ProcessTests, which also checks it against the README.</summary>
public sealed class ShippedScriptsTests(HostFolder folder) : IClassFixture<HostFolder>
{
    /// <summary>Per script: the arguments that make it small, and a pattern for its result line (loose, so the scripts'
    /// wording can grow). A new script fails <see cref="Every_shipped_script_is_run"/> until it has an entry here.</summary>
    static readonly Dictionary<string, (string[] Args, string Expected)> Tiny = new()
    {
        ["binary.csx"] = (["--limit", "600", "--epochs", "1"], @"test accuracy \d+\.\d\d%"),
        ["custom-layer.csx"] = (["--limit", "300", "--epochs", "1"], @"Swish gradient check: (.*\n)+.*test accuracy \d+\.\d\d ?%"),
        ["data-api.csx"] = ([], @"accuracy \d+\.\d%, top-3 \d+\.\d%"),
        ["fashion-cnn.csx"] = (["--limit", "300", "--epochs", "1"], @"test accuracy \d+\.\d\d%"),
        ["lr-sweep.csx"] = (["--limit", "200", "--epochs", "1"], @"best learning rate [\d.]+"),
        ["mnist-cnn.csx"] = (["--limit", "300", "--epochs", "1"], @"test accuracy \d+\.\d\d%"),
        ["mnist-mlp.csx"] = (["--limit", "300", "--epochs", "1"], @"test accuracy \d+\.\d\d%"),
        ["optimizers.csx"] = (["--limit", "200", "--epochs", "1"], @"optimizer\s+val_accuracy(.*\n)*.*clip_adam_cosine"),
        ["regression.csx"] = (["--epochs", "2"], @"test mse \d+\.\d{4}"),
        ["train-save-predict.csx"] = (["--limit", "300", "--epochs", "1"], @"the loaded model scores \d+\.\d\d ?%"),
        ["xor.csx"] = (["--steps", "50"], @"step 50: loss \d\.\d{4}(.*\n)+accuracy \d+%"),
    };

    public static TheoryData<string> Scripts() => [.. Tiny.Keys];

    [Fact]
    public void Every_shipped_script_is_run()
    {
        var shipped = Directory.GetFiles(Path.Combine(Host.RepoRoot, "scripts"), "*.csx").Select(Path.GetFileName).OfType<string>();
        var missing = shipped.Where(s => s != "quickstart.csx" && !Tiny.ContainsKey(s)).Order().ToList();
        var gone = Tiny.Keys.Except(shipped).Order().ToList();
        Assert.True(missing.Count == 0 && gone.Count == 0,
            $"scripts without an entry in ShippedScriptsTests.Tiny (add their tiny arguments and a result pattern): [{string.Join(", ", missing)}]; " +
            $"entries whose script is gone: [{string.Join(", ", gone)}]");
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public async Task The_script_runs_to_its_result(string name)
    {
        var (args, expected) = Tiny[name];
        var run = await Host.OutOfProcess(Host.RepoRoot, folder.Cache, 240, ["--out", folder.NewRunFolder(), $"scripts/{name}", .. args]);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(Regex.IsMatch(run.Output.ReplaceLineEndings("\n"), expected), $"output does not match {expected}\n{run}");
    }
}
