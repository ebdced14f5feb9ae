using System.Globalization;
using System.Xml.Linq;
using Nabla.Reporting;

namespace Nabla.Tests.Reporting;

public class ChartTests
{
    static readonly EpochMetrics[] History =
    [
        new(1, 0.9, 0.70, 0.8, 0.75, 1.0),
        new(2, 0.5, 0.85, 0.6, 0.84, 1.0),
        new(3, 0.3, 0.91, 0.5, 0.88, 1.0),
    ];

    static XNamespace Svg => "http://www.w3.org/2000/svg";

    [Fact]
    public void Training_curves_are_well_formed_svg_with_one_line_per_series()
    {
        var loss = XDocument.Parse(TrainingCharts.Loss(History));
        Assert.Equal(2, loss.Descendants(Svg + "polyline").Count());
        Assert.Contains(loss.Descendants(Svg + "text"), t => t.Value == "val_loss");
        var accuracy = XDocument.Parse(TrainingCharts.Accuracy(History));
        Assert.Equal(3, accuracy.Descendants(Svg + "polyline").First().Attribute("points")!.Value.Split(' ').Length);
    }

    [Fact]
    public void The_legend_sits_below_the_plot_area_and_never_over_a_curve()
    {
        var names = Enumerable.Range(0, 9).Select(i => $"a long series name number {i}").ToArray();
        var doc = XDocument.Parse(Chart.Line("t", "x", "y", names.Select((n, i) => new Series(n, [(0.0, i), (1.0, 9.0 - i)])).ToArray(), width: 400));
        var plot = doc.Descendants(Svg + "rect").Single(r => (string?)r.Attribute("stroke") == "#888");
        var bottom = double.Parse(plot.Attribute("y")!.Value, CultureInfo.InvariantCulture) + double.Parse(plot.Attribute("height")!.Value, CultureInfo.InvariantCulture);
        var height = double.Parse(doc.Root!.Attribute("height")!.Value, CultureInfo.InvariantCulture);
        var keys = doc.Descendants(Svg + "line").Where(l => (string?)l.Attribute("stroke-width") == "3").ToArray();
        Assert.Equal(names.Length, keys.Length);
        foreach (var key in keys)
        {
            var y = double.Parse(key.Attribute("y1")!.Value, CultureInfo.InvariantCulture);
            Assert.InRange(y, bottom + 30, height);   // below the plot and its x labels, inside the picture
        }
        Assert.True(keys.Select(k => k.Attribute("y1")!.Value).Distinct().Count() > 1, "long names wrap onto more rows");
        foreach (var label in doc.Descendants(Svg + "text").Where(t => names.Contains(t.Value)))
            Assert.True(double.Parse(label.Attribute("x")!.Value, CultureInfo.InvariantCulture) + 7 * label.Value.Length <= 400, $"{label.Value} runs off the chart");
    }

    [Fact]
    public void Epoch_axes_get_whole_number_ticks()
    {
        var doc = XDocument.Parse(Chart.Line("t", "epoch", "y", [new("s", [(1.0, 10.0), (2.0, 30.0)])]));   // y ticks 10, 15, …: whole too
        var labels = doc.Descendants(Svg + "text").Select(t => t.Value).ToArray();
        Assert.Contains("2", labels);
        Assert.DoesNotContain(labels, l => l.StartsWith("1.", StringComparison.Ordinal));   // no tick at epoch 1.2, 1.4, …
    }

    [Fact]
    public void Higher_values_are_drawn_higher()
    {
        var doc = XDocument.Parse(Chart.Line("t", "x", "y", [new("s", [(1.0, 1.0), (2.0, 3.0)])]));
        var ys = doc.Descendants(Svg + "circle").Select(c => double.Parse(c.Attribute("cy")!.Value, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.True(ys[1] < ys[0], "SVG y grows downwards: the larger value must have the smaller cy");
    }

    [Fact]
    public void Log_axis_ticks_are_powers_of_ten_and_nan_points_are_skipped()
    {
        var doc = XDocument.Parse(Chart.Line("sweep", "learning rate", "loss", [new("loss", [(1e-3, 2.0), (1e-2, 1.0), (1e-1, double.NaN), (1.0, 0.5)])], logX: true));
        var labels = doc.Descendants(Svg + "text").Select(t => t.Value).ToArray();
        Assert.Contains("0.001", labels);
        Assert.Contains("1", labels);
        Assert.Equal(3, doc.Descendants(Svg + "circle").Count());
    }

    [Fact]
    public void Confusion_matrix_table_shows_counts_and_recall()
    {
        var counts = ConfusionMatrix.Of([0, 0, 1, 1, 1], [0, 1, 1, 1, 0], 2);
        Assert.Equal(1, counts[0, 1]);
        var text = ConfusionMatrixText.Format(counts, ["cat", "dog"]);
        Assert.Contains("50.0%", text);
        Assert.Contains("66.7%", text);
        Assert.Contains("dog", text);
    }

    [Fact]
    public void A_confusion_matrix_with_the_wrong_number_of_names_or_not_square_is_refused_clearly()
    {
        Assert.Contains("3 class names for 2 classes", Assert.Throws<ArgumentException>(() => ConfusionMatrixText.Format(new int[2, 2], ["a", "b", "c"])).Message);
        Assert.Contains("square table", Assert.Throws<ArgumentException>(() => ConfusionMatrixText.Format(new int[2, 3])).Message);
        Assert.Contains("square table", Assert.Throws<ArgumentException>(() => ConfusionMatrixText.Format(new int[0, 0])).Message);
    }
}
