using System.Text.Json;
using System.Xml.Linq;
using Nabla.Reporting;

namespace Nabla.Tests.Reporting;

/// <summary>compare.html over three hand-made runs: a full one with two Fits, one without accuracy or settings, and an
/// empty one; the table's columns and cells, and which curves each chart overlays in which colour.</summary>
public sealed class RunComparisonTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("nabla-compare-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    static RecordedEpoch E(int fit, int epoch, double loss, double? accuracy, double? valLoss, double? valAccuracy, double? lr) =>
        new(fit, new EpochMetrics(epoch, loss, accuracy, valLoss, valAccuracy, 1, lr));

    static readonly EvaluationResult Regression = new("val", 10, "mse", 0.1, null, null, new RegressionMetrics(0.1, 0.123456, 0.9, null, null));

    // Two Fits (the table shows the last Fit's settings and the last epoch's figures), two evaluations (the last shown).
    static readonly RunRecord Slow = new("/tmp/runs/slow<1>", Json("""
        {"script": "scripts/mnist-mlp.csx", "status": "completed", "seed": 7, "arguments": {"lr": "0.01", "epochs": "3"},
         "fits": [{"optimizer": "Sgd(LearningRate: 0.1)", "batch_size": 16}, {"optimizer": "Adam(LearningRate: 0.001)", "batch_size": 32}],
         "seconds": 65.5}
        """),
        [E(1, 1, 0.9, 0.5, 0.95, 0.45, 0.1), E(1, 2, 0.6, 0.7, 0.65, 0.6, 0.05), E(2, 1, 0.4, 0.8, null, null, 0.025)],
        [Regression, new("test", 100, "softmax_cross_entropy", 0.5, 0.8125, null, null)], null);

    static readonly RunRecord Fast = new("/tmp/runs/fast", Json("""{"status": "failed", "seed": 8, "arguments": {"Zeta": "z", "lr": "0.5"}, "fits": [{}]}"""),
        [E(1, 1, 0.7, null, 0.75, null, null)], [Regression], null);

    static readonly RunRecord Empty = new("/tmp/runs/empty/", default, [], [new("x", 1, "loss", 1, null, null, null)], null);

    [Fact]
    public void The_table_has_a_column_per_argument_and_a_row_per_run_with_its_last_fit_epoch_and_evaluation()
    {
        var page = XDocument.Parse(RunComparison.Page([Slow, Fast, Empty]));
        var table = page.Descendants("table").Single();
        Assert.Equal(["run", "script", "status", "seed", "--Zeta", "--epochs", "--lr", "optimizer", "batch size", "epochs",   // arguments in ordinal order
                      "loss", "accuracy", "val_loss", "val_accuracy", "evaluation", "run time"], table.Descendants("th").Select(h => h.Value));
        var rows = table.Descendants("tbody").Single().Elements("tr").Select(r => r.Elements("td").Select(d => d.Value).ToArray()).ToArray();
        Assert.Equal(["runs/slow<1>", "mnist-mlp.csx", "completed", "7", "", "3", "0.01", "Adam(LearningRate: 0.001)", "32", "3",
                      "0.4000", "80.00%", "", "", "81.25% (test)", "1 min 05 s"], rows[0]);
        Assert.Equal(["runs/fast", "fast", "failed", "8", "z", "", "0.5", "", "", "1", "0.7000", "", "0.7500", "", "RMSE 0.1235 (val)", ""], rows[1]);
        Assert.Equal(["runs/empty", "empty", "", "", "", "", "", "", "", "0", "", "", "", "", "", ""], rows[2]);
        Assert.Equal(3, rows.Length);
        // A run never evaluated has an empty evaluation cell.
        var alone = XDocument.Parse(RunComparison.Page([Fast with { Evaluations = [] }])).Descendants("table").Single();
        var column = alone.Descendants("th").Select(h => h.Value).ToList().IndexOf("evaluation");
        Assert.Equal(["0.7500", "", ""], alone.Descendants("tbody").Single().Elements("tr").Single().Elements("td").Skip(column - 2).Take(3).Select(d => d.Value));
    }

    [Fact]
    public void Each_chart_overlays_every_runs_curves_in_the_runs_colour_validation_dashed()
    {
        var page = XDocument.Parse(RunComparison.Page([Slow, Fast, Empty]));
        var charts = page.Descendants("svg").ToArray();
        Assert.Equal(["Loss", "Accuracy", "Learning rate"], charts.Select(c => c.Elements("text").First().Value));
        Assert.Equal(["loss", "accuracy", "learning_rate"], charts.Select(c => c.Elements("text").Single(t => t.Attribute("transform") is not null).Value));
        Assert.All(charts, c => Assert.Null(c.Attribute("xmlns")));
        Assert.All(charts, c => Assert.Equal("epoch", c.Elements("text").Single(t => t.Attribute("y")!.Value == "384").Value));
        // The legend: name, colour, dashed. A run without validation figures has no " val" entry.
        Assert.Equal(
        [
            ("runs/slow<1> train", "#1f77b4", false), ("runs/slow<1> val", "#1f77b4", true), ("runs/fast train", "#ff7f0e", false),
            ("runs/fast val", "#ff7f0e", true), ("runs/empty train", "#2ca02c", false),
        ], Legend(charts[0]));
        Assert.Equal([("runs/slow<1> train", "#1f77b4", false), ("runs/slow<1> val", "#1f77b4", true), ("runs/fast train", "#ff7f0e", false), ("runs/empty train", "#2ca02c", false)], Legend(charts[1]));
        Assert.Equal([("runs/slow<1>", "#1f77b4", false), ("runs/fast", "#ff7f0e", false), ("runs/empty", "#2ca02c", false)], Legend(charts[2]));
        // Slow's loss over its three epochs (the second Fit continues at x = 3), its val_loss over the first two.
        Assert.Equal([3, 2], charts[0].Elements("polyline").Select(p => p.Attribute("points")!.Value.Split(' ').Length));
        Assert.Equal(3, charts[2].Elements("circle").Count(c => c.Attribute("fill")!.Value == "#1f77b4"));
    }

    [Fact]
    public void Accuracy_and_learning_rate_charts_appear_only_when_some_run_has_those_figures()
    {
        static string[] Titles(params RunRecord[] runs) => XDocument.Parse(RunComparison.Page(runs)).Descendants("svg").Select(c => c.Elements("text").First().Value).ToArray();
        Assert.Equal(["Loss"], Titles(Fast, Empty));
        var validationAccuracyOnly = Fast with { Epochs = [E(1, 1, 0.7, null, 0.75, 0.5, null)] };
        Assert.Equal(["Loss", "Accuracy"], Titles(Empty, validationAccuracyOnly));
        var learningRateOnly = Fast with { Epochs = [E(1, 1, 0.7, null, null, null, 0.1)] };
        Assert.Equal(["Loss", "Learning rate"], Titles(Empty, learningRateOnly));
    }

    [Fact]
    public void The_page_names_its_runs_escaped_and_says_how_to_regenerate_it()
    {
        var html = RunComparison.Page([Slow, Fast]);
        Assert.StartsWith("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/><title>2 runs compared</title><style>", html);
        Assert.Contains("<h1>2 runs compared</h1><div class=\"sub\">runs/slow&lt;1&gt; · runs/fast</div><h2>Curves</h2><div class=\"row\"><svg ", html);
        Assert.Contains("</svg>\n</div><h2>Settings and results</h2><div class=\"scroll\"><table>", html);
        Assert.EndsWith("</table></div><p class=\"sub\">Written by Nabla from each folder's run.json, metrics.jsonl and evaluation.json; " +
                        "regenerate with <code>nabla compare RUN_DIR…</code>.</p></body></html>\n", html);
    }

    [Fact]
    public void Write_reads_each_folder_and_replaces_the_page_whole()
    {
        var a = Path.Combine(_root, "runs", "a");
        Directory.CreateDirectory(a);
        File.WriteAllText(Path.Combine(a, "metrics.jsonl"), "{\"epoch\":1,\"loss\":0.5}\n");
        var path = Path.Combine(_root, "compare.html");
        File.WriteAllText(path, "old");
        Assert.Equal(path, RunComparison.Write([a, a], path));
        Assert.Equal(RunComparison.Page([RunRecord.Read(a), RunRecord.Read(a)]), File.ReadAllText(path));
        Assert.Equal(["compare.html", "runs"], Directory.GetFileSystemEntries(_root).Select(Path.GetFileName).Order());   // nothing left aside

        var none = Assert.Throws<ArgumentException>(() => RunComparison.Write([], path));
        Assert.StartsWith("RunComparison: no run folder given.", none.Message);
        var missing = Path.Combine(_root, "runs", "b");
        Assert.Equal($"{missing}: no such run folder.", Assert.Throws<DirectoryNotFoundException>(() => RunComparison.Write([a, missing], path)).Message);
    }

    static (string, string, bool)[] Legend(XElement chart) => chart.Elements("line").Where(l => l.Attribute("stroke-width")?.Value == "3")
        .Zip(chart.Elements("text").Where(t => t.Attribute("text-anchor") is null && t.Attribute("transform") is null))
        .Select(p => (p.Second.Value, p.First.Attribute("stroke")!.Value, p.First.Attribute("stroke-dasharray") is not null)).ToArray();
}
