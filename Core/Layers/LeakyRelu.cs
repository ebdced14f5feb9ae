using MathNet.Numerics.LinearAlgebra;

namespace Nabla.Layers;

/// <summary>Leaky ReLU, element-wise: y = x for x > 0, else Alpha·x. Any shape in, same shape out.</summary>
public sealed record LeakyRelu<T>(double Alpha = 0.01) : IDescribedLayer<LeakyRelu<T>, T> where T : struct, IFloatingPointIeee754<T>
{
    /// <summary>y = x for x &gt; 0, else Alpha·x, elementwise; x and y: batch × input.Size, any sample shape.</summary>
    public Matrix<T> Forward(Matrix<T> x, SampleShape input)
    {
        var alpha = T.CreateChecked(Alpha);
        var y = Kernels.UninitializedLike(x);
        Simd.LeakyRelu<T>(Kernels.Values(x), Kernels.Values(y), alpha);
        return y;
    }

    /// <summary>dx = dy · (1 if x &gt; 0 else Alpha), from the trace's input; dy and dx shaped like x.</summary>
    public Backprop<T> Backward(Trace<T> trace, Matrix<T> dy, bool needInputGradient = true)
    {
        Shape.RequireSame(this, "dy", dy, "input", trace.Input);
        if (!needInputGradient) return new(NoGradient<T>.Instance, null);
        var alpha = T.CreateChecked(Alpha);
        var dx = Kernels.UninitializedLike(dy);
        Simd.LeakyReluBackward<T>(Kernels.Values(trace.Input), Kernels.Values(dy), Kernels.Values(dx), alpha);
        return new(NoGradient<T>.Instance, dx);
    }

    /// <inheritdoc/>
    public static string TypeName => "leaky_relu";

    /// <summary>{"alpha": Alpha}.</summary>
    public LayerConfig Config => new(("alpha", Alpha));

    /// <summary>None; checks that "alpha" is a number.</summary>
    public static IReadOnlyList<TensorDescription> TensorsFor(LayerConfig config)
    {
        config.Number("alpha");
        return [];
    }

    /// <inheritdoc/>
    public static LeakyRelu<T> Build(LayerConfig config, IReadOnlyList<Matrix<T>> tensors) => new(config.Number("alpha"));

    /// <summary>Prints "LeakyReLU(α=0.01)".</summary>
    public override string ToString() => $"LeakyReLU(α={Alpha})";
}

public static partial class Layer<T>
{
    /// <summary>A leaky ReLU: y = x for x &gt; 0, else <paramref name="alpha"/>·x (PyTorch's negative_slope, default
    /// 0.01).</summary>
    public static LeakyRelu<T> LeakyRelu(double alpha = 0.01) => new(alpha);
}

public static partial class Layer
{
    /// <inheritdoc cref="Layer{T}.LeakyRelu(double)"/>
    public static LeakyRelu<float> LeakyRelu(double alpha = 0.01) => new(alpha);
}
