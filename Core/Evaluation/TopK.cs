using MathNet.Numerics.LinearAlgebra;

namespace Nabla.Evaluation;

/// <summary>
/// Top-k accuracy (Keras's <c>top_k_categorical_accuracy</c>, scikit-learn's <c>top_k_accuracy_score</c>): the fraction
/// of rows whose true class is among the k highest scores. scores: N × classes (probabilities or logits; N × 1 for a
/// sigmoid output is read as [1 − p, p]). Equal scores rank the lower class index first, as argmax does.
/// </summary>
public static class TopK
{
    /// <summary>Fraction of rows i with rank(labels[i]) &lt; k, where rank counts the classes scored above the true one.</summary>
    public static double Accuracy<T>(Matrix<T> scores, IReadOnlyList<int> labels, int k) where T : struct, IFloatingPointIeee754<T>
    {
        if (k <= 0) throw new ArgumentOutOfRangeException(nameof(k), k, "TopK: k must be positive.");
        if (scores.RowCount != labels.Count)
            throw new ShapeException($"TopK: {Shape.Of(scores)} scores but {labels.Count} labels.");
        if (labels.Count == 0) return double.NaN;
        var hits = 0;
        for (var i = 0; i < labels.Count; i++)
            if (Rank(scores, i, labels[i]) < k) hits++;
        return (double)hits / labels.Count;
    }

    /// <summary>The k classes of row <paramref name="row"/> with the highest scores, best first, with their scores.</summary>
    public static (int Class, double Score)[] Best<T>(Matrix<T> scores, int row, int k) where T : struct, IFloatingPointIeee754<T>
    {
        var classes = Classes(scores);
        return Enumerable.Range(0, classes)
            .Select(c => (Class: c, Score: Score(scores, row, c)))
            .OrderByDescending(p => p.Score).ThenBy(p => p.Class)   // stable order: ties keep the lower index first
            .Take(k).ToArray();
    }

    /// <summary>How many classes rank before <paramref name="label"/> in row <paramref name="row"/> (0: it is the argmax).</summary>
    public static int Rank<T>(Matrix<T> scores, int row, int label) where T : struct, IFloatingPointIeee754<T>
    {
        var classes = Classes(scores);
        if ((uint)label >= classes) throw new ArgumentOutOfRangeException(nameof(label), $"TopK: label {label} at row {row} is outside 0..{classes - 1}.");
        var own = Score(scores, row, label);
        var rank = 0;
        for (var c = 0; c < classes; c++)
        {
            var s = Score(scores, row, c);
            if (s > own || (s == own && c < label)) rank++;
        }
        return rank;
    }

    static int Classes<T>(Matrix<T> scores) where T : struct, IFloatingPointIeee754<T> => scores.ColumnCount == 1 ? 2 : scores.ColumnCount;

    static double Score<T>(Matrix<T> scores, int row, int c) where T : struct, IFloatingPointIeee754<T>
    {
        if (scores.ColumnCount > 1) return double.CreateChecked(scores[row, c]);
        var p = double.CreateChecked(scores[row, 0]);   // one sigmoid column: P(class 1)
        return c == 1 ? p : 1 - p;
    }
}
