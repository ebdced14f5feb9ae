using MathNet.Numerics.LinearAlgebra;

namespace Nabla.Layers;

/// <summary>A layer that averages each window of its input: <see cref="AvgPool2D{T}"/>, and <see cref="GlobalAveragePool2D{T}"/>,
/// whose one window is the whole image. Its passes are <see cref="AveragePooling"/>'s.</summary>
interface IAveragePooling
{
    /// <summary>The windows over <paramref name="n"/> samples of <paramref name="input"/>; a <see cref="ShapeException"/> naming
    /// the layer when the input is not an image or the window does not fit.</summary>
    WindowGeometry Geometry(int n, SampleShape input);
}

/// <summary>
/// Average pooling's two passes: y[n, c, i, j] = (1/(KH·KW)) Σ_{kh, kw} x[n, c, i·S − P + kh, j·S − P + kw], padding counting
/// as 0 (PyTorch's count_include_pad=True). x: N × (C·H·W) images, y: N × (C·OH·OW). No parameters: backward is dx alone.
/// </summary>
static class AveragePooling
{
    /// <summary>y, each window's mean, after checking that x holds N samples of <paramref name="input"/>.</summary>
    public static Matrix<T> Forward<T>(IAveragePooling layer, Matrix<T> x, SampleShape input) where T : struct, IFloatingPointIeee754<T>
    {
        Shape.Require(layer, x, input);
        var g = layer.Geometry(x.RowCount, input);
        var y = Kernels.Uninitialized<T>(x.RowCount, input.Channels * g.OH * g.OW);
        PoolingKernels.AverageForward<T>(g, Kernels.Values(x), Kernels.Values(y));
        return y;
    }

    /// <summary>y = mean of the window  ⇒  dx += dy / (KH·KW) at every pixel of each window; dx is N × (C·H·W), null unless
    /// <paramref name="needInputGradient"/>. Checks first that dy is shaped as the trace's output.</summary>
    public static Backprop<T> Backward<T>(IAveragePooling layer, Trace<T> trace, Matrix<T> dy, bool needInputGradient) where T : struct, IFloatingPointIeee754<T>
    {
        Shape.RequireSame(layer, "dy", dy, "output", trace.Output);
        if (!needInputGradient) return new(NoGradient<T>.Instance, null);
        var g = layer.Geometry(trace.Input.RowCount, trace.InputShape);
        var dx = Kernels.UninitializedLike(trace.Input);
        PoolingKernels.AverageBackward<T>(g, Kernels.Values(dy), Kernels.Values(dx));
        return new(NoGradient<T>.Instance, dx);
    }
}
