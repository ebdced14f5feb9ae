namespace Nabla.Tests.Evaluation;

/// <summary>Top-k accuracy, ranks and the best classes of a row, by hand, with ties, a sigmoid column and every refusal.</summary>
public class TopKTests
{
    // Row 0: class 2 best, then 0, then 1. Row 1: classes 0 and 1 tied, 2 last. Row 2: 1, then 2, then 0.
    static readonly Matrix<double> Scores = Matrix<double>.Build.DenseOfRowArrays([0.3, 0.1, 0.6], [0.45, 0.45, 0.1], [0.1, 0.7, 0.2]);

    [Fact]
    public void Ranks_count_the_classes_scored_above_and_the_lower_index_of_a_tie()
    {
        Assert.Equal([1, 2, 0], Enumerable.Range(0, 3).Select(c => TopK.Rank(Scores, 0, c)));
        Assert.Equal([0, 1, 2], Enumerable.Range(0, 3).Select(c => TopK.Rank(Scores, 1, c)));
        Assert.Equal([2, 0, 1], Enumerable.Range(0, 3).Select(c => TopK.Rank(Scores, 2, c)));
    }

    [Fact]
    public void Accuracy_is_the_fraction_of_rows_whose_label_ranks_below_k()
    {
        int[] labels = [0, 1, 0];   // ranks 1, 1, 2
        Assert.Equal(0.0, TopK.Accuracy(Scores, labels, 1));
        Assert.Equal(2 / 3.0, TopK.Accuracy(Scores, labels, 2));
        Assert.Equal(1.0, TopK.Accuracy(Scores, labels, 3));
        Assert.Equal(1.0, TopK.Accuracy(Scores, labels, 7));
        Assert.Equal(1 / 3.0, TopK.Accuracy(Scores, [2, 1, 2], 1));   // ranks 0, 1, 1
        Assert.True(double.IsNaN(TopK.Accuracy(Matrix<double>.Build.Dense(0, 3), [], 1)));
    }

    [Fact]
    public void Best_lists_the_top_classes_best_first_ties_by_lower_index()
    {
        Assert.Equal([(2, 0.6), (0, 0.3)], TopK.Best(Scores, 0, 2));
        Assert.Equal([(0, 0.45), (1, 0.45), (2, 0.1)], TopK.Best(Scores, 1, 3));
        Assert.Equal([(1, 0.7)], TopK.Best(Scores, 2, 1));
    }

    [Fact]
    public void One_sigmoid_column_reads_as_two_classes_one_minus_p_and_p()
    {
        var sigmoid = Matrix<double>.Build.DenseOfRowArrays([0.25], [0.5]);
        Assert.Equal([(0, 0.75), (1, 0.25)], TopK.Best(sigmoid, 0, 5));
        Assert.Equal((1, 0), (TopK.Rank(sigmoid, 0, 1), TopK.Rank(sigmoid, 0, 0)));
        Assert.Equal((0, 1), (TopK.Rank(sigmoid, 1, 0), TopK.Rank(sigmoid, 1, 1)));   // p = ½: class 0 first, as argmax
        Assert.Equal(0.5, TopK.Accuracy(sigmoid, [1, 0], 1));
    }

    [Fact]
    public void Refuses_k_below_one_a_row_count_mismatch_and_a_label_outside_the_classes()
    {
        Assert.Equal("TopK: k must be positive. (Parameter 'k')\nActual value was 0.",
            Assert.Throws<ArgumentOutOfRangeException>(() => TopK.Accuracy(Scores, [0, 0, 0], 0)).Message);
        Assert.Equal("TopK: 3×3 scores but 2 labels.", Assert.Throws<ShapeException>(() => TopK.Accuracy(Scores, [0, 0], 1)).Message);
        Assert.Equal("TopK: label 3 at row 1 is outside 0..2. (Parameter 'label')", Assert.Throws<ArgumentOutOfRangeException>(() => TopK.Rank(Scores, 1, 3)).Message);
        Assert.Contains("label -1 at row 0", Assert.Throws<ArgumentOutOfRangeException>(() => TopK.Rank(Scores, 0, -1)).Message, StringComparison.Ordinal);
        var sigmoid = Matrix<double>.Build.DenseOfRowArrays([0.25]);
        Assert.Equal("TopK: label 2 at row 0 is outside 0..1. (Parameter 'label')", Assert.Throws<ArgumentOutOfRangeException>(() => TopK.Rank(sigmoid, 0, 2)).Message);
    }
}
