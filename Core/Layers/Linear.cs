using MathNet.Numerics.LinearAlgebra;

namespace Nabla.Layers;

/// <summary>The identity activation, y = x (Keras's "linear"): a regression head's output layer.</summary>
public sealed record Linear<T> : IDescribedLayer<Linear<T>, T> where T : struct, IFloatingPointIeee754<T>
{
    // Returning x itself is safe: nothing in Nabla mutates a matrix it did not allocate.
    public Matrix<T> Forward(Matrix<T> x, SampleShape input) => x;

    // y = x  ⇒  dx = dy
    public Backprop<T> Backward(Trace<T> trace, Matrix<T> dy, bool needInputGradient = true)
    {
        Shape.RequireSame(this, "dy", dy, "input", trace.Input);
        return new(NoGradient<T>.Instance, needInputGradient ? dy : null);
    }

    public static string TypeName => "linear";

    public static Linear<T> Build(LayerConfig config, IReadOnlyList<Matrix<T>> tensors) => new();

    public override string ToString() => "Linear";
}

public static partial class Layer<T>
{
    public static Linear<T> Linear() => new();
}

public static partial class Layer
{
    public static Linear<float> Linear() => new();
}
