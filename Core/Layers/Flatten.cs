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

    // Returning x itself is safe: nothing in Nabla mutates a matrix it did not allocate.
    public Matrix<T> Forward(Matrix<T> x, SampleShape input)
    {
        Shape.Require(this, x, input);
        return x;
    }

    // y = x  ⇒  dx = dy
    public Backprop<T> Backward(Trace<T> trace, Matrix<T> dy, bool needInputGradient = true)
    {
        Shape.RequireSame(this, "dy", dy, "input", trace.Input);
        return new(NoGradient<T>.Instance, needInputGradient ? dy : null);
    }

    public static string TypeName => "flatten";

    public static Flatten<T> Build(LayerConfig config, IReadOnlyList<Matrix<T>> tensors) => new();

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
