using System.Numerics.Tensors;
using MathNet.Numerics.LinearAlgebra;

namespace Nabla.Layers;

/// <summary>Log-softmax over each row: y_ij = x_ij − m_i − log Σ_k e^(x_ik − m_i), m_i = max_k x_ik. x, y: batch × classes.</summary>
public sealed record LogSoftmax<T> : IDescribedLayer<LogSoftmax<T>, T> where T : struct, IFloatingPointIeee754<T>
{
    /// <summary>y_ij = x_ij − m_i − log Σ_k e^(x_ik − m_i) over each row, m_i = max_k x_ik; x and y: batch × classes (feature
    /// vectors only).</summary>
    public Matrix<T> Forward(Matrix<T> x, SampleShape input)
    {
        OutputShape(input);
        return Of(x);
    }

    /// <summary>Row-wise log-softmax of <paramref name="x"/> into a fresh matrix (log-sum-exp with the max shift).</summary>
    public static Matrix<T> Of(Matrix<T> x) => Activations.LogSoftmax(x);

    /// <summary>y = x − log Σ e^x ⇒ dx_ij = dy_ij − e^(y_ij) · Σ_k dy_ik, from the trace's output y; dy and dx: batch ×
    /// classes.</summary>
    public Backprop<T> Backward(Trace<T> trace, Matrix<T> dy, bool needInputGradient = true)
    {
        Shape.RequireSame(this, "dy", dy, "output", trace.Output);
        if (!needInputGradient) return new(NoGradient<T>.Instance, null);
        var (rows, columns) = (dy.RowCount, dy.ColumnCount);
        var ys = Kernels.Values(trace.Output);
        var dys = Kernels.Values(dy);
        using var scratch = new Scratch<T>(rows);
        var total = scratch.Span;
        total.Clear();
        for (var j = 0; j < columns; j++)
            for (var i = 0; i < rows; i++)
                total[i] += dys[j * rows + i];
        var dx = Kernels.UninitializedLike(dy);
        var dxs = Kernels.Values(dx);
        for (var j = 0; j < columns; j++)
            for (var i = 0; i < rows; i++)
                dxs[j * rows + i] = dys[j * rows + i] - T.Exp(ys[j * rows + i]) * total[i];
        return new(NoGradient<T>.Instance, dx);
    }

    /// <summary>Feature vectors only: over an image PyTorch's dim=1 would mean per-pixel softmax over channels.</summary>
    public SampleShape OutputShape(SampleShape input) => input.IsImage
        ? throw new ShapeException($"{this} works on feature vectors (one row of classes), but its input is images {input}: put Flatten() (and a Dense) before it.")
        : input;

    /// <inheritdoc/>
    public static string TypeName => "log_softmax";

    /// <inheritdoc/>
    public static LogSoftmax<T> Build(LayerConfig config, IReadOnlyList<Matrix<T>> tensors) => new();

    /// <summary>Prints "LogSoftmax".</summary>
    public override string ToString() => "LogSoftmax";
}

public static partial class Layer<T>
{
    /// <summary>A log-softmax layer over each row of a batch × classes input.</summary>
    public static LogSoftmax<T> LogSoftmax() => new();
}

public static partial class Layer
{
    /// <inheritdoc cref="Layer{T}.LogSoftmax"/>
    public static LogSoftmax<float> LogSoftmax() => new();
}
