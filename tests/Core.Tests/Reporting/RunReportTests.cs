using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Nabla.Reporting;

namespace Nabla.Tests.Reporting;

/// <summary>report.html and compare.html: well-formed, without a single URL, every part present, numbers with '.'.</summary>
public sealed class RunReportTests : IDisposable
{
    readonly string _root = Path.Combine(Path.GetTempPath(), $"nabla-report-{Guid.NewGuid():N}");

    static readonly Lazy<EvaluationResult> Evaluated = new(() =>
    {
        var (train, test) = Mnist.Load(TestSupport.DataPath("mnist"), limit: 1000);
        var rng = Rng.Seeded(5);
        var model = Sequential.Of(Layer.Flatten(), Layer.Dense(784, 16, Init.He, rng), Layer.Relu(), Layer.Dense(16, 10, Init.Xavier, rng));
        var trained = model.Fit(train, Loss.SoftmaxCrossEntropy, new Sgd(LearningRate: 0.1), 1, 32, null, rng).Model;
        return trained.Evaluate(test.Take(300), Loss.SoftmaxCrossEntropy, gallery: 6);
    });

    // A run folder as the script host leaves it: run.json, metrics.jsonl (two Fits), evaluation.json and output.log.
    string RunFolder(string name, double lr = 0.1)
    {
        var folder = Path.Combine(_root, "runs", name);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "run.json"), $$$"""
            {"script": "scripts/mnist-mlp.csx", "sources": {"scripts/mnist-mlp.csx": "ab12"}, "command_line": ["scripts/mnist-mlp.csx", "--lr", "{{{lr.ToString(CultureInfo.InvariantCulture)}}}"],
             "seed": 7, "arguments": {"epochs": "3", "lr": "{{{lr.ToString(CultureInfo.InvariantCulture)}}}"}, "given_arguments": {"lr": "{{{lr.ToString(CultureInfo.InvariantCulture)}}}"},
             "nabla_version": "0.1.0", "dotnet_version": ".NET 10.0.0", "os": "Debian", "processors": 2, "backend": "managed",
             "compile": {"cached": false, "seconds": 2.5}, "datasets": {"data/mnist/t10k-labels-idx1-ubyte.gz": "cd34"},
             "start_time": "2026-11-30T10:00:00.0000000+00:00", "end_time": "2026-11-30T10:01:05.5000000+00:00", "seconds": 65.5,
             "fits": [{"epochs": 2, "batch_size": 32, "batches_per_epoch": 32, "train_samples": 1000, "validation_samples": 300,
                       "loss": "softmax_cross_entropy", "optimizer": "Sgd(LearningRate: 0.1)",
                       "model": {"inputs": 784, "input_shape": [1, 28, 28], "layers": [
                                 {"layer": "Conv2D(1 → 8, 3×3)", "outputs": 5408, "output_shape": [8, 26, 26], "parameters": 80},
                                 {"layer": "Dense(784 → 16)", "outputs": 16, "parameters": 12560},
                                 {"layer": "ReLU", "outputs": 16, "parameters": 0}, {"layer": "Dense(16 → 10)", "outputs": 10, "parameters": 170}],
                                 "total_parameters": 12730, "bytes": 50920}}],
             "status": "completed", "exit_code": 0, "final_metrics": {"epoch": 1, "loss": 0.4321}}
            """);
        File.WriteAllText(Path.Combine(folder, "metrics.jsonl"),
            """{"epoch":1,"loss":0.9876,"accuracy":0.71,"val_loss":0.8765,"val_accuracy":0.7325,"seconds":1.25,"learning_rate":0.1}""" + "\n" +
            """{"epoch":2,"loss":0.5432,"accuracy":0.84,"val_loss":0.6543,"val_accuracy":0.8125,"seconds":1.5,"learning_rate":0.05}""" + "\n" +
            """{"fit":2,"epoch":1,"loss":0.4321,"accuracy":0.88,"seconds":1.0,"learning_rate":0.025}""" + "\n");
        EvaluationFile.Write([Evaluated.Value], Path.Combine(folder, EvaluationFile.Name));
        File.WriteAllText(Path.Combine(folder, "output.log"), "epoch 1/2  loss 0.9876 <&> \u001b[0m\ntest accuracy 81.25%\n");
        return folder;
    }

    [Fact]
    public void The_report_is_well_formed_holds_no_url_and_shows_every_part()
    {
        var folder = RunFolder("a");
        var path = RunReport.Write(folder);
        Assert.Equal(Path.Combine(folder, "report.html"), path);
        var html = File.ReadAllText(path);
        var page = XDocument.Parse(html);   // XHTML-compatible: an XML parser reads it, so every element is closed
        AssertNoUrl(html);

        var svgTitles = page.Descendants("svg").Select(s => s.Elements("text").FirstOrDefault()?.Value).ToArray();
        Assert.Contains("Loss", svgTitles);
        Assert.Contains("Accuracy", svgTitles);
        Assert.Contains("Learning rate", svgTitles);
        var lossChart = page.Descendants("svg").First(s => s.Elements("text").First().Value == "Loss");
        Assert.Equal(2, lossChart.Elements("polyline").Count());   // loss over both Fits (3 epochs), val_loss over the first
        Assert.Equal(3, lossChart.Elements("polyline").First().Attribute("points")!.Value.Split(' ').Length);

        var evaluation = Evaluated.Value.Classification!;
        var heatMap = page.Descendants("svg").Single(s => s.Elements("text").Any(t => t.Value == "predicted"));
        var cells = heatMap.Elements("rect").Where(r => r.Element("title") is not null).ToArray();
        Assert.Equal(100, cells.Length);
        Assert.Contains(heatMap.Elements("text"), t => t.Value == evaluation.ConfusionMatrix[3, 3].ToString(CultureInfo.InvariantCulture));
        Assert.Contains($"true 3, predicted 3: {evaluation.ConfusionMatrix[3, 3]}", cells[33].Element("title")!.Value);

        var perClass = page.Descendants("table").Single(t => t.Descendants("th").Any(h => h.Value == "f1-score"));
        Assert.Equal(13, perClass.Descendants("tbody").Single().Elements("tr").Count());   // 10 classes, accuracy, macro, weighted
        var images = page.Descendants("img").ToArray();
        Assert.Equal(evaluation.Mistakes.Count, images.Length);
        Assert.All(images, i => Assert.StartsWith("data:image/png;base64,", i.Attribute("src")!.Value));
        Assert.Contains($"true {evaluation.Mistakes[0].Label}", page.Descendants("figcaption").First().Value);

        var text = page.Root!.Value;
        foreach (var part in new[] { "Dense(784 → 16)", "(batch, 16)", "input (batch, 1, 28, 28)", "(batch, 8, 26, 26)", "12,730", "Sgd(LearningRate: 0.1)", "--lr", "given", "--epochs",
                                      "default", "compiled in 2.50 s", "1 min 05 s", "SHA-256", "cd34", "ab12", ".NET 10.0.0", "test accuracy 81.25%", "<&>" })
            Assert.Contains(part, text);
        Assert.DoesNotContain("\u001b", html);   // an ANSI escape is not an XML character
    }

    [Fact]
    public void Numbers_are_written_with_a_point_even_when_the_current_culture_uses_a_comma()
    {
        var folder = RunFolder("culture");
        var before = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = GermanLike();
            Assert.Equal("0,5", $"{0.5}");   // the culture is in force: culture-sensitive formatting would write commas
            var html = RunReport.Page(RunRecord.Read(folder));
            var comparison = RunComparison.Page([RunRecord.Read(folder)]);
            Assert.Contains("0.6543", html);         // val_loss, F4
            Assert.Contains("81.25%", html);         // val_accuracy, as a percentage
            Assert.Contains("0.4321", comparison);   // the last epoch's loss and accuracy
            Assert.Contains("88.00%", comparison);
            foreach (var page in new[] { html, comparison })   // no "0,65" nor "81,25%" (chart points are "x,y" pairs: left out)
                Assert.DoesNotMatch(@"\b0,\d|\d,\d\d%", Regex.Replace(page, @"points=""[^""]*""", ""));
            Assert.Contains("0.025", html);   // learning_rate, G4
            Assert.Contains("1.50", html);    // seconds, F2
            Assert.DoesNotMatch(@"points=""[^""]*\d,\d+,", html);   // chart coordinates: x,y pairs of invariant numbers
        }
        finally { CultureInfo.CurrentCulture = before; }
    }

    [Fact]
    public void The_comparison_overlays_each_runs_curves_and_tabulates_settings_and_results()
    {
        var (a, b) = (RunFolder("slow", lr: 0.01), RunFolder("fast", lr: 0.5));
        var path = RunComparison.Write([a, b], Path.Combine(_root, "compare.html"));
        var html = File.ReadAllText(path);
        var page = XDocument.Parse(html);
        AssertNoUrl(html);
        var loss = page.Descendants("svg").First(s => s.Elements("text").First().Value == "Loss");
        Assert.Equal(4, loss.Elements("polyline").Count());   // train and val for each run
        var legend = loss.Elements("text").Select(t => t.Value).ToArray();
        Assert.Contains("runs/slow train", legend);
        Assert.Contains("runs/fast val", legend);
        var table = page.Descendants("table").Single();
        Assert.Contains("--lr", table.Descendants("th").Select(h => h.Value));
        var rows = table.Descendants("tbody").Single().Elements("tr").Select(r => r.Elements("td").Select(d => d.Value).ToArray()).ToArray();
        Assert.Equal(["runs/slow", "runs/fast"], rows.Select(r => r[0]));
        Assert.Contains("0.01", rows[0]);
        Assert.Contains("0.5", rows[1]);
        Assert.Contains(rows[0], cell => cell.Contains("(mnist test)", StringComparison.Ordinal));
    }

    [Fact]
    public void A_metrics_line_cut_short_by_a_kill_is_left_out_but_a_bad_line_inside_is_an_error_naming_it()
    {
        var folder = RunFolder("killed");
        var metrics = Path.Combine(folder, "metrics.jsonl");
        File.AppendAllText(metrics, """{"epoch":2,"lo""");
        Assert.Equal(3, RunRecord.Read(folder).Epochs.Count);
        File.AppendAllText(metrics, "\n{\"epoch\": 3}\n");
        var e = Assert.Throws<DataFormatException>(() => RunRecord.Read(folder));
        Assert.Contains("metrics.jsonl: line 4", e.Message);
        Assert.Contains("not a run folder", Assert.Throws<FileNotFoundException>(() => RunRecord.Read(_root)).Message);
    }

    [Fact]
    public void Report_images_are_pngs_that_hold_the_pixels()
    {
        var pixels = Enumerable.Range(0, 6 * 4).Select(i => (byte)(i * 10)).ToArray();
        var png = Png.Grayscale(pixels, width: 4, height: 6);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        // Independent reading: IHDR says 4 × 6, 8-bit gray; the IDAT inflates to six filter-0 rows of our bytes.
        Assert.Equal((4, 6, 8, 0), (png[19], png[23], png[24], png[25]));
        var idat = png.AsSpan(33 + 8, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(33))).ToArray();
        using var inflated = new MemoryStream();
        using (var zlib = new System.IO.Compression.ZLibStream(new MemoryStream(idat), System.IO.Compression.CompressionMode.Decompress)) zlib.CopyTo(inflated);
        var rows = inflated.ToArray();
        Assert.Equal(6 * 5, rows.Length);
        for (var y = 0; y < 6; y++)
        {
            Assert.Equal(0, rows[y * 5]);
            Assert.Equal(pixels[(y * 4)..(y * 4 + 4)], rows[(y * 5 + 1)..(y * 5 + 5)]);
        }
        // The CRC of IEND is the constant every PNG ends with.
        Assert.Equal([0xAE, 0x42, 0x60, 0x82], png[^4..]);
    }

    static void AssertNoUrl(string html)
    {
        Assert.DoesNotMatch(@"(?i)\b(https?|ftp|file|wss?):", html);
        Assert.DoesNotMatch(@"(?i)\b(href|xmlns|xlink:href)\s*=", html);
        Assert.DoesNotMatch(@"(?i)url\(|@import|<script|<link|<iframe", html);
        foreach (Match m in Regex.Matches(html, @"(?i)\bsrc\s*=\s*""([^""]*)"""))
            Assert.StartsWith("data:", m.Groups[1].Value);
    }

    // de-DE as far as numbers go. The projects run with InvariantGlobalization, where "de-DE" itself cannot be created,
    // so the invariant culture is cloned and given German separators.
    static CultureInfo GermanLike()
    {
        try { return new CultureInfo("de-DE"); }
        catch (CultureNotFoundException)
        {
            var culture = (CultureInfo)CultureInfo.InvariantCulture.Clone();
            culture.NumberFormat.NumberDecimalSeparator = culture.NumberFormat.PercentDecimalSeparator = ",";
            culture.NumberFormat.NumberGroupSeparator = culture.NumberFormat.PercentGroupSeparator = ".";
            return culture;
        }
    }

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); }
        catch (IOException) { }
    }
}
