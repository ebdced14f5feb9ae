using MathNet.Numerics.LinearAlgebra;

namespace Nabla.Layers;

/// <summary>Logistic sigmoid, element-wise: y = 1 / (1 + e^(−x)). Any shape in, same shape out.</summary>
public sealed record Sigmoid<T> : IDescribedLayer<Sigmoid<T>, T> where T : struct, IFloatingPointIeee754<T>
{
    public Matrix<T> Forward(Matrix<T> x, SampleShape input) => Activations.Sigmoid(x);

    /// <summary>σ(x) without overflow: e^(−x) is only taken for x ≥ 0, e^x for x &lt; 0.</summary>
    public static T Of(T x) => Activations.Sigmoid(x);

    // y = σ(x)  ⇒  dx = dy · y · (1 − y)
    public Backprop<T> Backward(Trace<T> trace, Matrix<T> dy, bool needInputGradient = true)
    {
        Shape.RequireSame(this, "dy", dy, "output", trace.Output);
        if (!needInputGradient) return new(NoGradient<T>.Instance, null);
        var dx = Kernels.UninitializedLike(dy);
        Simd.SigmoidBackward<T>(Kernels.Values(trace.Output), Kernels.Values(dy), Kernels.Values(dx));
        return new(NoGradient<T>.Instance, dx);
    }

    public static string TypeName => "sigmoid";

    public static Sigmoid<T> Build(LayerConfig config, IReadOnlyList<Matrix<T>> tensors) => new();

    public override string ToString() => "Sigmoid";
}

public static partial class Layer<T>
{
    public static Sigmoid<T> Sigmoid() => new();
}

public static partial class Layer
{
    public static Sigmoid<float> Sigmoid() => new();
}
