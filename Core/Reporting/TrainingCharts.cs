using Nabla.Training;

namespace Nabla.Reporting;

/// <summary>The loss and accuracy curves of a training run, as SVG charts (training and validation per epoch).</summary>
public static class TrainingCharts
{
    /// <summary>loss and val_loss per epoch.</summary>
    public static string Loss(IReadOnlyList<EpochMetrics> history) => Chart.Line("Loss", "epoch", "loss",
    [
        new("loss", history.Select(m => ((double)m.Epoch, m.Loss)).ToArray()),
        new("val_loss", history.Where(m => m.ValLoss.HasValue).Select(m => ((double)m.Epoch, m.ValLoss!.Value)).ToArray()),
    ]);

    /// <summary>accuracy and val_accuracy per epoch.</summary>
    public static string Accuracy(IReadOnlyList<EpochMetrics> history) => Chart.Line("Accuracy", "epoch", "accuracy",
    [
        new("accuracy", history.Where(m => m.Accuracy.HasValue).Select(m => ((double)m.Epoch, m.Accuracy!.Value)).ToArray()),
        new("val_accuracy", history.Where(m => m.ValAccuracy.HasValue).Select(m => ((double)m.Epoch, m.ValAccuracy!.Value)).ToArray()),
    ]);

    /// <summary>Writes loss.svg and accuracy.svg (when there is accuracy) into <paramref name="folder"/>; returns the paths.</summary>
    public static IReadOnlyList<string> Write(IReadOnlyList<EpochMetrics> history, string folder)
    {
        Directory.CreateDirectory(folder);
        var written = new List<string> { Path.Combine(folder, "loss.svg") };
        File.WriteAllText(written[0], Loss(history));
        if (history.Any(m => m.Accuracy.HasValue || m.ValAccuracy.HasValue))
        {
            written.Add(Path.Combine(folder, "accuracy.svg"));
            File.WriteAllText(written[1], Accuracy(history));
        }
        return written;
    }
}
