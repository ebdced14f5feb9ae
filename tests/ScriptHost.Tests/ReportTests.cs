using System.Xml.Linq;

namespace Nabla.ScriptHost.Tests;

/// <summary>Every run folder gets output.log and report.html; model.Evaluate lands in evaluation.json; nabla report and
/// nabla compare draw the pages again from folders alone.</summary>
public sealed class ReportTests(HostFolder folder) : IClassFixture<HostFolder>
{
    // Two classes of 16-pixel "images" (a bright left or right half), learned in a few epochs.
    const string Script = """
        var rng = Rng.Seeded(Seed);
        Dataset Halves(string name, int count)
        {
            var labels = Enumerable.Range(0, count).Select(i => i % 2).ToArray();
            var pixels = labels.SelectMany(l => Enumerable.Range(0, 64).Select(p => (float)((p % 8 < 4) == (l == 0) ? 0.8 + 0.2 * rng.Uniform(0, 1) : 0.2 * rng.Uniform(0, 1)))).ToArray();
            return Dataset.Classification(name, pixels, 64, labels, 2);
        }
        var (train, test) = (Halves("halves train", 64), Halves("halves test", 32));
        var model = Sequential.Of(Dense(64, 8, rng), Relu(), Dense(8, 2, rng));
        var result = model.Fit(train, Loss.SoftmaxCrossEntropy, new Sgd(LearningRate: 0.5), epochs: Arg("epochs", 3), batchSize: 16, validation: test, rng);
        var evaluation = result.Model.Evaluate(test, Loss.SoftmaxCrossEntropy, classNames: ["left", "right"]);
        Log($"evaluated: accuracy {evaluation.Accuracy:P0}");
        """;

    [Fact]
    public async Task A_run_keeps_its_console_output_its_evaluation_and_a_report_that_nabla_report_draws_again()
    {
        var script = folder.Write("halves.csx", Script);
        var outDir = folder.NewRunFolder();
        var run = await Host.InProcess(folder.Cache, ["--out", outDir, script]);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"report: {HostPaths.Display(Path.Combine(outDir, "report.html"))}", run.Output);

        var log = File.ReadAllText(Path.Combine(outDir, "output.log"));
        Assert.Contains("fit: 3 epochs", log);
        Assert.Contains("epoch 3/3  loss", log);
        Assert.Contains("evaluated: accuracy", log);

        var evaluation = Assert.Single(Nabla.Evaluation.EvaluationFile.Read(Path.Combine(outDir, "evaluation.json")));
        Assert.Equal("halves test", evaluation.Dataset);
        Assert.Equal(["left", "right"], evaluation.Classification!.ClassNames);
        Assert.Equal(new Nabla.Evaluation.ImageShape(8, 8), evaluation.Classification.Images);

        var manifest = HostTests.ReadJson(Path.Combine(outDir, "run.json"));
        var fit = Assert.Single(manifest.GetProperty("fits").EnumerateArray());
        Assert.Equal(16, fit.GetProperty("batch_size").GetInt32());
        Assert.Equal(8, fit.GetProperty("model").GetProperty("layers")[0].GetProperty("outputs").GetInt32());

        var report = Path.Combine(outDir, "report.html");
        var page = XDocument.Parse(File.ReadAllText(report));
        Assert.Contains(page.Descendants("h2"), h => h.Value == "Evaluation · halves test");
        Assert.Contains("evaluated: accuracy", page.Root!.Value);   // the console output is in the page too

        File.Delete(report);
        var again = await Host.InProcess(folder.Cache, ["report", outDir]);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.True(File.Exists(report));
        XDocument.Parse(File.ReadAllText(report));
    }

    [Fact]
    public async Task Nabla_compare_writes_one_page_for_several_runs_and_bad_folders_are_clear_errors()
    {
        var script = folder.Write("halves-compare.csx", Script);
        var (a, b) = (folder.NewRunFolder(), folder.NewRunFolder());
        Assert.Equal(0, (await Host.InProcess(folder.Cache, ["--out", a, script, "--epochs", "2"])).ExitCode);
        Assert.Equal(0, (await Host.InProcess(folder.Cache, ["--seed", "1", "--out", b, script, "--epochs", "3"])).ExitCode);
        var page = Path.Combine(folder.Path, "compare.html");
        var compare = await Host.InProcess(folder.Cache, ["compare", a, b, "--out", page]);
        Assert.True(compare.ExitCode == 0, compare.ToString());
        Assert.Contains("(2 runs)", compare.Output);
        var rows = XDocument.Parse(File.ReadAllText(page)).Descendants("tbody").Single().Elements("tr").ToArray();
        Assert.Equal(2, rows.Length);

        var missing = await Host.InProcess(folder.Cache, ["report", Path.Combine(folder.Path, "no-such-run")]);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("no such run folder", missing.Error);
        var notRun = await Host.InProcess(folder.Cache, ["compare", folder.Path]);
        Assert.Equal(1, notRun.ExitCode);
        Assert.Contains("not a run folder", notRun.Error);
        Assert.Equal(1, (await Host.InProcess(folder.Cache, ["compare"])).ExitCode);
    }

    [Fact]
    public async Task A_script_that_trains_nothing_still_gets_a_report_but_no_report_line()
    {
        var script = folder.Write("hello.csx", "Log(\"hello\");");
        var outDir = folder.NewRunFolder();
        var run = await Host.InProcess(folder.Cache, ["--out", outDir, script]);
        Assert.Equal("hello", run.Output.Trim());
        Assert.True(File.Exists(Path.Combine(outDir, "report.html")));
        Assert.Equal("hello\n", File.ReadAllText(Path.Combine(outDir, "output.log")).ReplaceLineEndings("\n"));
    }
}
