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
