using MathNet.Numerics.LinearAlgebra;

namespace Nabla.Training;

/// <summary>Classification metrics over predictions (batch × classes, or batch × 1 probabilities for binary).</summary>
public static class Metrics
{
    /// <summary>The predicted class of each row: argmax, or (one column) 1 when the probability is ≥ 0.5.</summary>
    public static int[] PredictedClasses<T>(Matrix<T> probabilities) where T : struct, IFloatingPointIeee754<T>
    {
        if (probabilities.ColumnCount > 1) return Kernels.ArgMaxRows(probabilities);
        var half = T.CreateChecked(0.5);
        return Kernels.Values(probabilities).Select(p => p >= half ? 1 : 0).ToArray();
    }

    /// <summary>Number of rows whose predicted class equals the label.</summary>
    public static int CorrectCount<T>(Matrix<T> probabilities, IReadOnlyList<int> labels) where T : struct, IFloatingPointIeee754<T>
    {
        var predicted = PredictedClasses(probabilities);
        if (predicted.Length != labels.Count)
            throw new ShapeException($"Accuracy: {predicted.Length} predictions but {labels.Count} labels.");
        var correct = 0;
        for (var i = 0; i < predicted.Length; i++)
            if (predicted[i] == labels[i]) correct++;
        return correct;
    }

    /// <summary>Fraction of rows whose predicted class equals the label.</summary>
    public static double Accuracy<T>(Matrix<T> probabilities, IReadOnlyList<int> labels) where T : struct, IFloatingPointIeee754<T> =>
        labels.Count == 0 ? double.NaN : (double)CorrectCount(probabilities, labels) / labels.Count;
}
