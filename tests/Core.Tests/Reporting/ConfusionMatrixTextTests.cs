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

    [Fact]
    public void Columns_are_as_wide_as_the_longest_name_or_count_plus_one_and_the_first_at_least_19()
    {
        // Widest cell: "long-name" (9) against "120" (3): columns of 10. Recall 120/123 = 97.56%.
        Assert.Equal(
            "actual \\ predicted          a long-name   recall\n" +
            "a                         120         3    97.6%\n" +
            "long-name                   0         7   100.0%",
            ConfusionMatrixText.Format(new[,] { { 120, 3 }, { 0, 7 } }, ["a", "long-name"]).ReplaceLineEndings("\n"));
        // Default names 0 and 1 against 12345: columns of 6. A 25-letter name widens the first column past 19.
        Assert.Equal(
            "actual \\ predicted      0     1   recall\n" +
            "0                   12345     0   100.0%\n" +
            "1                       0     1   100.0%",
            ConfusionMatrixText.Format(new[,] { { 12345, 0 }, { 0, 1 } }).ReplaceLineEndings("\n"));
        var wide = ConfusionMatrixText.Format(new[,] { { 1 } }, [new string('x', 25)]).Split('\n');
        Assert.Equal("actual \\ predicted" + new string(' ', 8) + " " + new string('x', 25) + "   recall", wide[0].TrimEnd());
        Assert.StartsWith(new string('x', 25) + new string(' ', 26), wide[1]);
    }

    static string[] Cells(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
