using System.Text.Json;

namespace Nabla.Tests.Evaluation;

/// <summary>Per-class precision, recall, F1 and support with their averages, by hand and against scikit-learn 1.2.1
/// (fixtures/make_sklearn_metrics.py writes fixtures/sklearn-metrics.json).</summary>
public class ClassificationReportTests
{
    // Ten samples of three classes, chosen so that no class has precision = recall: a transposed matrix (columns read
    // as true classes) swaps the two and fails.
    static readonly int[] Truth = [0, 0, 0, 1, 1, 2, 2, 2, 2, 0];
    static readonly int[] Guess = [0, 1, 2, 1, 1, 2, 0, 2, 1, 0];

    [Fact]
    public void The_confusion_matrix_has_true_classes_in_rows_and_predictions_in_columns()
    {
        var m = ConfusionMatrix.Of(Truth, Guess, 3);
        //            predicted 0  1  2
        int[,] expected = { { 2, 1, 1 },    // true 0: support 4
                            { 0, 2, 0 },    // true 1: support 2
                            { 1, 1, 2 } };  // true 2: support 4
        Assert.Equal(expected, m.ToArray());
        Assert.Equal([4, 2, 4], Enumerable.Range(0, 3).Select(m.Support));
        Assert.Equal([3, 4, 3], Enumerable.Range(0, 3).Select(m.PredictedCount));
        Assert.Equal(6, m.Correct);
    }

    [Fact]
    public void Hand_computed_report_of_an_asymmetric_case()
    {
        var report = ClassificationReport.From(ConfusionMatrix.Of(Truth, Guess, 3));
        // precision = tp / column sum, recall = tp / row sum, F1 = 2tp / (row sum + column sum)
        Expect(report.Classes[0], 2 / 3.0, 2 / 4.0, 4 / 7.0, 4);
        Expect(report.Classes[1], 2 / 4.0, 2 / 2.0, 4 / 6.0, 2);
        Expect(report.Classes[2], 2 / 3.0, 2 / 4.0, 4 / 7.0, 4);
        Assert.Equal(0.6, report.Accuracy, 12);
        Expect(report.MacroAverage, 11 / 18.0, 2 / 3.0, 38 / 63.0, 10);
        Expect(report.WeightedAverage, 19 / 30.0, 0.6, 124 / 210.0, 10);
        Assert.Empty(report.Notes);
    }

    [Fact]
    public void Matches_scikit_learn_on_every_fixture_case_including_zero_division()
    {
        var fixture = Fixture();
        foreach (var c in fixture.GetProperty("classification").EnumerateArray())
        {
            var name = c.GetProperty("name").GetString();
            var classes = c.GetProperty("classes").GetInt32();
            var matrix = ConfusionMatrix.Of(Ints(c.GetProperty("y_true")), Ints(c.GetProperty("y_pred")), classes);
            var expectedCounts = c.GetProperty("confusion_matrix").EnumerateArray().Select(r => Ints(r)).ToArray();
            for (var t = 0; t < classes; t++)
                for (var p = 0; p < classes; p++)
                    Assert.True(expectedCounts[t][p] == matrix[t, p], $"{name}: counts[{t}, {p}] is {matrix[t, p]}, scikit-learn {expectedCounts[t][p]}");
            var report = ClassificationReport.From(matrix, zeroDivision: c.GetProperty("zero_division").GetDouble());
            var rows = c.GetProperty("per_class").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
            for (var k = 0; k < classes; k++)
                Expect(report.Classes[k], rows[k][0], rows[k][1], rows[k][2], (int)rows[k][3], $"{name}, class {k}");
            var macro = Doubles(c.GetProperty("macro"));
            var weighted = Doubles(c.GetProperty("weighted"));
            Expect(report.MacroAverage, macro[0], macro[1], macro[2], matrix.Total, $"{name}, macro");
            Expect(report.WeightedAverage, weighted[0], weighted[1], weighted[2], matrix.Total, $"{name}, weighted");
        }
    }

    [Fact]
    public void Ill_defined_ratios_take_the_zero_division_value_and_are_noted()
    {
        // Class 2 is never predicted (precision 0/0), class 3 has no samples (recall 0/0) but is predicted once.
        var matrix = ConfusionMatrix.Of([0, 1, 2, 0], [0, 1, 3, 0], 4);
        var zero = ClassificationReport.From(matrix, ["a", "b", "c", "d"]);
        Assert.Equal((0.0, 0.0, 0.0), (zero.Classes[2].Precision, zero.Classes[2].Recall, zero.Classes[2].F1));
        Assert.Equal(0.0, zero.Classes[3].Recall);
        Assert.Contains(zero.Notes, n => n.Contains("never predicted: c", StringComparison.Ordinal));
        Assert.Contains(zero.Notes, n => n.Contains("no samples: d", StringComparison.Ordinal));
        var nan = ClassificationReport.From(matrix, zeroDivision: double.NaN);
        Assert.True(double.IsNaN(nan.Classes[2].Precision));
        // NaN is left out of the macro average: precisions 1, 1, NaN, 0 average to 2/3.
        Assert.Equal(2 / 3.0, nan.MacroAverage.Precision, 12);
        Assert.Throws<ArgumentOutOfRangeException>(() => ClassificationReport.From(matrix, zeroDivision: 0.5));
    }

    [Fact]
    public void The_text_report_reads_as_scikit_learn_prints_it()
    {
        var text = ClassificationReport.From(ConfusionMatrix.Of(Truth, Guess, 3), ["cat", "dog", "owl"]).ToString(2);
        var lines = text.Split('\n');
        Assert.Matches(@"^\s+precision\s+recall\s+f1-score\s+support$", lines[0]);
        Assert.Matches(@"^\s+cat\s+0\.67\s+0\.50\s+0\.57\s+4$", lines[2]);
        Assert.Matches(@"^\s+accuracy\s+0\.60\s+10$", lines[6]);
        Assert.Matches(@"^weighted avg\s+0\.63\s+0\.60\s+0\.59\s+10$", lines[8]);
    }

    // Class "cat": tp 1 of 2 samples, predicted once; the long-named class: no samples, predicted once (recall 0/0).
    static ClassificationReport CatAndLong(double zeroDivision) =>
        ClassificationReport.From(ConfusionMatrix.FromCounts(new[,] { { 1, 1 }, { 0, 0 } }), ["cat", "a long class name"], zeroDivision);

    [Fact]
    public void The_whole_text_pads_to_the_longest_name_and_ends_with_the_notes()
    {
        var expected = """
                              precision    recall  f1-score   support

                          cat      1.00      0.50      0.67         2
            a long class name      0.00      1.00      0.00         0

                     accuracy                          0.50         2
                    macro avg      0.50      0.75      0.33         2
                 weighted avg      1.00      0.50      0.67         2
            note: recall is ill-defined (set to 1) for classes with no samples: a long class name
            """;
        Assert.Equal(expected, CatAndLong(1).ToString(2));
        var nan = CatAndLong(double.NaN).ToString(2).Split('\n');
        Assert.Equal("a long class name      0.00       nan      0.00         0", nan[3]);
        Assert.Equal("note: recall is ill-defined (set to NaN) for classes with no samples: a long class name", nan[^1]);
        Assert.EndsWith("(set to 0) for classes with no samples: a long class name", CatAndLong(0).ToString(2), StringComparison.Ordinal);
    }

    [Fact]
    public void Columns_widen_past_six_digits_and_the_default_prints_four()
    {
        var report = CatAndLong(1);
        Assert.Equal("              cat  1.0000000  0.5000000  0.6666667          2", report.ToString(7).Split('\n')[2]);
        Assert.Equal("              cat    1.0000    0.5000    0.6667         2", report.ToString().Split('\n')[2]);
        Assert.Equal(report.ToString(4), report.ToString());
        var unnamed = ClassificationReport.From(ConfusionMatrix.FromCounts(new[,] { { 1 } })).ToString(2).Split('\n');
        Assert.Equal("           0      1.00      1.00      1.00         1", unnamed[2]);   // names shorter than "weighted avg"
        var empty = new ClassificationReport([], 1, unnamedRow("macro avg"), unnamedRow("weighted avg"), 0, []);
        Assert.Equal("weighted avg      1.00      1.00      1.00         0", empty.ToString(2).Split('\n')[^1]);

        static ClassScores unnamedRow(string name) => new(name, 1, 1, 1, 0);
    }

    [Fact]
    public void Notes_list_every_class_never_predicted_and_default_names_count_from_zero()
    {
        var report = ClassificationReport.From(ConfusionMatrix.FromCounts(new[,] { { 1, 0, 0 }, { 1, 0, 0 }, { 1, 0, 0 } }));
        Assert.Equal(["0", "1", "2"], report.Classes.Select(c => c.Name));
        Assert.Equal(["precision is ill-defined (set to 0) for classes never predicted: 1, 2"], report.Notes);
        Assert.Equal(["0", "1", "2"], ClassNames.Default(3));
        Assert.Empty(ClassNames.Default(0));
    }

    [Fact]
    public void With_no_samples_every_ratio_and_the_weighted_average_are_the_zero_division_value()
    {
        var one = ClassificationReport.From(ConfusionMatrix.FromCounts(new int[2, 2]), zeroDivision: 1);
        Assert.Equal(new ClassScores("0", 1, 1, 1, 0), one.Classes[0]);
        Assert.Equal(1.0, one.Accuracy);
        Assert.Equal(new ClassScores("macro avg", 1, 1, 1, 0), one.MacroAverage);
        Assert.Equal(new ClassScores("weighted avg", 1, 1, 1, 0), one.WeightedAverage);
        Assert.Equal(1.0, one.ZeroDivision);
        Assert.Equal(["precision is ill-defined (set to 1) for classes never predicted: 0, 1",
            "recall is ill-defined (set to 1) for classes with no samples: 0, 1"], one.Notes);
        var nan = ClassificationReport.From(ConfusionMatrix.FromCounts(new int[2, 2]), zeroDivision: double.NaN);
        Assert.Equal(new ClassScores("macro avg", double.NaN, double.NaN, double.NaN, 0), nan.MacroAverage);   // nothing left to average
        Assert.Equal(new ClassScores("weighted avg", double.NaN, double.NaN, double.NaN, 0), nan.WeightedAverage);
    }

    [Fact]
    public void Refuses_a_zero_division_value_other_than_0_1_or_nan_and_a_wrong_name_count()
    {
        var matrix = ConfusionMatrix.Of(Truth, Guess, 3);
        Assert.Equal("ClassificationReport: zeroDivision is 0, 1 or NaN, as scikit-learn's zero_division. (Parameter 'zeroDivision')\nActual value was 0.5.",
            Assert.Throws<ArgumentOutOfRangeException>(() => ClassificationReport.From(matrix, zeroDivision: 0.5)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => ClassificationReport.From(matrix, zeroDivision: -1));
        Assert.Equal("ClassificationReport: 2 class names for 3 classes. (Parameter 'names')",
            Assert.Throws<ArgumentException>(() => ClassificationReport.From(matrix, ["a", "b"])).Message);
        Assert.Equal(["a", "b", "c"], ClassificationReport.From(matrix, ["a", "b", "c"]).Classes.Select(c => c.Name));
    }

    [Fact]
    public void Top_k_accuracy_matches_scikit_learn_and_breaks_ties_toward_the_lower_class()
    {
        var topK = Fixture().GetProperty("top_k");
        var scores = Matrix<double>.Build.DenseOfRowArrays(topK.GetProperty("scores").EnumerateArray().Select(Doubles));
        var labels = Ints(topK.GetProperty("labels"));
        var expected = Doubles(topK.GetProperty("accuracy"));
        for (var k = 1; k <= 4; k++) Assert.Equal(expected[k - 1], TopK.Accuracy(scores, labels, k), 12);

        var tied = Matrix<double>.Build.DenseOfRowArrays([0.4, 0.4, 0.2]);
        Assert.Equal(0.0, TopK.Accuracy(tied, [1], 1));   // argmax picks class 0 of the tie
        Assert.Equal(1.0, TopK.Accuracy(tied, [1], 2));
        var sigmoid = Matrix<double>.Build.DenseOfRowArrays([0.9], [0.2]);   // one column: P(class 1)
        Assert.Equal(0.5, TopK.Accuracy(sigmoid, [0, 0], 1));
        Assert.Equal([(1, 0.9), (0, 0.09999999999999998)], TopK.Best(sigmoid, 0, 2));
    }

    [Fact]
    public void Regression_metrics_match_scikit_learn_averaged_over_outputs()
    {
        var r = Fixture().GetProperty("regression");
        var truth = Matrix<double>.Build.DenseOfRowArrays(r.GetProperty("y_true").EnumerateArray().Select(Doubles));
        var predicted = Matrix<double>.Build.DenseOfRowArrays(r.GetProperty("y_pred").EnumerateArray().Select(Doubles));
        var metrics = RegressionMetrics.From(predicted, truth);
        Assert.Equal(r.GetProperty("mae").GetDouble(), metrics.Mae, 12);
        Assert.Equal(r.GetProperty("rmse").GetDouble(), metrics.Rmse, 12);
        Assert.Equal(r.GetProperty("r2").GetDouble(), metrics.R2, 12);
        Assert.Null(metrics.WithinTolerance);
    }

    [Fact]
    public void Regression_by_hand_with_a_tolerance_and_a_constant_target()
    {
        var truth = Matrix<double>.Build.DenseOfRowArrays([1.0], [2.0], [3.0], [4.0]);
        var predicted = Matrix<double>.Build.DenseOfRowArrays([1.5], [2.0], [2.0], [4.1]);
        var m = RegressionMetrics.From(predicted, truth, tolerance: 0.5);
        Assert.Equal(1.6 / 4, m.Mae, 12);                      // |e| = 0.5, 0, 1, 0.1
        Assert.Equal(Math.Sqrt(1.26 / 4), m.Rmse, 12);         // e² = 0.25, 0, 1, 0.01
        Assert.Equal(1 - 1.26 / 5, m.R2, 12);                  // Σ(y − ȳ)² = 2.25 + 0.25 + 0.25 + 2.25
        Assert.Equal(0.75, m.WithinTolerance);                 // 0.5 counts: |e| ≤ tolerance
        var flat = Matrix<double>.Build.DenseOfRowArrays([2.0], [2.0]);
        Assert.Equal(1.0, RegressionMetrics.From(flat, flat).R2);
        Assert.Equal(0.0, RegressionMetrics.From(truth.SubMatrix(0, 2, 0, 1), flat).R2);
    }

    static void Expect(ClassScores row, double precision, double recall, double f1, int support, string? what = null)
    {
        var name = what ?? row.Name;
        Assert.True(Math.Abs(row.Precision - precision) < 1e-12, $"{name}: precision {row.Precision}, expected {precision}");
        Assert.True(Math.Abs(row.Recall - recall) < 1e-12, $"{name}: recall {row.Recall}, expected {recall}");
        Assert.True(Math.Abs(row.F1 - f1) < 1e-12, $"{name}: F1 {row.F1}, expected {f1}");
        Assert.True(row.Support == support, $"{name}: support {row.Support}, expected {support}");
    }

    static JsonElement Fixture() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "fixtures", "sklearn-metrics.json"))).RootElement;

    static int[] Ints(JsonElement array) => array.EnumerateArray().Select(v => v.GetInt32()).ToArray();

    static double[] Doubles(JsonElement array) => array.EnumerateArray().Select(v => v.GetDouble()).ToArray();
}
