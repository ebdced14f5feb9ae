using MathNet.Numerics.LinearAlgebra;

namespace Nabla.Layers;

/// <summary>The identity activation, y = x (Keras's "linear"): a regression head's output layer.</summary>
public sealed record Linear<T> : IDescribedLayer<Linear<T>, T> where T : struct, IFloatingPointIeee754<T>
{
    /// <summary>y = x, returned itself, not a copy (nothing in Nabla mutates a matrix it did not allocate); batch ×
    /// input.Size.</summary>
    public Matrix<T> Forward(Matrix<T> x, SampleShape input) => x;

    /// <summary>y = x ⇒ dx = dy, passed through; dy: batch × input.Size.</summary>
    public Backprop<T> Backward(Trace<T> trace, Matrix<T> dy, bool needInputGradient = true)
    {
        Shape.RequireSame(this, "dy", dy, "input", trace.Input);
        return new(NoGradient<T>.Instance, needInputGradient ? dy : null);
    }

    /// <inheritdoc/>
    public static string TypeName => "linear";

    /// <inheritdoc/>
    public static Linear<T> Build(LayerConfig config, IReadOnlyList<Matrix<T>> tensors) => new();

    /// <summary>Prints "Linear".</summary>
    public override string ToString() => "Linear";
}

public static partial class Layer<T>
{
    /// <summary>The identity layer y = x (Keras's "linear" activation), for a regression head.</summary>
    public static Linear<T> Linear() => new();
}

public static partial class Layer
{
    /// <inheritdoc cref="Layer{T}.Linear"/>
    public static Linear<float> Linear() => new();
}
