using MathNet.Numerics.LinearAlgebra;

namespace Nabla.Losses;

/// <summary>Binary cross-entropy from probabilities p ∈ [0, 1]: L = −(1/N) Σ [y log p + (1 − y) log(1 − p)], N = every element.
/// dL/dp = (p − y) / (p(1 − p)) / N. Logs are clamped at −100 as PyTorch does, so p = 0 or 1 gives a large finite loss.</summary>
/// <remarks>After a sigmoid output, <see cref="SigmoidBinaryCrossEntropy"/> on the logits is exact where this saturates.</remarks>
public sealed record BinaryCrossEntropy : ILoss
{
    /// <inheritdoc/>
    public string Name => "binary_cross_entropy";

    /// <summary>Probabilities: p in [0, 1], after a Sigmoid.</summary>
    public LossInput Input => LossInput.Probabilities;

    /// <summary>L = −(1/N) Σ [y log p + (1 − y) log(1 − p)] and dL/dp = (p − y)/(p(1 − p))/N; prediction and target: batch ×
    /// outputs; a p outside [0, 1] throws.</summary>
    public LossResult<T> Evaluate<T>(Matrix<T> prediction, Matrix<T> target) where T : struct, IFloatingPointIeee754<T>
    {
        Shape.RequireSame(this, "prediction", prediction, "target", target);
        var (p, y) = (Kernels.Values(prediction), Kernels.Values(target));
        var gradient = Kernels.UninitializedLike(prediction);   // every element written below
        var g = Kernels.Values(gradient);
        var n = (double)p.Length;
        var sum = 0.0;
        for (var i = 0; i < p.Length; i++)
        {
            var (pi, yi) = (double.CreateChecked(p[i]), double.CreateChecked(y[i]));
            if (!(pi >= 0 && pi <= 1))
                throw new ArgumentException($"{Name}: predictions must be probabilities in [0, 1], found {pi} at index {i}. Use Loss.SigmoidBinaryCrossEntropy for logits.");
            sum -= yi * Math.Max(Math.Log(pi), -100) + (1 - yi) * Math.Max(Math.Log(1 - pi), -100);
            g[i] = T.CreateChecked((pi - yi) / Math.Max(pi * (1 - pi), 1e-12) / n);
        }
        return new(sum / n, gradient);
    }

    /// <summary>Prints <see cref="Name"/>: "binary_cross_entropy".</summary>
    public override string ToString() => Name;
}
