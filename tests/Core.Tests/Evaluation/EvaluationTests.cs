namespace Nabla.Tests.Evaluation;

/// <summary>The records Evaluate returns: how they print, what they compute from the stored predictions, and the
/// image-shape guess.</summary>
public class EvaluationTests
{
    // Class "c" has no samples and is never predicted: with zero_division 1 its row is all ones.
    static readonly ClassificationEvaluation Classification = new(["a", "b", "c"], [0, 0, 1, 1], [0, 1, 1, 1],
        [0.75, 0.875, 0.9375, 1.0], [new Misclassified(1, 0, 1, 0.935, [(1, 0.935), (0, 0.065)], null)], 1, null, 1);

    [Fact]
    public void A_classification_result_prints_loss_accuracy_top_2_and_top_3_then_the_report()
    {
        var result = new EvaluationResult("digits", 4, "softmax_cross_entropy", 0.123456, 0.75, Classification, null);
        Assert.Equal("digits: 4 samples, softmax_cross_entropy 0.1235, accuracy 75.00%, top-2 87.50%, top-3 93.75%\n\n" + Classification.Report,
            result.ToString());
        var (loss, accuracy) = result;
        Assert.Equal((0.123456, 0.75), (loss, accuracy));
    }

    [Fact]
    public void A_regression_result_prints_its_figures_and_the_tolerance_only_when_given()
    {
        var within = new EvaluationResult("line", 64, "mse", 0.5, null, null, new RegressionMetrics(0.123456, 1.5, 0.98766, 0.25, 0.875));
        Assert.Equal("line: 64 samples, mse 0.5000, MAE 0.1235, RMSE 1.5, R² 0.9877, within ±0.25: 87.50%", within.ToString());
        var plain = within with { Regression = new RegressionMetrics(2, 3, -0.5, null, null) };
        Assert.Equal("line: 64 samples, mse 0.5000, MAE 2, RMSE 3, R² -0.5000", plain.ToString());
    }

    [Fact]
    public void The_classification_details_count_over_the_named_classes_with_their_zero_division()
    {
        var m = Classification.ConfusionMatrix;
        Assert.Equal(new[,] { { 1, 1, 0 }, { 0, 2, 0 }, { 0, 0, 0 } }, m.ToArray());
        Assert.Equal(["a", "b", "c"], Classification.Report.Classes.Select(c => c.Name));
        Assert.Equal(new ClassScores("c", 1, 1, 1, 0), Classification.Report.Classes[2]);
        Assert.Equal("ClassificationEvaluation(4 samples, 3 classes, 1 mistakes)", Classification.ToString());
        Assert.Equal("sample 1: true 0, predicted 1 (93.5%)", Classification.Mistakes[0].ToString());
        Assert.Equal(0.0, (Classification with { ZeroDivision = 0 }).Report.Classes[2].Precision);
    }

    [Fact]
    public void Image_shapes_are_guessed_for_squares_of_eight_or_more()
    {
        Assert.Equal(new ImageShape(28, 28), ImageShape.Guess(784));
        Assert.Equal(new ImageShape(8, 8), ImageShape.Guess(64));
        Assert.Null(ImageShape.Guess(49));   // a square, but too small for an image
        Assert.Null(ImageShape.Guess(63));
        Assert.Null(ImageShape.Guess(65));
        Assert.Equal(6, new ImageShape(2, 3).Pixels);
        Assert.Equal("2×3", new ImageShape(2, 3).ToString());
    }
}
