using MathNet.Numerics.LinearAlgebra;
using Nabla.Data;
using Nabla.Losses;
using Nabla.Models;
using Nabla.Training;

namespace Nabla.Evaluation;

/// <summary><c>model.Evaluate(test, loss)</c>: Keras's <c>evaluate</c>, returning every figure a report needs.</summary>
public static class EvaluateExtensions
{
    /// <summary>The model's <see cref="EvaluationResult"/> on <paramref name="data"/> in inference mode. Loss = Σ_i L_i / N + Σ R(θ),
    /// computed as Fit computes val_loss. Classification (labelled data): predictions, top-k accuracy for k ≤ 5, and up to
    /// <paramref name="gallery"/> mistakes, most confident first, with pixels when rows are images of
    /// <paramref name="imageShape"/> (default: a square image when the feature count is a square ≥ 64). Regression: MAE,
    /// RMSE, R² and, with <paramref name="tolerance"/>, the fraction within it. The script host keeps every evaluation
    /// for the run's report (evaluation.json, report.html).</summary>
    public static EvaluationResult Evaluate<T>(this Sequential<T> model, Dataset data, ILoss loss, int batchSize = 1000,
        IReadOnlyList<string>? classNames = null, double? tolerance = null, int gallery = 24, ImageShape? imageShape = null,
        double zeroDivision = 0)
        where T : struct, IFloatingPointIeee754<T>
    {
        if (data.Count == 0) throw new ArgumentException($"Evaluate: the dataset {data.Name} is empty.");
        if (gallery < 0) throw new ArgumentOutOfRangeException(nameof(gallery), gallery, "Evaluate: gallery must be ≥ 0.");
        if (classNames is not null && data.Labels is not null && classNames.Count != data.Classes)
            throw new ArgumentException($"Evaluate: {classNames.Count} class names for the {data.Classes} classes of {data.Name}.", nameof(classNames));
        if (imageShape is not null && imageShape.Pixels != data.FeatureCount)
            throw new ShapeException($"Evaluate: images of {imageShape} are {imageShape.Pixels} pixels, but {data.Name} has {data.FeatureCount} features per row.");

        var (value, _) = model.Validate(data, loss, batchSize);   // the same figure as Fit's val_loss
        var outputs = Matrix<T>.Build.Dense(data.Count, model.OutputShape(data.SampleShape).Size);   // labels in one column: still a column per class
        foreach (var batch in Batches.Of<T>(data, batchSize))
        {
            var predicted = loss.Activate(model.Forward(batch.X, data.SampleShape));
            for (var r = 0; r < batch.Size; r++)
                for (var c = 0; c < predicted.ColumnCount; c++) outputs[batch.Indices[r], c] = predicted[r, c];
        }

        EvaluationResult result;
        if (data.Labels is { } labels)
        {
            var classification = Classify(outputs, data, labels, classNames, gallery, imageShape ?? ImageShape.Guess(data.FeatureCount), zeroDivision);
            var correct = labels.Where((label, i) => classification.Predicted[i] == label).Count();
            result = new(data.Name, data.Count, loss.Name, value, (double)correct / data.Count, classification, null);
        }
        else
        {
            var targets = Kernels.FromRowMajor<T>(data.Count, data.TargetCount, data.Targets.Select(v => (double)v).ToArray());
            result = new(data.Name, data.Count, loss.Name, value, null, null, RegressionMetrics.From(outputs, targets, tolerance));
        }
        foreach (var observer in EvaluationObservers.Ambient) observer(result);
        return result;
    }

    static ClassificationEvaluation Classify<T>(Matrix<T> probabilities, Dataset data, int[] labels, IReadOnlyList<string>? names,
        int gallery, ImageShape? images, double zeroDivision) where T : struct, IFloatingPointIeee754<T>
    {
        var predicted = Metrics.PredictedClasses(probabilities);
        var classes = data.Classes;
        var topK = Enumerable.Range(1, Math.Min(5, classes)).Select(k => TopK.Accuracy(probabilities, labels, k)).ToArray();
        var wrong = Enumerable.Range(0, data.Count).Where(i => predicted[i] != labels[i]).ToArray();
        var mistakes = wrong
            .Select(i => (Index: i, Top: TopK.Best(probabilities, i, 3)))   // the best three (both classes of two)
            .OrderByDescending(m => m.Top[0].Score).ThenBy(m => m.Index)   // the most confident mistakes first
            .Take(gallery)
            .Select(m => new Misclassified(m.Index, labels[m.Index], predicted[m.Index], m.Top[0].Score,
                m.Top.Select(t => (t.Class, t.Score)).ToArray(), images is null ? null : Pixels(data, m.Index)))
            .ToArray();
        return new(names ?? ClassNames.Default(classes), labels, predicted, topK, mistakes, wrong.Length, images, zeroDivision);
    }

    // A row's features as bytes: inputs in [0, 1] (scaled pixels) map to round(255·v); any other range is stretched min–max.
    static byte[] Pixels(Dataset data, int index)
    {
        var row = data.Features.AsSpan(index * data.FeatureCount, data.FeatureCount);
        float min = float.MaxValue, max = float.MinValue;
        foreach (var v in row) (min, max) = (Math.Min(min, v), Math.Max(max, v));
        var (low, range) = min >= 0 && max <= 1 ? (0f, 1f) : (min, Math.Max(max - min, 1e-12f));
        var pixels = new byte[row.Length];
        for (var i = 0; i < row.Length; i++) pixels[i] = (byte)Math.Clamp(MathF.Round(255 * (row[i] - low) / range), 0, 255);
        return pixels;
    }
}

/// <summary>Who hears of every <c>model.Evaluate</c> in this async flow (the script host, for the run's report). Only
/// watches: it changes no result.</summary>
public static class EvaluationObservers
{
    static readonly AsyncLocal<IReadOnlyList<Action<EvaluationResult>>?> current = new();

    /// <summary>The observers in force.</summary>
    public static IReadOnlyList<Action<EvaluationResult>> Ambient => current.Value ?? [];

    /// <summary>Calls <paramref name="observer"/> after each Evaluate in the current async flow; dispose to stop.</summary>
    public static IDisposable Add(Action<EvaluationResult> observer)
    {
        var before = current.Value;
        current.Value = [.. Ambient, observer];
        return new Restore(() => current.Value = before);
    }

    sealed class Restore(Action undo) : IDisposable
    {
        public void Dispose() => undo();
    }
}
