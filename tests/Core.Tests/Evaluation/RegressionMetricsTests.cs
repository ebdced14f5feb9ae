namespace Nabla.Tests.Evaluation;

/// <summary>MAE, RMSE, R² and the tolerance figure over several outputs, by hand, and the refusals.</summary>
public class RegressionMetricsTests
{
    // Two outputs that differ in every figure, so a figure of one output only, a sum instead of a mean or a count over
    // rows instead of values shows. Output 0: y = 1, 2, 3 (ȳ = 2, Σ(y − ȳ)² = 2), errors 1, 0, 0. Output 1: y = 0, 0, 4
    // (ȳ = 4/3, Σ(y − ȳ)² = 32/3), errors 0, 1, −2.
    static readonly Matrix<double> Targets = Matrix<double>.Build.DenseOfRowArrays([1.0, 0.0], [2.0, 0.0], [3.0, 4.0]);
    static readonly Matrix<double> Predicted = Matrix<double>.Build.DenseOfRowArrays([2.0, 0.0], [2.0, 1.0], [3.0, 2.0]);

    [Fact]
    public void Each_figure_is_the_mean_over_outputs_of_the_per_output_figure()
    {
        var m = RegressionMetrics.From(Predicted, Targets, tolerance: 1);
        Assert.Equal((1 / 3.0 + 3 / 3.0) / 2, m.Mae, 12);
        Assert.Equal((Math.Sqrt(1 / 3.0) + Math.Sqrt(5 / 3.0)) / 2, m.Rmse, 12);
        Assert.Equal((1 - 1 / 2.0 + (1 - 5 / (32 / 3.0))) / 2, m.R2, 12);
        Assert.Equal(1.0, m.Tolerance);
        Assert.Equal(5 / 6.0, m.WithinTolerance);   // |e| ≤ 1 for 3 values of output 0 and 2 of output 1
        Assert.Equal(3 / 6.0, RegressionMetrics.From(Predicted, Targets, tolerance: 0).WithinTolerance);   // exact hits only

        var none = RegressionMetrics.From(Predicted, Targets);
        Assert.Equal((m.Mae, m.Rmse, m.R2), (none.Mae, none.Rmse, none.R2));
        Assert.Equal((null, null), (none.Tolerance, none.WithinTolerance));
    }

    [Fact]
    public void R2_stays_accurate_for_targets_far_from_zero()
    {
        // y = 10⁸ + 1, 2, 4: ȳ = 10⁸ + 7/3 is rounded, yet Σ(y − ȳ)² is 14/3 to 1e-15, as ȳ's rounding enters it squared;
        // Σ(y + ȳ)(y − ȳ) = Σy² − nȳ², equal on paper, is off by 2nȳ times that rounding and gives 7.65.
        var targets = Matrix<double>.Build.DenseOfRowArrays([1e8 + 1], [1e8 + 2], [1e8 + 4]);
        var predicted = Matrix<double>.Build.DenseOfRowArrays([1e8 + 2], [1e8 + 2], [1e8 + 3]);   // errors 1, 0, −1
        Assert.Equal(1 - 2 / (14 / 3.0), RegressionMetrics.From(predicted, targets).R2, 12);
    }

    [Fact]
    public void Single_precision_inputs_give_the_same_figures()
    {
        var m = RegressionMetrics.From(Predicted.Map(v => (float)v), Targets.Map(v => (float)v), tolerance: 1);
        Assert.Equal(RegressionMetrics.From(Predicted, Targets, tolerance: 1), m);
    }

    [Fact]
    public void Refuses_other_shapes_no_samples_and_a_negative_or_nan_tolerance()
    {
        Assert.Equal("RegressionMetrics: predictions 2×2 but targets 3×2.",
            Assert.Throws<ShapeException>(() => RegressionMetrics.From(Predicted.SubMatrix(0, 2, 0, 2), Targets)).Message);
        Assert.Equal("RegressionMetrics: predictions 3×1 but targets 3×2.",
            Assert.Throws<ShapeException>(() => RegressionMetrics.From(Predicted.SubMatrix(0, 3, 0, 1), Targets)).Message);
        var empty = Matrix<double>.Build.Dense(0, 2);
        Assert.Equal("RegressionMetrics: no samples.", Assert.Throws<ArgumentException>(() => RegressionMetrics.From(empty, empty)).Message);
        Assert.Equal("RegressionMetrics: tolerance must be ≥ 0. (Parameter 'tolerance')\nActual value was -0.5.",
            Assert.Throws<ArgumentOutOfRangeException>(() => RegressionMetrics.From(Predicted, Targets, tolerance: -0.5)).Message);
        Assert.Equal("RegressionMetrics: tolerance must be ≥ 0. (Parameter 'tolerance')\nActual value was NaN.",
            Assert.Throws<ArgumentOutOfRangeException>(() => RegressionMetrics.From(Predicted, Targets, tolerance: double.NaN)).Message);
    }
}
