using System.Text.RegularExpressions;

namespace Nabla.ScriptHost.Tests;

/// <summary>The README's data and evaluation examples run as written: the data example is scripts/data-api.csx (kept
/// equal and run), and the evaluation snippet runs after a few lines that train a model as the quickstart does.</summary>
public sealed partial class ReadmeExampleTests(HostFolder folder) : IClassFixture<HostFolder>
{
    static string Readme => File.ReadAllText(Path.Combine(Host.RepoRoot, "README.md")).ReplaceLineEndings("\n");

    static string Block(string heading)
    {
        var match = Regex.Match(Readme, $@"## {Regex.Escape(heading)}\n(?:.*\n)*?```csharp\n((?:.*\n)*?)```");
        Assert.True(match.Success, $"README.md has no ```csharp block under \"## {heading}\"");
        return match.Groups[1].Value;
    }

    [Fact]
    public async Task The_data_example_is_scripts_data_api_csx_and_it_runs()
    {
        var script = File.ReadAllText(Path.Combine(Host.RepoRoot, "scripts", "data-api.csx")).ReplaceLineEndings("\n");
        Assert.Equal(script, Block("Data: CSV files, datasets, batches, initializers, metrics"));
        var copy = folder.Write("data-api.csx", script.Replace("\"data/mnist\"", $"@\"{Path.Combine(Host.RepoRoot, "data", "mnist")}\""));
        var run = await Host.InProcess(folder.Cache, ["--out", folder.NewRunFolder(), copy]);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("1000 rows × 785 columns", run.Output);
        Assert.Matches(@"accuracy \d+\.\d%, top-3 \d+\.\d%", run.Output);
        Assert.Contains("weighted avg", run.Output);
    }

    [Fact]
    public async Task The_evaluation_example_runs_after_a_model_is_trained()
    {
        var prelude = $$"""
            var rng = Rng.Seeded(Seed);
            var (train, test) = Mnist.Load(@"{{Path.Combine(Host.RepoRoot, "data", "mnist")}}", limit: 1000);
            test = test.Take(200);
            var result = Sequential.Of(Flatten(), Dense(784, 16, rng), Relu(), Dense(16, 10, rng))
                .Fit(train, Loss.SoftmaxCrossEntropy, new Sgd(LearningRate: 0.1), epochs: 1, batchSize: 32, validation: null, rng);

            """;
        var script = folder.Write("evaluation-example.csx", prelude + Block("Evaluation and the run report"));
        var outDir = folder.NewRunFolder();
        var run = await Host.InProcess(folder.Cache, ["--out", outDir, script]);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("macro avg", run.Output);
        Assert.True(File.Exists(Path.Combine(outDir, "evaluation.json")));
    }
}
