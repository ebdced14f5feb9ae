using System.Xml.Linq;
using Nabla.Reporting;

namespace Nabla.Tests.Reporting;

/// <summary>loss.svg and accuracy.svg from a History where some epochs lack some figures.</summary>
public sealed class TrainingChartsTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("nabla-charts-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    static XNamespace Svg => "http://www.w3.org/2000/svg";

    // Epoch, loss, accuracy, val_loss, val_accuracy, seconds.
    static readonly EpochMetrics[] History =
    [
        new(1, 0.9, null, 0.8, null, 1.0),
        new(2, 0.5, 0.8, null, null, 1.0),
        new(3, 0.3, 0.9, 0.6, 0.85, 1.0),
    ];

    [Fact]
    public void Loss_plots_every_epochs_loss_and_the_val_loss_of_the_epochs_that_have_one()
    {
        // x 1 … 3 → 64 … 620; y ticks 0.2 … 1.0 → 348 … 36 (py = 348 − (y − 0.2)/0.8 · 312).
        var doc = XDocument.Parse(TrainingCharts.Loss(History));
        Assert.Equal("Loss", doc.Root!.Elements(Svg + "text").First().Value);
        Assert.Equal(["64.0,75.0 342.0,231.0 620.0,309.0", "64.0,114.0 620.0,192.0"], doc.Descendants(Svg + "polyline").Select(p => p.Attribute("points")!.Value));
        Assert.Equal(["loss", "val_loss"], Legend(doc));
        Assert.Equal(("epoch", "loss"), Axes(doc));
    }

    [Fact]
    public void Accuracy_plots_the_epochs_that_have_each_figure()
    {
        var doc = XDocument.Parse(TrainingCharts.Accuracy(History));
        Assert.Equal("Accuracy", doc.Root!.Elements(Svg + "text").First().Value);
        Assert.Equal(["accuracy", "val_accuracy"], Legend(doc));
        Assert.Equal(("epoch", "accuracy"), Axes(doc));
        Assert.Equal(2, doc.Descendants(Svg + "polyline").Single().Attribute("points")!.Value.Split(' ').Length);   // epochs 2 and 3
        Assert.Equal([2, 1], new[] { "#1f77b4", "#ff7f0e" }.Select(c => doc.Descendants(Svg + "circle").Count(m => m.Attribute("fill")!.Value == c)));
    }

    [Fact]
    public void Write_saves_loss_svg_and_accuracy_svg_only_when_some_epoch_has_an_accuracy()
    {
        var folder = Path.Combine(_dir, "a", "charts");   // made when missing
        var written = TrainingCharts.Write(History, folder);
        Assert.Equal([Path.Combine(folder, "loss.svg"), Path.Combine(folder, "accuracy.svg")], written);
        Assert.Equal(TrainingCharts.Loss(History), File.ReadAllText(written[0]));
        Assert.Equal(TrainingCharts.Accuracy(History), File.ReadAllText(written[1]));

        var lossOnly = History.Select(m => m with { Accuracy = null, ValAccuracy = null }).ToArray();
        Assert.Equal([Path.Combine(_dir, "b", "loss.svg")], TrainingCharts.Write(lossOnly, Path.Combine(_dir, "b")));
        Assert.False(File.Exists(Path.Combine(_dir, "b", "accuracy.svg")));
        var validationOnly = lossOnly.Select(m => m with { ValAccuracy = 0.5 }).ToArray();
        Assert.Equal(2, TrainingCharts.Write(validationOnly, Path.Combine(_dir, "c")).Count);
    }

    // The x-axis label is centred under the plot (y = 384), the y-axis label turned upright.
    static (string X, string Y) Axes(XDocument doc) => (doc.Root!.Elements(Svg + "text").Single(t => t.Attribute("y")!.Value == "384").Value,
        doc.Root!.Elements(Svg + "text").Single(t => t.Attribute("transform") is not null).Value);

    static string[] Legend(XDocument doc) => doc.Root!.Elements(Svg + "text").Where(t => t.Attribute("text-anchor") is null).Select(t => t.Value).ToArray();
}
