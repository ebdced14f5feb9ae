using MathNet.Numerics.LinearAlgebra;

namespace Nabla.Losses;

/// <summary>Mean absolute error: L = (1/N) Σ |p − y|, N = every element. dL/dp = sign(p − y)/N (0 where p = y, as PyTorch).</summary>
public sealed record Mae : ILoss
{
    /// <inheritdoc/>
    public string Name => "mae";

    /// <summary>L = (1/N) Σ |p − y| and dL/dp = sign(p − y)/N; prediction and target: batch × outputs, N every element.</summary>
    public LossResult<T> Evaluate<T>(Matrix<T> prediction, Matrix<T> target) where T : struct, IFloatingPointIeee754<T>
    {
        Shape.RequireSame(this, "prediction", prediction, "target", target);
        var (p, y) = (Kernels.Values(prediction), Kernels.Values(target));
        var gradient = Kernels.UninitializedLike(prediction);   // every element written below
        var g = Kernels.Values(gradient);
        var scale = T.CreateChecked(1.0 / p.Length);
        var sum = 0.0;
        for (var i = 0; i < p.Length; i++)
        {
            var d = p[i] - y[i];
            sum += double.CreateChecked(T.Abs(d));
            g[i] = scale * T.CreateChecked(T.Sign(d));
        }
        return new(sum / p.Length, gradient);
    }

    /// <summary>Prints <see cref="Name"/>: "mae".</summary>
    public override string ToString() => Name;
}
