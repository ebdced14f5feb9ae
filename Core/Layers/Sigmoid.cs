using MathNet.Numerics.LinearAlgebra;

namespace Nabla.Layers;

/// <summary>Logistic sigmoid, element-wise: y = 1 / (1 + e^(−x)). Any shape in, same shape out.</summary>
public sealed record Sigmoid<T> : IDescribedLayer<Sigmoid<T>, T> where T : struct, IFloatingPointIeee754<T>
{
    /// <summary>y = σ(x) = 1 / (1 + e^(−x)), elementwise, without overflow; x and y: batch × input.Size, any sample
    /// shape.</summary>
    public Matrix<T> Forward(Matrix<T> x, SampleShape input) => Activations.Sigmoid(x);

    /// <summary>σ(x) without overflow: e^(−x) is only taken for x ≥ 0, e^x for x &lt; 0.</summary>
    public static T Of(T x) => Activations.Sigmoid(x);

    /// <summary>y = σ(x) ⇒ dx = dy · y · (1 − y), from the trace's output y; dy and dx shaped like y.</summary>
    public Backprop<T> Backward(Trace<T> trace, Matrix<T> dy, bool needInputGradient = true)
    {
        Shape.RequireSame(this, "dy", dy, "output", trace.Output);
        if (!needInputGradient) return new(NoGradient<T>.Instance, null);
        var dx = Kernels.UninitializedLike(dy);
        Simd.SigmoidBackward<T>(Kernels.Values(trace.Output), Kernels.Values(dy), Kernels.Values(dx));
        return new(NoGradient<T>.Instance, dx);
    }

    /// <inheritdoc/>
    public static string TypeName => "sigmoid";

    /// <inheritdoc/>
    public static Sigmoid<T> Build(LayerConfig config, IReadOnlyList<Matrix<T>> tensors) => new();

    /// <summary>Prints "Sigmoid".</summary>
    public override string ToString() => "Sigmoid";
}

public static partial class Layer<T>
{
    /// <summary>A sigmoid layer: y = 1 / (1 + e^(−x)), elementwise.</summary>
    public static Sigmoid<T> Sigmoid() => new();
}

public static partial class Layer
{
    /// <inheritdoc cref="Layer{T}.Sigmoid"/>
    public static Sigmoid<float> Sigmoid() => new();
}
