using MathNet.Numerics.LinearAlgebra;

namespace Nabla.Layers;

/// <summary>Hyperbolic tangent, element-wise: y = tanh(x). Any shape in, same shape out.</summary>
public sealed record Tanh<T> : IDescribedLayer<Tanh<T>, T> where T : struct, IFloatingPointIeee754<T>
{
    /// <summary>y = tanh(x), elementwise; x and y: batch × input.Size, any sample shape.</summary>
    public Matrix<T> Forward(Matrix<T> x, SampleShape input)
    {
        var y = Kernels.UninitializedLike(x);
        Simd.Tanh<T>(Kernels.Values(x), Kernels.Values(y));   // vectorized tanh
        return y;
    }

    /// <summary>y = tanh(x) ⇒ dx = dy · (1 − y²), from the trace's output y; dy and dx shaped like y.</summary>
    public Backprop<T> Backward(Trace<T> trace, Matrix<T> dy, bool needInputGradient = true)
    {
        Shape.RequireSame(this, "dy", dy, "output", trace.Output);
        if (!needInputGradient) return new(NoGradient<T>.Instance, null);
        var dx = Kernels.UninitializedLike(dy);
        Simd.TanhBackward<T>(Kernels.Values(trace.Output), Kernels.Values(dy), Kernels.Values(dx));
        return new(NoGradient<T>.Instance, dx);
    }

    /// <inheritdoc/>
    public static string TypeName => "tanh";

    /// <inheritdoc/>
    public static Tanh<T> Build(LayerConfig config, IReadOnlyList<Matrix<T>> tensors) => new();

    /// <summary>Prints "Tanh".</summary>
    public override string ToString() => "Tanh";
}

public static partial class Layer<T>
{
    /// <summary>A tanh layer: y = tanh(x), elementwise.</summary>
    public static Tanh<T> Tanh() => new();
}

public static partial class Layer
{
    /// <inheritdoc cref="Layer{T}.Tanh"/>
    public static Tanh<float> Tanh() => new();
}
