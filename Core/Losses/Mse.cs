using MathNet.Numerics.LinearAlgebra;

namespace Nabla.Losses;

/// <summary>Mean squared error: L = (1/N) Σ (p − y)², N = every element. dL/dp = 2(p − y)/N.</summary>
public sealed record Mse : ILoss
{
    /// <inheritdoc/>
    public string Name => "mse";

    /// <summary>L = (1/N) Σ (p − y)² and dL/dp = 2(p − y)/N; prediction and target: batch × outputs, N every element.</summary>
    public LossResult<T> Evaluate<T>(Matrix<T> prediction, Matrix<T> target) where T : struct, IFloatingPointIeee754<T>
    {
        Shape.RequireSame(this, "prediction", prediction, "target", target);
        var (p, y) = (Kernels.Values(prediction), Kernels.Values(target));
        var gradient = Kernels.UninitializedLike(prediction);   // every element written below
        var g = Kernels.Values(gradient);
        var scale = T.CreateChecked(2.0 / p.Length);
        var sum = 0.0;
        for (var i = 0; i < p.Length; i++)
        {
            var d = p[i] - y[i];
            sum += double.CreateChecked(d * d);
            g[i] = scale * d;
        }
        return new(sum / p.Length, gradient);
    }

    /// <summary>Prints <see cref="Name"/>: "mse".</summary>
    public override string ToString() => Name;
}
