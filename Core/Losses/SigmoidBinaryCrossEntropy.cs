using MathNet.Numerics.LinearAlgebra;

namespace Nabla.Losses;

/// <summary>Sigmoid and binary cross-entropy fused, from logits z: L = (1/N) Σ [max(z, 0) − z·y + log(1 + e^(−|z|))],
/// N = every element. dL/dz = (σ(z) − y)/N. Never overflows, whatever the logits (PyTorch's BCEWithLogitsLoss).</summary>
public sealed record SigmoidBinaryCrossEntropy : ILoss
{
    /// <inheritdoc/>
    public string Name => "sigmoid_binary_cross_entropy";

    /// <summary>Logits: the raw outputs z, no Sigmoid before the loss.</summary>
    public LossInput Input => LossInput.Logits;

    /// <summary>L = (1/N) Σ [max(z, 0) − z·y + log(1 + e^(−|z|))] and dL/dz = (σ(z) − y)/N; logits and target: batch ×
    /// outputs.</summary>
    public LossResult<T> Evaluate<T>(Matrix<T> prediction, Matrix<T> target) where T : struct, IFloatingPointIeee754<T>
    {
        Shape.RequireSame(this, "logits", prediction, "target", target);
        var (z, y) = (Kernels.Values(prediction), Kernels.Values(target));
        var gradient = Kernels.UninitializedLike(prediction);   // every element written below
        var g = Kernels.Values(gradient);
        var scale = T.CreateChecked(1.0 / z.Length);
        var sum = 0.0;
        for (var i = 0; i < z.Length; i++)
        {
            sum += double.CreateChecked(T.Max(z[i], T.Zero) - z[i] * y[i] + T.LogP1(T.Exp(-T.Abs(z[i]))));
            g[i] = scale * (Activations.Sigmoid(z[i]) - y[i]);
        }
        return new(sum / z.Length, gradient);
    }

    /// <summary>σ(z), elementwise: the probabilities the logits stand for.</summary>
    public Matrix<T> Activate<T>(Matrix<T> output) where T : struct, IFloatingPointIeee754<T> => Activations.Sigmoid(output);

    /// <summary>Prints <see cref="Name"/>: "sigmoid_binary_cross_entropy".</summary>
    public override string ToString() => Name;
}
