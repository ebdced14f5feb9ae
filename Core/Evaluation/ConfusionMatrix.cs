namespace Nabla.Evaluation;

/// <summary>
/// Counts of (true class, predicted class) pairs: <c>this[t, p]</c> is the number of samples of class t predicted as p.
/// Rows are true classes, columns predicted ones, as in scikit-learn's <c>confusion_matrix</c> and Keras's
/// <c>tf.math.confusion_matrix</c>: row sums are each class's support, column sums how often it was predicted.
/// </summary>
public sealed class ConfusionMatrix
{
    readonly int[,] _counts;

    ConfusionMatrix(int[,] counts) => _counts = counts;

    /// <summary>The matrix of <paramref name="actual"/> against <paramref name="predicted"/> over classes 0..classes−1.</summary>
    public static ConfusionMatrix Of(IReadOnlyList<int> actual, IReadOnlyList<int> predicted, int classes)
    {
        if (classes <= 0) throw new ArgumentOutOfRangeException(nameof(classes), classes, "ConfusionMatrix: classes must be positive.");
        if (actual.Count != predicted.Count)
            throw new ArgumentException($"ConfusionMatrix: {actual.Count} labels but {predicted.Count} predictions.");
        var counts = new int[classes, classes];
        for (var i = 0; i < actual.Count; i++)
        {
            if ((uint)actual[i] >= classes || (uint)predicted[i] >= classes)
                throw new ArgumentOutOfRangeException(nameof(actual),
                    $"ConfusionMatrix: sample {i} has label {actual[i]} and prediction {predicted[i]}; classes are 0..{classes - 1}.");
            counts[actual[i], predicted[i]]++;
        }
        return new(counts);
    }

    /// <summary>A matrix from counts[true, predicted] (copied).</summary>
    public static ConfusionMatrix FromCounts(int[,] counts)
    {
        if (counts.GetLength(0) == 0 || counts.GetLength(0) != counts.GetLength(1))
            throw new ArgumentException($"ConfusionMatrix: counts must be a square table of at least 1 class, got {counts.GetLength(0)}×{counts.GetLength(1)}.", nameof(counts));
        return new((int[,])counts.Clone());
    }

    /// <summary>Number of classes n (the matrix is n × n).</summary>
    public int Classes => _counts.GetLength(0);

    /// <summary>Samples of class <paramref name="actual"/> predicted as <paramref name="predicted"/>.</summary>
    public int this[int actual, int predicted] => _counts[actual, predicted];

    /// <summary>All samples: Σ counts.</summary>
    public int Total => _counts.Cast<int>().Sum();

    /// <summary>Correctly classified samples: the trace Σ_k counts[k, k].</summary>
    public int Correct => Enumerable.Range(0, Classes).Sum(k => _counts[k, k]);

    /// <summary>Support of class k (how many samples truly are k): the row sum Σ_p counts[k, p].</summary>
    public int Support(int k) => Enumerable.Range(0, Classes).Sum(p => _counts[k, p]);

    /// <summary>How often class k was predicted: the column sum Σ_t counts[t, k].</summary>
    public int PredictedCount(int k) => Enumerable.Range(0, Classes).Sum(t => _counts[t, k]);

    /// <summary>A copy of counts[true, predicted].</summary>
    public int[,] ToArray() => (int[,])_counts.Clone();

    /// <summary>Prints the totals: "ConfusionMatrix(10 classes, 10000 samples, 9812 correct)".</summary>
    public override string ToString() => $"ConfusionMatrix({Classes} classes, {Total} samples, {Correct} correct)";
}
