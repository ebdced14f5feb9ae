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

    /// <summary>Number of rows whose predicted class (as <see cref="PredictedClasses"/> gives it) equals the label.</summary>
    public static int CorrectCount<T>(Matrix<T> probabilities, IReadOnlyList<int> labels) where T : struct, IFloatingPointIeee754<T>
    {
        var (rows, columns, values) = (probabilities.RowCount, probabilities.ColumnCount, Kernels.Values(probabilities));
        if (rows != labels.Count)
            throw new ShapeException($"Accuracy: {rows} predictions but {labels.Count} labels.");
        var half = T.CreateChecked(0.5);
        var correct = 0;
        for (var i = 0; i < rows; i++)   // row by row, no array of predictions: Fit counts at every step
        {
            var predicted = 0;
            if (columns == 1) predicted = values[i] >= half ? 1 : 0;
            else
            {
                var best = values[i];   // the first largest, as ArgMaxRows
                for (var j = 1; j < columns; j++)
                    if (values[j * rows + i] > best) (best, predicted) = (values[j * rows + i], j);
            }
            if (predicted == labels[i]) correct++;
        }
        return correct;
    }

    /// <summary>Fraction of rows whose predicted class equals the label: NaN (0/0) when there are no rows.</summary>
    public static double Accuracy<T>(Matrix<T> probabilities, IReadOnlyList<int> labels) where T : struct, IFloatingPointIeee754<T> =>
        (double)CorrectCount(probabilities, labels) / labels.Count;   // CorrectCount refuses rows without labels
}
