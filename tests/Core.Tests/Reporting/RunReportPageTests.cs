using System.Text.Json;
using System.Xml.Linq;
using Nabla.Reporting;

namespace Nabla.Tests.Reporting;

/// <summary>report.html section by section, from hand-made runs (no training): the figures, tables and texts each part
/// shows, and what it leaves out when the run did not record it.</summary>
public sealed class RunReportPageTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("nabla-page-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    static RecordedEpoch E(int fit, int epoch, double loss, double? accuracy, double? valLoss, double? valAccuracy, double seconds, double? lr) =>
        new(fit, new EpochMetrics(epoch, loss, accuracy, valLoss, valAccuracy, seconds, lr));

    // Labels a a a b b c, predicted a a b b c c: precision 1, ½, ½; recall ⅔, ½, 1. Two mistakes, one of them in the gallery.
    static readonly EvaluationResult Classified = new("test", 6, "softmax_cross_entropy", 0.5, 4.0 / 6,
        new ClassificationEvaluation(["a", "b", "c"], [0, 0, 0, 1, 1, 2], [0, 0, 1, 1, 2, 2], [4.0 / 6, 5.0 / 6, 1.0],
            [new Misclassified(4, 1, 2, 0.6, [(2, 0.6), (1, 0.3), (0, 0.1)], [0, 85, 170, 255])], 2, new ImageShape(1, 4)), null);

    static readonly EvaluationResult Regressed = new("val", 1234, "mse", 0.25, null, null, new RegressionMetrics(0.0123456, 0.123456, 0.75, 0.1, 0.9));

    static readonly RunRecord Full = new("/tmp/runs/mnist/full", Json("""
        {"script": "scripts/mnist-mlp.csx", "status": "failed", "error": "Dense(784 → 16) expects 784 columns, got <3>", "seed": 7,
         "start_time": "2026-11-30T10:00:00", "end_time": "2026-11-30T10:01:05", "seconds": 65.5, "exit_code": 1,
         "command_line": ["scripts/mnist-mlp.csx", "--lr", "0.1"], "arguments": {"epochs": "3", "lr": "0.1"}, "given_arguments": {"lr": "0.1"},
         "backend": "managed", "threads": 2, "processors": 4, "nabla_version": "0.1.0", "dotnet_version": "", "os": "Debian",
         "compile": {"cached": true, "seconds": 0.25}, "sources": {"scripts/mnist-mlp.csx": "ab12"}, "datasets": {"data/x.gz": "cd34"},
         "checkpoints": {"every_steps": 100, "checkpoint-fit1.safetensors": "epoch 2"},
         "resumes": [{"time": "11:00", "previous_status": "interrupted", "fits": ["fit 1 at epoch 2", "fit 2 at epoch 1"]},
                     {"time": "12:00", "previous_status": "cancelled", "fits": []}, {"time": "13:00", "previous_status": "failed"}],
         "fits": [{"optimizer": "Sgd(LearningRate: 0.1)", "loss": "softmax_cross_entropy", "epochs": 2, "batch_size": 32, "train_samples": 1000, "validation_samples": 300,
                   "model": {"inputs": 3, "layers": [{"layer": "first", "outputs": 1, "parameters": 4}], "total_parameters": 4, "bytes": 16}},
                  {"optimizer": "Adam", "loss": "mse", "epochs": 1, "batch_size": 64, "train_samples": 1000,
                   "model": {"inputs": 784, "input_shape": [1, 28, 28], "layers": [
                       {"layer": "Conv2D(1 → 8, 3×3)", "outputs": 5408, "output_shape": [8, 26, 26], "parameters": 80},
                       {"layer": "Dense(5408 → 10)", "outputs": 10, "parameters": 54090}], "total_parameters": 54170, "bytes": 216680}}]}
        """),
        [E(1, 1, 0.9, 0.5, 0.95, 0.45, 1.25, 0.1), E(1, 2, 0.6, 0.7, 0.65, 0.6, 1.5, 0.05), E(2, 1, 0.4, 0.8, null, null, 1.0, null)],
        [Classified, Regressed], "line 1 <b>\nline 2\n");

    static readonly RunRecord Bare = new("/tmp/runs/mnist/bare", Json("""{"status": "", "fits": [{"optimizer": "Sgd"}], "command_line": "a.csx --lr 1"}"""), [], [], null);

    static XDocument Page(RunRecord run) => XDocument.Parse(RunReport.Page(run));

    static XElement Table(XDocument page, string firstCell) =>
        page.Descendants("table").Single(t => t.Descendants("tr").FirstOrDefault()?.Elements().First().Value == firstCell);

    static string[][] Rows(XElement table) => table.Descendants("tr").Select(r => r.Elements().Select(c => c.Value).ToArray()).ToArray();

    [Fact]
    public void The_head_names_script_folder_status_start_time_run_time_seed_and_the_error()
    {
        var html = RunReport.Page(Full);
        Assert.StartsWith("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/><title>mnist-mlp.csx · mnist/full</title><style>", html);
        Assert.Contains("<body><h1>mnist-mlp.csx <span class=\"status failed\">failed</span></h1>" +
                        "<div class=\"sub\">mnist/full · started 2026-11-30T10:00:00 · 1 min 05 s · seed 7</div>" +
                        "<p class=\"wrong\">Dense(784 → 16) expects 784 columns, got &lt;3&gt;</p><div class=\"cards\">", html);
        var bare = RunReport.Page(Bare);
        Assert.Contains("<h1>bare <span class=\"status unknown\">unknown</span></h1><div class=\"sub\">mnist/bare · started  · seed </div><div class=\"cards\"></div>" +
                        "<h2>Training</h2><p class=\"sub\">No epoch finished (metrics.jsonl is empty).</p>", bare);
    }

    [Fact]
    public void The_sections_come_in_order_each_under_its_heading()
    {
        var headings = Page(Full).Descendants().Where(e => e.Name.LocalName is "h2" or "h3").Select(e => $"{e.Name.LocalName} {e.Value}");
        Assert.Equal(
        [
            "h2 Training", "h2 Evaluation · test", "h3 Confusion matrix", "h3 Per class", "h3 Misclassified: 2 of 6, the 1 most confident",
            "h2 Evaluation · val", "h2 Model", "h2 Settings", "h3 Fit", "h3 Arguments", "h3 Run", "h2 Timings",
            "h2 Manifest", "h3 Sources", "h3 Data files", "h3 Checkpoints", "h3 Resumed", "h2 Console output",
        ], headings);
    }

    [Fact]
    public void Cards_show_each_evaluation_then_the_last_epochs_figures_and_the_run_time()
    {
        var cards = Page(Full).Descendants("div").Where(d => d.Attribute("class")?.Value == "card").Select(c => (c.Element("span")!.Value, c.Element("b")!.Value));
        Assert.Equal([("accuracy · test", "66.67%"), ("RMSE · val", "0.1235"), ("loss", "0.4000"), ("epochs", "3"), ("run time", "1 min 05 s")], cards);
        var validated = Full with { Epochs = [E(1, 1, 0.9, null, 0.95, 0.45, 1, null)], Evaluations = [] };
        Assert.Equal([("val_accuracy", "45.00%"), ("val_loss", "0.9500"), ("loss", "0.9000"), ("epochs", "1"), ("run time", "1 min 05 s")],
            Page(validated).Descendants("div").Where(d => d.Attribute("class")?.Value == "card").Select(c => (c.Element("span")!.Value, c.Element("b")!.Value)));
    }

    [Fact]
    public void Training_curves_are_three_charts_430_wide_over_the_epochs_of_every_fit()
    {
        var charts = Page(Full).Descendants("svg").Where(s => s.Attribute("width")?.Value == "430").ToArray();
        Assert.Equal(["Loss", "Accuracy", "Learning rate"], charts.Select(c => c.Elements("text").First().Value));
        Assert.Equal([("#1f77b4", false, 3), ("#ff7f0e", true, 2)], charts[0].Elements("polyline").Select(Line));
        Assert.Equal([("#1f77b4", false, 3), ("#ff7f0e", true, 2)], charts[1].Elements("polyline").Select(Line));
        Assert.Equal([("#2ca02c", false, 2)], charts[2].Elements("polyline").Select(Line));
        Assert.Equal([["loss", "val_loss"], ["accuracy", "val_accuracy"], ["learning_rate"]],
            charts.Select(c => c.Elements("text").Where(t => t.Attribute("text-anchor") is null).Select(t => t.Value).ToArray()));   // the legends
        Assert.Equal([("epoch", "loss"), ("epoch", "accuracy"), ("epoch", "learning_rate (at the epoch's end)")],
            charts.Select(c => (c.Elements("text").Single(t => t.Attribute("y")!.Value == "384").Value, c.Elements("text").Single(t => t.Attribute("transform") is not null).Value)));
        var lossOnly = Full with { Epochs = [E(1, 1, 0.9, null, null, null, 1, null), E(1, 2, 0.8, null, null, null, 1, null)] };
        Assert.Equal(["Loss"], Page(lossOnly).Descendants("svg").Where(s => s.Attribute("width")?.Value == "430").Select(c => c.Elements("text").First().Value));
        var validationAccuracyOnly = Full with { Epochs = [E(1, 1, 0.9, null, null, null, 1, null), E(1, 2, 0.8, null, null, 0.5, 1, null)] };   // and only once
        Assert.Equal(2, Page(validationAccuracyOnly).Descendants("svg").Count(s => s.Attribute("width")?.Value == "430"));

        static (string, bool, int) Line(XElement p) => (p.Attribute("stroke")!.Value, p.Attribute("stroke-dasharray") is not null, p.Attribute("points")!.Value.Split(' ').Length);
    }

    [Fact]
    public void A_classification_shows_its_figures_heat_map_per_class_table_and_most_confident_mistakes()
    {
        var page = Page(Full);
        var html = RunReport.Page(Full);
        Assert.Contains("<h2>Evaluation · test</h2><div class=\"row\"><div><table class=\"kv\">", html);
        Assert.Equal([["figure", "value"], ["samples", "6"], ["softmax_cross_entropy", "0.5000"], ["accuracy", "66.67%"], ["top-2 accuracy", "83.33%"], ["top-3 accuracy", "100.00%"]],
            Rows(page.Descendants("table").First(t => t.Descendants("td").Any(d => d.Value == "softmax_cross_entropy"))));
        Assert.Contains("<h3>Confusion matrix</h3><svg ", html);
        Assert.Contains("</svg><div class=\"sub\">rows: true class · columns: predicted · shade: share of the row</div></div>", html);
        Assert.Equal(
        [
            ["class", "precision", "recall", "f1-score", "support"],
            ["a", "1.0000", "0.6667", "0.8000", "3"], ["b", "0.5000", "0.5000", "0.5000", "2"], ["c", "0.5000", "1.0000", "0.6667", "1"],
            ["accuracy", "", "", "0.6667", "6"], ["macro avg", "0.6667", "0.7222", "0.6556", "6"], ["weighted avg", "0.7500", "0.6667", "0.6778", "6"],
        ], Rows(Table(page, "class")));
        Assert.Contains("<h3>Misclassified: 2 of 6, the 1 most confident</h3><div class=\"gallery\"><figure title=\"sample 4: c 60.00%, b 30.00%, a 10.00%\">", html);
        var image = page.Descendants("img").Single();
        Assert.Equal("sample 4", image.Attribute("alt")!.Value);
        Assert.Equal(Png.DataUri(Png.Grayscale([0, 85, 170, 255], width: 4, height: 1)), image.Attribute("src")!.Value);   // one row of four
        Assert.Contains("<figcaption>true <b>b</b><br/>predicted <span class=\"wrong\">c</span><br/>60.00% · #4</figcaption></figure></div>", html);
    }

    [Fact]
    public void Mistakes_without_pixels_have_no_image_all_shown_say_so_and_none_says_none()
    {
        var c = Classified.Classification!;
        var noPixels = Full with { Evaluations = [Classified with { Classification = c with { Mistakes = [c.Mistakes[0] with { Pixels = null }], MistakeCount = 1 } }] };
        var html = RunReport.Page(noPixels);
        Assert.Contains("<h3>Misclassified: 1 of 6</h3><div class=\"gallery\"><figure title=\"sample 4: c 60.00%, b 30.00%, a 10.00%\"><figcaption>", html);
        var noShape = Full with { Evaluations = [Classified with { Classification = c with { Images = null } }] };
        Assert.DoesNotContain("<img", RunReport.Page(noShape), StringComparison.Ordinal);
        var none = Full with { Evaluations = [Classified with { Classification = c with { Mistakes = [], MistakeCount = 0 } }] };
        Assert.Contains("<h3>Misclassified: 0 of 6</h3><p class=\"sub\">None.</p><h2>", RunReport.Page(none));
    }

    [Fact]
    public void Ill_defined_scores_are_noted_under_the_per_class_table()
    {
        // Class c is never predicted and has no samples.
        var c = Classified.Classification!;
        var run = Full with { Evaluations = [Classified with { Classification = c with { Labels = [0, 1], Predicted = [0, 1] } }] };
        Assert.Contains("<p class=\"note\">precision is ill-defined (set to 0) for classes never predicted: c</p>" +
                        "<p class=\"note\">recall is ill-defined (set to 0) for classes with no samples: c</p></div></div>", RunReport.Page(run));
    }

    [Fact]
    public void A_regression_shows_its_figures_only()
    {
        var page = Page(Full);
        Assert.Contains("<h2>Evaluation · val</h2><table class=\"kv\">", RunReport.Page(Full));
        Assert.Equal([["figure", "value"], ["samples", "1,234"], ["mse", "0.2500"], ["MAE", "0.012346"], ["RMSE", "0.12346"], ["R²", "0.7500"], ["within ±0.1", "90.00%"]],
            Rows(page.Descendants("table").First(t => t.Descendants("td").Any(d => d.Value == "mse"))));
        var noTolerance = Full with { Evaluations = [Regressed with { Regression = Regressed.Regression! with { Tolerance = null, WithinTolerance = null } }] };
        Assert.DoesNotContain("within", RunReport.Page(noTolerance), StringComparison.Ordinal);
        var fine = Full with { Evaluations = [Regressed with { Regression = Regressed.Regression! with { Tolerance = 0.0123456 } }] };
        Assert.Contains("<td>within ±0.01235</td>", RunReport.Page(fine));   // four significant digits
    }

    [Fact]
    public void The_model_is_the_last_fits_with_sample_shapes_or_widths()
    {
        var page = Page(Full);
        Assert.Equal([["#", "layer", "output shape", "params"], ["0", "Conv2D(1 → 8, 3×3)", "(batch, 8, 26, 26)", "80"], ["1", "Dense(5408 → 10)", "(batch, 10)", "54,090"]], Rows(Table(page, "#")));
        Assert.Contains("<h2>Model</h2><div class=\"sub\">input (batch, 1, 28, 28)</div><table>", RunReport.Page(Full));
        Assert.Contains("<p>Total params: 54,170 (216,680 bytes)</p>", RunReport.Page(Full));
        // Widths alone (a run recorded before sample shapes were), a null shape and a null name as from a hand-edited file.
        var widths = Full with { Manifest = Json("""{"fits": [{"model": {"inputs": 3, "layers": [{"layer": null, "outputs": 1, "output_shape": null, "parameters": 4}], "total_parameters": 4, "bytes": 16}}]}""") };
        Assert.Contains("<div class=\"sub\">input (batch, 3)</div>", RunReport.Page(widths));
        Assert.Equal([["#", "layer", "output shape", "params"], ["0", "", "(batch, 1)", "4"]], Rows(Table(Page(widths), "#")));
        Assert.DoesNotContain("<h2>Model</h2>", RunReport.Page(Bare));
        Assert.DoesNotContain("<h2>Model</h2>", RunReport.Page(Bare with { Manifest = Json("{}") }));
    }

    [Fact]
    public void Settings_list_each_fit_the_arguments_given_or_defaulted_and_how_the_run_was_started()
    {
        var page = Page(Full);
        Assert.Equal(
        [
            ["fit", "optimizer", "loss", "epochs", "batch size", "training samples", "validation samples"],
            ["1", "Sgd(LearningRate: 0.1)", "softmax_cross_entropy", "2", "32", "1000", "300"], ["2", "Adam", "mse", "1", "64", "1000", ""],
        ], Rows(Table(page, "fit")));
        Assert.Equal([["argument", "value", ""], ["--epochs", "3", "default"], ["--lr", "0.1", "given"]], Rows(Table(page, "argument")));
        Assert.Equal(["kv", "kv"], new[] { "argument", "seed" }.Select(first => Table(page, first).Attribute("class")?.Value));   // key-value layout
        Assert.Equal([["seed", "7"], ["command line", "nabla scripts/mnist-mlp.csx --lr 0.1"], ["backend", "managed"], ["threads", "2"], ["processors", "4"]],
            Rows(Table(page, "seed")));
        var bare = Page(Bare);
        Assert.Contains("<h3>Arguments</h3><p class=\"sub\">The script reads none.</p>", RunReport.Page(Bare));
        Assert.Equal([["seed", ""], ["command line", ""], ["backend", ""], ["threads", "all cores"], ["processors", ""]], Rows(Table(bare, "seed")));
        Assert.Equal([["fit", "optimizer", "loss", "epochs", "batch size", "training samples", "validation samples"], ["1", "Sgd", "", "", "", "", ""]], Rows(Table(bare, "fit")));
        Assert.DoesNotContain("<h3>Fit</h3>", RunReport.Page(Bare with { Manifest = default }));
    }

    [Fact]
    public void Timings_give_the_compile_time_the_training_time_per_epoch_and_each_epochs_figures()
    {
        var page = Page(Full);
        Assert.Equal([["started", "2026-11-30T10:00:00"], ["ended", "2026-11-30T10:01:05"], ["run time", "1 min 05 s"], ["script", "loaded from the cache in 0.25 s"],
                      ["training", "3.8 s in 3 epochs (1.25 s each)"]], Rows(Table(page, "started")));
        Assert.Equal(
        [
            ["fit.epoch", "loss", "accuracy", "val_loss", "val_accuracy", "learning_rate", "seconds"],   // two Fits: epochs numbered within each
            ["1.1", "0.9000", "50.00%", "0.9500", "45.00%", "0.1", "1.25"], ["1.2", "0.6000", "70.00%", "0.6500", "60.00%", "0.05", "1.50"],
            ["2.1", "0.4000", "80.00%", "", "", "", "1.00"],
        ], Rows(Table(page, "fit.epoch")));
        var oneFit = Full with { Manifest = Json("""{"compile": {"cached": false, "seconds": 2.5}}"""), Epochs = [E(1, 1, 0.123456, null, null, null, 2, 0.000123456)] };
        var one = Page(oneFit);
        Assert.Equal([["started", ""], ["ended", ""], ["run time", "–"], ["script", "compiled in 2.50 s"], ["training", "2.0 s in 1 epochs (2.00 s each)"]], Rows(Table(one, "started")));
        Assert.Equal([["epoch", "loss", "accuracy", "val_loss", "val_accuracy", "learning_rate", "seconds"], ["1", "0.1235", "", "", "", "0.0001235", "2.00"]], Rows(Table(one, "epoch")));
        Assert.Equal([["started", ""], ["ended", ""], ["run time", "–"], ["script", "–"], ["training", "0.0 s in 0 epochs"]], Rows(Table(Page(Bare), "started")));
        Assert.Contains("<h2>Timings</h2><div class=\"row\"><div><table class=\"kv\">", RunReport.Page(Bare));
        Assert.Contains("</table></div><div></div></div><h2>Manifest</h2>", RunReport.Page(Bare));
    }

    [Fact]
    public void The_manifest_lists_what_it_has_sources_data_files_checkpoints_and_resumes()
    {
        var page = Page(Full);
        Assert.Equal([["script", "scripts/mnist-mlp.csx"], ["status", "failed"], ["exit code", "1"], ["Nabla", "0.1.0"], ["OS", "Debian"]], Rows(Table(page, "script")));   // .NET empty: left out
        Assert.Equal([["file", "SHA-256"], ["scripts/mnist-mlp.csx", "ab12"]], Rows(page.Descendants("table").First(t => t.Descendants("td").Any(d => d.Value == "ab12"))));
        Assert.Equal([["file", "SHA-256"], ["data/x.gz", "cd34"]], Rows(page.Descendants("table").First(t => t.Descendants("td").Any(d => d.Value == "cd34"))));
        var html = RunReport.Page(Full);
        Assert.Contains("<h3>Data files</h3>", html);
        Assert.Contains("<h3>Checkpoints</h3><p class=\"sub\">Saved at each epoch's end and every 100 steps; <code>nabla --resume /tmp/runs/mnist/full</code> goes on from them.</p>", html);
        Assert.Equal([["file", "last saved"], ["checkpoint-fit1.safetensors", "epoch 2"]], Rows(page.Descendants("table").Single(t => t.Descendants("th").Any(h => h.Value == "last saved"))));
        Assert.Equal("kv", Table(page, "script").Attribute("class")?.Value);
        Assert.Equal([["time", "after", "went on"], ["11:00", "interrupted", "fit 1 at epoch 2; fit 2 at epoch 1"], ["12:00", "cancelled", "no Fit had a checkpoint yet"], ["13:00", "failed", "no Fit had a checkpoint yet"]], Rows(Table(page, "time")));

        Assert.Equal([[".NET", ".NET 10.0.0"], ["OS", "Debian"]], Rows(Table(Page(Full with { Manifest = Json("""{"dotnet_version": ".NET 10.0.0", "os": "Debian"}""") }), ".NET")));   // no status: left out too

        var everyEpoch = Full with { Folder = "/tmp/runs/a&b", Manifest = Json("""{"checkpoints": {"every_steps": 0, "c.safetensors": "epoch 1"}}""") };
        var text = RunReport.Page(everyEpoch);
        Assert.Contains("Saved at each epoch's end; <code>nabla --resume /tmp/runs/a&amp;b</code>", text);
        Assert.DoesNotContain("<h3>Data files</h3>", text);
        Assert.DoesNotContain("<h3>Resumed</h3>", text);
        Assert.Contains("Saved at each epoch's end;", RunReport.Page(Full with { Manifest = Json("""{"checkpoints": {"c.safetensors": "epoch 1"}}""") }));
        Assert.DoesNotContain("<h3>Checkpoints</h3>", RunReport.Page(Full with { Manifest = Json("""{"checkpoints": {"every_steps": 100}, "resumes": {}}""") }));
        Assert.Contains("<h3>Sources</h3><table><thead><tr><th>file</th><th>SHA-256</th></tr></thead><tbody></tbody></table></div></div>", RunReport.Page(Bare));
        // A hand-edited "fits" that is not a list reads as no checkpoint, not as an error.
        var odd = Full with { Manifest = Json("""{"resumes": [{"time": "14:00", "previous_status": "failed", "fits": 5}]}""") };
        Assert.Equal([["time", "after", "went on"], ["14:00", "failed", "no Fit had a checkpoint yet"]], Rows(Table(Page(odd), "time")));
    }

    [Fact]
    public void The_console_output_is_shown_escaped_and_the_footer_names_the_files_read()
    {
        var html = RunReport.Page(Full);
        Assert.Contains("<h2>Console output</h2><details><summary>output.log (2 lines)</summary><pre>line 1 &lt;b&gt;\nline 2\n</pre></details>", html);
        Assert.EndsWith("<p class=\"sub\">Written by Nabla from run.json, metrics.jsonl, evaluation.json, output.log; regenerate with <code>nabla report RUN_DIR</code>.</p></body></html>\n", html);
        var bare = RunReport.Page(Bare);
        Assert.DoesNotContain("Console output", bare);
        Assert.EndsWith("</div></div><p class=\"sub\">Written by Nabla from run.json, metrics.jsonl; regenerate with <code>nabla report RUN_DIR</code>.</p></body></html>\n", bare);
    }

    [Fact]
    public void Write_puts_report_html_in_the_folder_whole()
    {
        var folder = Path.Combine(_root, "run");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "run.json"), """{"script": "a.csx", "status": "completed"}""");
        File.WriteAllText(Path.Combine(folder, "report.html"), "old");
        var path = RunReport.Write(folder);
        Assert.Equal(Path.Combine(folder, "report.html"), path);
        Assert.Equal(RunReport.Page(RunRecord.Read(folder)), File.ReadAllText(path));
        Assert.Equal(["report.html", "run.json"], Directory.GetFiles(folder).Select(Path.GetFileName).Order());
    }

    [Theory]
    [InlineData("0", "0.0 s")]
    [InlineData("59.94", "59.9 s")]
    [InlineData("60", "1 min 00 s")]
    [InlineData("125.7", "2 min 05 s")]
    [InlineData("3725", "62 min 05 s")]
    [InlineData("soon", "soon")]
    public void Durations_are_seconds_under_a_minute_then_minutes_and_seconds(string seconds, string expected) =>
        Assert.Equal(expected, RunReport.Duration(seconds));
}
