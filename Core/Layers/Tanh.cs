using MathNet.Numerics.LinearAlgebra;

namespace Nabla.Layers;

/// <summary>Hyperbolic tangent, element-wise: y = tanh(x). Any shape in, same shape out.</summary>
public sealed record Tanh<T> : IDescribedLayer<Tanh<T>, T> where T : struct, IFloatingPointIeee754<T>
{
    public Matrix<T> Forward(Matrix<T> x, SampleShape input)
    {
        var y = Kernels.UninitializedLike(x);
        Simd.Tanh<T>(Kernels.Values(x), Kernels.Values(y));   // vectorized tanh
        return y;
    }

    // y = tanh(x)  ⇒  dx = dy · (1 − y²)
    public Backprop<T> Backward(Trace<T> trace, Matrix<T> dy, bool needInputGradient = true)
    {
        Shape.RequireSame(this, "dy", dy, "output", trace.Output);
        if (!needInputGradient) return new(NoGradient<T>.Instance, null);
        var dx = Kernels.UninitializedLike(dy);
        Simd.TanhBackward<T>(Kernels.Values(trace.Output), Kernels.Values(dy), Kernels.Values(dx));
        return new(NoGradient<T>.Instance, dx);
    }

    public static string TypeName => "tanh";

    public static Tanh<T> Build(LayerConfig config, IReadOnlyList<Matrix<T>> tensors) => new();

    public override string ToString() => "Tanh";
}

public static partial class Layer<T>
{
    public static Tanh<T> Tanh() => new();
}

public static partial class Layer
{
    public static Tanh<float> Tanh() => new();
}
