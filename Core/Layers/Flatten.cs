using MathNet.Numerics.LinearAlgebra;

namespace Nabla.Layers;

/// <summary>
/// Flattens each sample, PyTorch's nn.Flatten: (C, H, W) → (C·H·W), y[n, (c·H + h)·W + w] = x[n, c, h, w]. A batch of
/// images already is N × (C·H·W) in that order, so no value moves: y = x and dx = dy; only the shape changes (so the next
/// Dense layer sees features).
/// </summary>
public sealed record Flatten<T> : IDescribedLayer<Flatten<T>, T> where T : struct, IFloatingPointIeee754<T>
{
    /// <summary>Any shape → (its size).</summary>
    public SampleShape OutputShape(SampleShape input) => SampleShape.Features(input.Size);

    /// <summary>y = x, returned itself once checked to hold batch samples of <paramref name="input"/>: the values are already in
    /// (C·H·W) order, and nothing in Nabla mutates a matrix it did not allocate.</summary>
    public Matrix<T> Forward(Matrix<T> x, SampleShape input)
    {
        Shape.Require(this, x, input);
        return x;
    }

    /// <summary>y = x ⇒ dx = dy, passed through; dy: batch × input.Size.</summary>
    public Backprop<T> Backward(Trace<T> trace, Matrix<T> dy, bool needInputGradient = true)
    {
        Shape.RequireSame(this, "dy", dy, "input", trace.Input);
        return new(NoGradient<T>.Instance, needInputGradient ? dy : null);
    }

    /// <inheritdoc/>
    public static string TypeName => "flatten";

    /// <inheritdoc/>
    public static Flatten<T> Build(LayerConfig config, IReadOnlyList<Matrix<T>> tensors) => new();

    /// <summary>Prints "Flatten".</summary>
    public override string ToString() => "Flatten";
}

public static partial class Layer<T>
{
    /// <summary>(C, H, W) → (C·H·W), before Dense layers.</summary>
    public static Flatten<T> Flatten() => new();
}

public static partial class Layer
{
    /// <inheritdoc cref="Layer{T}.Flatten"/>
    public static Flatten<float> Flatten() => new();
}
