using MathNet.Numerics.LinearAlgebra;

namespace Nabla.Layers;

/// <summary>Rectified linear unit, element-wise: y = max(0, x). Any shape in, same shape out.</summary>
public sealed record Relu<T> : IDescribedLayer<Relu<T>, T> where T : struct, IFloatingPointIeee754<T>
{
    /// <summary>y = max(0, x), elementwise; x and y: batch × input.Size, any sample shape.</summary>
    public Matrix<T> Forward(Matrix<T> x, SampleShape input)
    {
        var y = Kernels.UninitializedLike(x);
        Simd.LeakyRelu<T>(Kernels.Values(x), Kernels.Values(y), T.Zero);   // x > 0 ? x : 0, eight lanes at a time
        return y;
    }

    /// <summary>y = max(0, x) ⇒ dx = dy · [x &gt; 0], from the trace's input (the kink at 0 gets derivative 0, as in PyTorch); dy
    /// and dx shaped like x.</summary>
    public Backprop<T> Backward(Trace<T> trace, Matrix<T> dy, bool needInputGradient = true)
    {
        Shape.RequireSame(this, "dy", dy, "input", trace.Input);
        if (!needInputGradient) return new(NoGradient<T>.Instance, null);
        var dx = Kernels.UninitializedLike(dy);
        Simd.LeakyReluBackward<T>(Kernels.Values(trace.Input), Kernels.Values(dy), Kernels.Values(dx), T.Zero);
        return new(NoGradient<T>.Instance, dx);
    }

    /// <inheritdoc/>
    public static string TypeName => "relu";

    /// <inheritdoc/>
    public static Relu<T> Build(LayerConfig config, IReadOnlyList<Matrix<T>> tensors) => new();

    /// <summary>Prints "ReLU".</summary>
    public override string ToString() => "ReLU";
}

public static partial class Layer<T>
{
    /// <summary>A ReLU layer: y = max(0, x), elementwise.</summary>
    public static Relu<T> Relu() => new();
}

public static partial class Layer
{
    /// <inheritdoc cref="Layer{T}.Relu"/>
    public static Relu<float> Relu() => new();
}
