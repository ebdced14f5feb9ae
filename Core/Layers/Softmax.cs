using System.Numerics.Tensors;
using MathNet.Numerics.LinearAlgebra;

namespace Nabla.Layers;

/// <summary>Softmax over each row: y_ij = e^(x_ij − m_i) / Σ_k e^(x_ik − m_i), m_i = max_k x_ik. x, y: batch × classes.</summary>
/// <remarks>Shifting by the row maximum changes nothing mathematically and keeps e^x from overflowing. Before a
/// cross-entropy loss, prefer a linear output with <c>Loss.SoftmaxCrossEntropy</c>: fused, it is exact and cheaper.</remarks>
public sealed record Softmax<T> : IDescribedLayer<Softmax<T>, T> where T : struct, IFloatingPointIeee754<T>
{
    /// <summary>y_ij = e^(x_ij − m_i) / Σ_k e^(x_ik − m_i) over each row, m_i = max_k x_ik; x and y: batch × classes (feature
    /// vectors only).</summary>
    public Matrix<T> Forward(Matrix<T> x, SampleShape input)
    {
        OutputShape(input);
        return Of(x);
    }

    /// <summary>Row-wise softmax of <paramref name="x"/> into a fresh matrix.</summary>
    public static Matrix<T> Of(Matrix<T> x) => Activations.Softmax(x);

    /// <summary>y = softmax(x) ⇒ dx_ij = y_ij · (dy_ij − Σ_k dy_ik · y_ik), from the trace's output y; dy and dx: batch ×
    /// classes.</summary>
    public Backprop<T> Backward(Trace<T> trace, Matrix<T> dy, bool needInputGradient = true)
    {
        Shape.RequireSame(this, "dy", dy, "output", trace.Output);
        if (!needInputGradient) return new(NoGradient<T>.Instance, null);
        var (rows, columns) = (dy.RowCount, dy.ColumnCount);
        var ys = Kernels.Values(trace.Output);
        var dys = Kernels.Values(dy);
        using var scratch = new Scratch<T>(rows);
        var dot = scratch.Span;
        dot.Clear();
        for (var j = 0; j < columns; j++)
            for (var i = 0; i < rows; i++)
                dot[i] += dys[j * rows + i] * ys[j * rows + i];
        var dx = Kernels.UninitializedLike(dy);
        var dxs = Kernels.Values(dx);
        for (var j = 0; j < columns; j++)
            for (var i = 0; i < rows; i++)
                dxs[j * rows + i] = ys[j * rows + i] * (dys[j * rows + i] - dot[i]);
        return new(NoGradient<T>.Instance, dx);
    }

    /// <summary>Feature vectors only: over an image PyTorch's dim=1 would mean per-pixel softmax over channels.</summary>
    public SampleShape OutputShape(SampleShape input) => input.IsImage
        ? throw new ShapeException($"{this} works on feature vectors (one row of classes), but its input is images {input}: put Flatten() (and a Dense) before it.")
        : input;

    /// <inheritdoc/>
    public static string TypeName => "softmax";

    /// <inheritdoc/>
    public static Softmax<T> Build(LayerConfig config, IReadOnlyList<Matrix<T>> tensors) => new();

    /// <summary>Prints "Softmax".</summary>
    public override string ToString() => "Softmax";
}

public static partial class Layer<T>
{
    /// <summary>A softmax layer over each row of a batch × classes input.</summary>
    public static Softmax<T> Softmax() => new();
}

public static partial class Layer
{
    /// <inheritdoc cref="Layer{T}.Softmax"/>
    public static Softmax<float> Softmax() => new();
}
