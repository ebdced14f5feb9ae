namespace Nabla.Tests.Evaluation;

/// <summary>The confusion matrix's counts, sums and refusals, on a hand-made asymmetric case (each row sum, column sum
/// and the trace differ, so a transposed table, a sum read as a maximum or a count read as a sum all show).</summary>
public class ConfusionMatrixTests
{
    //                               predicted 0  1  2
    static readonly int[,] Counts = { { 3, 0, 1 },    // true 0: support 4
                                      { 2, 1, 0 },    // true 1: support 3
                                      { 0, 0, 0 } };  // true 2: support 0, predicted once

    [Fact]
    public void Counts_pairs_with_true_classes_in_rows_and_sums_rows_columns_and_the_trace()
    {
        var m = ConfusionMatrix.Of([0, 0, 1, 0, 1, 0, 1], [0, 0, 0, 2, 0, 0, 1], 3);
        Assert.Equal(Counts, m.ToArray());
        Assert.Equal(3, m.Classes);
        Assert.Equal((2, 0), (m[1, 0], m[0, 1]));
        Assert.Equal(7, m.Total);
        Assert.Equal(4, m.Correct);
        Assert.Equal([4, 3, 0], Enumerable.Range(0, 3).Select(m.Support));
        Assert.Equal([5, 1, 1], Enumerable.Range(0, 3).Select(m.PredictedCount));
        Assert.Equal("ConfusionMatrix(3 classes, 7 samples, 4 correct)", m.ToString());
    }

    [Fact]
    public void The_last_class_and_one_class_are_in_range()
    {
        Assert.Equal(1, ConfusionMatrix.Of([2], [2], 3)[2, 2]);
        Assert.Equal(new[,] { { 2 } }, ConfusionMatrix.Of([0, 0], [0, 0], 1).ToArray());
        Assert.Equal(0, ConfusionMatrix.Of([], [], 2).Total);
    }

    [Fact]
    public void From_counts_copies_the_table_in_and_out()
    {
        var counts = (int[,])Counts.Clone();
        var m = ConfusionMatrix.FromCounts(counts);
        counts[0, 0] = 100;
        Assert.Equal(3, m[0, 0]);
        m.ToArray()[0, 0] = 100;
        Assert.Equal(3, m[0, 0]);
        Assert.Equal(Counts, m.ToArray());
    }

    [Fact]
    public void Refuses_no_classes_a_count_mismatch_and_labels_outside_the_classes_naming_the_sample()
    {
        var none = Assert.Throws<ArgumentOutOfRangeException>(() => ConfusionMatrix.Of([], [], 0));
        Assert.Equal("ConfusionMatrix: classes must be positive. (Parameter 'classes')\nActual value was 0.", none.Message);
        Assert.Equal("ConfusionMatrix: 2 labels but 1 predictions.",
            Assert.Throws<ArgumentException>(() => ConfusionMatrix.Of([0, 1], [0], 2)).Message);
        Assert.Equal("ConfusionMatrix: sample 1 has label 2 and prediction 0; classes are 0..1. (Parameter 'actual')",
            Assert.Throws<ArgumentOutOfRangeException>(() => ConfusionMatrix.Of([0, 2], [0, 0], 2)).Message);
        Assert.Equal("ConfusionMatrix: sample 0 has label 1 and prediction 2; classes are 0..1. (Parameter 'actual')",
            Assert.Throws<ArgumentOutOfRangeException>(() => ConfusionMatrix.Of([1], [2], 2)).Message);
        Assert.Contains("label -1 and prediction 0",
            Assert.Throws<ArgumentOutOfRangeException>(() => ConfusionMatrix.Of([-1], [0], 2)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void From_counts_refuses_an_empty_or_non_square_table()
    {
        Assert.Equal("ConfusionMatrix: counts must be a square table of at least 1 class, got 0×0. (Parameter 'counts')",
            Assert.Throws<ArgumentException>(() => ConfusionMatrix.FromCounts(new int[0, 0])).Message);
        Assert.Contains("got 2×3.", Assert.Throws<ArgumentException>(() => ConfusionMatrix.FromCounts(new int[2, 3])).Message, StringComparison.Ordinal);
        Assert.Contains("got 3×2.", Assert.Throws<ArgumentException>(() => ConfusionMatrix.FromCounts(new int[3, 2])).Message, StringComparison.Ordinal);
        Assert.Equal(1, ConfusionMatrix.FromCounts(new int[1, 1]).Classes);
    }
}
