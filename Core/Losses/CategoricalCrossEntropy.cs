using MathNet.Numerics.LinearAlgebra;

namespace Nabla.Losses;

/// <summary>Categorical cross-entropy from probabilities p (rows sum to 1): L = −(1/B) Σ_i Σ_k y_ik log p_ik, B = batch.
/// dL/dp = −y/p / B. p is floored at 1e-12 before the log so a confident wrong answer gives a large finite loss.</summary>
/// <remarks>After a softmax output, <see cref="SoftmaxCrossEntropy"/> on the logits is exact and cheaper.</remarks>
public sealed record CategoricalCrossEntropy : ILoss
{
    const double Floor = 1e-12;

    /// <inheritdoc/>
    public string Name => "categorical_cross_entropy";

    /// <summary>Probabilities: rows of p summing to 1, after a Softmax.</summary>
    public LossInput Input => LossInput.Probabilities;

    /// <summary>L = −(1/B) Σ_i Σ_k y_ik log p_ik and dL/dp = −y/p / B; prediction and target: batch × classes.</summary>
    public LossResult<T> Evaluate<T>(Matrix<T> prediction, Matrix<T> target) where T : struct, IFloatingPointIeee754<T>
    {
        Shape.RequireSame(this, "prediction", prediction, "target", target);
        var (p, y) = (Kernels.Values(prediction), Kernels.Values(target));
        var gradient = Kernels.UninitializedLike(prediction);   // every element written below
        var g = Kernels.Values(gradient);
        var batch = (double)prediction.RowCount;
        var sum = 0.0;
        for (var i = 0; i < p.Length; i++)
        {
            var pi = Math.Max(double.CreateChecked(p[i]), Floor);
            var yi = double.CreateChecked(y[i]);
            sum -= yi * Math.Log(pi);
            g[i] = T.CreateChecked(-yi / pi / batch);
        }
        return new(sum / batch, gradient);
    }

    /// <summary>Prints <see cref="Name"/>: "categorical_cross_entropy".</summary>
    public override string ToString() => Name;
}
