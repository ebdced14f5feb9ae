using System.Globalization;
using System.Text;

namespace Nabla.Evaluation;

/// <summary>
/// A model's figures on a dataset, as <c>model.Evaluate(test, loss)</c> returns them: the loss (mean over samples plus
/// the regularization penalty, as Fit's val_loss), accuracy, and either the classification details (predictions,
/// confusion matrix, per-class report, top-k accuracy, the most confident mistakes) or the regression figures.
/// Deconstructs to (loss, accuracy) as Keras's <c>evaluate</c> returns them.
/// </summary>
public sealed record EvaluationResult(string Dataset, int Samples, string LossName, double Loss, double? Accuracy,
    ClassificationEvaluation? Classification, RegressionMetrics? Regression)
{
    /// <summary><c>var (loss, accuracy) = model.Evaluate(test, loss);</c></summary>
    public void Deconstruct(out double loss, out double? accuracy) => (loss, accuracy) = (Loss, Accuracy);

    /// <summary>Loss, accuracy and top-k, then the classification report (or the regression figures).</summary>
    public override string ToString()
    {
        var text = new StringBuilder(Invariant($"{Dataset}: {Samples} samples, {LossName} {Loss:F4}"));
        if (Accuracy is { } accuracy) text.Append(Invariant($", accuracy {100 * accuracy:F2}%"));
        if (Classification is { } c)
        {
            foreach (var (k, value) in c.TopKAccuracy.Select((v, i) => (i + 1, v)).Skip(1).Take(2))
                text.Append(Invariant($", top-{k} {100 * value:F2}%"));
            text.AppendLine().AppendLine().Append(c.Report);
        }
        if (Regression is { } r)
        {
            text.Append(Invariant($", MAE {r.Mae:G4}, RMSE {r.Rmse:G4}, R² {r.R2:F4}"));
            if (r.WithinTolerance is { } within) text.Append(Invariant($", within ±{r.Tolerance:G3}: {100 * within:F2}%"));
        }
        return text.ToString();
    }

    static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// The classification side of an <see cref="EvaluationResult"/>: every sample's true and predicted class, top-k accuracy for
/// k = 1..min(5, classes) (<see cref="TopKAccuracy"/>[k − 1]), and the misclassified samples with the highest
/// confidence (at most the gallery size asked for), with their pixels when the inputs are images.
/// </summary>
public sealed record ClassificationEvaluation(IReadOnlyList<string> ClassNames, int[] Labels, int[] Predicted,
    IReadOnlyList<double> TopKAccuracy, IReadOnlyList<Misclassified> Mistakes, int MistakeCount, ImageShape? Images,
    double ZeroDivision = 0)
{
    /// <summary>counts[true, predicted] over every sample.</summary>
    public ConfusionMatrix ConfusionMatrix => ConfusionMatrix.Of(Labels, Predicted, ClassNames.Count);

    /// <summary>Per-class precision, recall, F1 and support, with macro and weighted averages.</summary>
    public ClassificationReport Report => ClassificationReport.From(ConfusionMatrix, ClassNames, ZeroDivision);

    /// <summary>Prints the totals: "ClassificationEvaluation(10000 samples, 10 classes, 188 mistakes)".</summary>
    public override string ToString() => $"ClassificationEvaluation({Labels.Length} samples, {ClassNames.Count} classes, {MistakeCount} mistakes)";
}

/// <summary>A sample the model got wrong: its index in the dataset, true and predicted class, the probability of the
/// predicted class, the best three classes with their probabilities, and its pixels (Height × Width bytes, row-major,
/// 0 black … 255 white) when the inputs are images.</summary>
public sealed record Misclassified(int Index, int Label, int Predicted, double Confidence,
    IReadOnlyList<(int Class, double Probability)> Top, byte[]? Pixels)
{
    /// <summary>Prints "sample 42: true 7, predicted 1 (93.5%)".</summary>
    public override string ToString() => Invariant($"sample {Index}: true {Label}, predicted {Predicted} ({100 * Confidence:F1}%)");

    static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The height and width of the images a dataset's rows hold (rows are Height × Width pixels, row-major).</summary>
public sealed record ImageShape(int Height, int Width)
{
    /// <summary>A square image when <paramref name="features"/> is a square of 8 or more (784 → 28 × 28), else null.</summary>
    public static ImageShape? Guess(int features)
    {
        var side = (int)Math.Round(Math.Sqrt(features));
        return side >= 8 && side * side == features ? new(side, side) : null;
    }

    /// <summary>Height · Width.</summary>
    public int Pixels => Height * Width;

    /// <summary>Prints "28×28": height × width.</summary>
    public override string ToString() => $"{Height}×{Width}";
}
