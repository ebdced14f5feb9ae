using MathNet.Numerics.LinearAlgebra;

namespace Nabla.Layers;

/// <summary>
/// Max pooling, PyTorch's nn.MaxPool2d: y[n, c, i, j] = max over the window's real pixels of x[n, c, i·S − P + kh, j·S − P + kw]
/// (kh, kw &lt; Size; padding never wins). x: N × (C·H·W) images, y: N × (C·OH·OW), OH = ⌊(H + 2P − Size)/S⌋ + 1. Backward sends
/// each dy to the pixel that won its window (the first on ties, as PyTorch): the winners are kept in the trace.
/// </summary>
public sealed record MaxPool2D<T> : IDescribedLayer<MaxPool2D<T>, T> where T : struct, IFloatingPointIeee754<T>
{
    readonly PoolWindow window;

    /// <summary>A Size × Size window moving by <paramref name="stride"/> (default: Size, windows side by side) over the image
    /// padded with <paramref name="padding"/> pixels per side (at most Size / 2, as PyTorch requires).</summary>
    public MaxPool2D(int size, int? stride = null, int padding = 0) => window = new("MaxPool2D", size, stride, padding);

    MaxPool2D(PoolWindow window) => this.window = window;

    /// <summary>The window's side.</summary>
    public int Size => window.Size;

    /// <summary>Pixels the window moves per step, ≥ 1.</summary>
    public int Stride { get => window.Stride; init => window = window with { Stride = value }; }

    /// <summary>Pixels of padding per side, 0 to Size / 2 (a window must hold a real pixel).</summary>
    public int Padding { get => window.Padding; init => window = window with { Padding = value }; }

    /// <summary>(C, H, W) → (C, OH, OW).</summary>
    public SampleShape OutputShape(SampleShape input) => window.OutputShape(input);

    /// <summary>y[n, c, i, j] = the window's maximum; x: batch × (C·H·W), y: batch × (C·OH·OW).</summary>
    public Matrix<T> Forward(Matrix<T> x, SampleShape input)
    {
        Shape.Require(this, x, input);
        var g = window.Geometry(x.RowCount, input);
        var y = Kernels.Uninitialized<T>(x.RowCount, input.Channels * g.OH * g.OW);
        using var argmax = new Scratch<T>(g.OutputLength(input.Channels));   // inference needs no winners: a pooled span
        PoolingKernels.MaxForward<T>(g, Kernels.Values(x), Kernels.Values(y), argmax.Span);
        return y;
    }

    /// <summary>Like <see cref="Forward"/>, keeping each window's winner ("argmax": its offset kh·Size + kw) for backward.</summary>
    public Trace<T> ForwardTrain(Matrix<T> x, SampleShape input, Rng rng)
    {
        Shape.Require(this, x, input);
        var g = window.Geometry(x.RowCount, input);
        var y = Kernels.Uninitialized<T>(x.RowCount, input.Channels * g.OH * g.OW);
        var argmax = Kernels.UninitializedLike(y);
        PoolingKernels.MaxForward<T>(g, Kernels.Values(x), Kernels.Values(y), Kernels.Values(argmax));
        return new Trace<T>(x, input, y).With("argmax", argmax);
    }

    /// <summary>y = x[argmax] ⇒ dx[argmax] += dy, 0 elsewhere, with the trace's winners; dy: batch × (C·OH·OW), dx: batch ×
    /// (C·H·W).</summary>
    public Backprop<T> Backward(Trace<T> trace, Matrix<T> dy, bool needInputGradient = true)
    {
        Shape.RequireSame(this, "dy", dy, "output", trace.Output);
        if (!needInputGradient) return new(NoGradient<T>.Instance, null);
        var g = window.Geometry(trace.Input.RowCount, trace.InputShape);
        var dx = Kernels.UninitializedLike(trace.Input);
        PoolingKernels.MaxBackward<T>(g, Kernels.Values(dy), Kernels.Values(trace["argmax"]), Kernels.Values(dx));
        return new(NoGradient<T>.Instance, dx);
    }

    /// <inheritdoc/>
    public static string TypeName => "max_pool2d";

    /// <summary>{"kernel_size": Size, "stride": Stride, "padding": Padding}, as PyTorch's arguments.</summary>
    public LayerConfig Config => window.Config;

    // The saved window, checked; the ONNX exporter reads it here too.
    internal static PoolWindow WindowOf(LayerConfig config) => PoolWindow.Read("MaxPool2D", config);

    /// <summary>None; checks kernel_size ≥ 1, stride ≥ 1 and padding in 0..kernel_size / 2.</summary>
    public static IReadOnlyList<TensorDescription> TensorsFor(LayerConfig config)
    {
        WindowOf(config);
        return [];
    }

    /// <inheritdoc/>
    public static MaxPool2D<T> Build(LayerConfig config, IReadOnlyList<Matrix<T>> tensors) => new(WindowOf(config));

    /// <summary>Prints "MaxPool2D(2)", with the stride and padding when not Size and 0.</summary>
    public override string ToString() => window.ToString();
}

public static partial class Layer<T>
{
    /// <summary>Max pooling over size × size windows, moving by <paramref name="stride"/> (default: size).</summary>
    public static MaxPool2D<T> MaxPool2D(int size, int? stride = null, int padding = 0) => new(size, stride, padding);
}

public static partial class Layer
{
    /// <inheritdoc cref="Layer{T}.MaxPool2D(int, int?, int)"/>
    public static MaxPool2D<float> MaxPool2D(int size, int? stride = null, int padding = 0) => new(size, stride, padding);
}
