using Nabla.Reporting;

namespace Nabla.Tests.Reporting;

/// <summary>The confusion-matrix table on an asymmetric example whose recall and precision differ in every class.</summary>
public class ConfusionMatrixTextTests
{
    [Fact]
    public void Rows_are_actual_classes_and_the_last_column_is_their_recall()
    {
        // counts[actual, predicted]. Recall (row): 1/2, 1/1, 2/3. Precision (column) would be 1/2, 1/2, 2/2.
        int[,] counts = { { 1, 1, 0 }, { 0, 1, 0 }, { 1, 0, 2 } };
        var lines = ConfusionMatrixText.Format(counts, ["ant", "bee", "cat"]).Split('\n').Select(l => l.TrimEnd()).ToArray();
        Assert.Equal(4, lines.Length);
        Assert.Equal(["actual", "\\", "predicted", "ant", "bee", "cat", "recall"], Cells(lines[0]));
        Assert.Equal(["ant", "1", "1", "0", "50.0%"], Cells(lines[1]));
        Assert.Equal(["bee", "0", "1", "0", "100.0%"], Cells(lines[2]));
        Assert.Equal(["cat", "1", "0", "2", "66.7%"], Cells(lines[3]));
    }

    [Fact]
    public void A_class_with_no_samples_has_no_recall()
    {
        int[,] counts = { { 2, 0 }, { 0, 0 } };
        var lines = ConfusionMatrixText.Format(counts).Split('\n');
        Assert.Equal(["0", "2", "0", "100.0%"], Cells(lines[1]));
        Assert.Equal(["1", "0", "0", "-"], Cells(lines[2]));
    }

    static string[] Cells(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
