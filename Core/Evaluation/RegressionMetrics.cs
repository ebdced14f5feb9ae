using MathNet.Numerics.LinearAlgebra;

namespace Nabla.Evaluation;

/// <summary>
/// Regression figures over N × m predictions ŷ and targets y, each averaged uniformly over the m outputs as
/// scikit-learn's defaults do: MAE = mean |ŷ − y|, RMSE = √(mean (ŷ − y)²) per output, R² = 1 − Σ(ŷ − y)² / Σ(y − ȳ)² per
/// output (1 when both sums are 0, 0 when only the second is: scikit-learn's force_finite), and — when a tolerance is
/// given — the fraction of values with |ŷ − y| ≤ tolerance ("accuracy" for regression, as in the NNFS book).
/// </summary>
public sealed record RegressionMetrics(double Mae, double Rmse, double R2, double? Tolerance, double? WithinTolerance)
{
    /// <summary>The figures of <paramref name="predicted"/> against <paramref name="targets"/> (same shape, N ≥ 1).</summary>
    public static RegressionMetrics From<T>(Matrix<T> predicted, Matrix<T> targets, double? tolerance = null) where T : struct, IFloatingPointIeee754<T>
    {
        if (predicted.RowCount != targets.RowCount || predicted.ColumnCount != targets.ColumnCount)
            throw new ShapeException($"RegressionMetrics: predictions {Shape.Of(predicted)} but targets {Shape.Of(targets)}.");
        if (predicted.RowCount == 0) throw new ArgumentException("RegressionMetrics: no samples.");
        if (tolerance is < 0 || tolerance is double.NaN) throw new ArgumentOutOfRangeException(nameof(tolerance), tolerance, "RegressionMetrics: tolerance must be ≥ 0.");
        int n = predicted.RowCount, m = predicted.ColumnCount;
        double mae = 0, rmse = 0, r2 = 0;
        long within = 0;
        for (var j = 0; j < m; j++)
        {
            double mean = 0;
            for (var i = 0; i < n; i++) mean += double.CreateChecked(targets[i, j]);
            mean /= n;
            double absolute = 0, squared = 0, spread = 0;
            for (var i = 0; i < n; i++)
            {
                double y = double.CreateChecked(targets[i, j]), e = double.CreateChecked(predicted[i, j]) - y;
                absolute += Math.Abs(e);
                squared += e * e;
                spread += (y - mean) * (y - mean);
                if (tolerance is { } t && Math.Abs(e) <= t) within++;
            }
            mae += absolute / n;
            rmse += Math.Sqrt(squared / n);
            r2 += spread == 0 ? (squared == 0 ? 1 : 0) : 1 - squared / spread;
        }
        return new(mae / m, rmse / m, r2 / m, tolerance, tolerance is null ? null : (double)within / ((long)n * m));
    }
}
