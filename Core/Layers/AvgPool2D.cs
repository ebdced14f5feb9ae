using MathNet.Numerics.LinearAlgebra;

namespace Nabla.Layers;

/// <summary>
/// Average pooling, PyTorch's nn.AvgPool2d (count_include_pad=True): y[n, c, i, j] = (1/Size²) Σ_{kh, kw &lt; Size}
/// x[n, c, i·S − P + kh, j·S − P + kw], padding counting as 0. x: N × (C·H·W) images, y: N × (C·OH·OW),
/// OH = ⌊(H + 2P − Size)/S⌋ + 1. Backward: dx gets dy / Size² at every pixel of each window.
/// </summary>
public sealed record AvgPool2D<T> : IDescribedLayer<AvgPool2D<T>, T> where T : struct, IFloatingPointIeee754<T>
{
    /// <summary>A Size × Size window moving by <paramref name="stride"/> (default: Size) over the image padded with
    /// <paramref name="padding"/> pixels per side (at most Size / 2, as PyTorch requires).</summary>
    public AvgPool2D(int size, int? stride = null, int padding = 0)
    {
        Size = Window.CheckSize(size, nameof(size), "AvgPool2D");
        Stride = stride ?? size;
        Padding = padding;
    }

    /// <summary>The window's side.</summary>
    public int Size { get; }

    /// <summary>Pixels the window moves per step, ≥ 1.</summary>
    public int Stride { get; init => field = Window.CheckStride(value, "AvgPool2D"); }

    /// <summary>Pixels of zero padding per side, 0 to Size / 2.</summary>
    public int Padding
    {
        get;
        init => field = value >= 0 && value <= Size / 2 ? value
            : throw new ArgumentOutOfRangeException(nameof(Padding), value, $"AvgPool2D: padding must be between 0 and half the window ({Size / 2}), got {value}.");
    }

    WindowGeometry Geometry(int n, SampleShape input) => Window.Over(this, input, n, Size, Size, Stride, Layers.Padding.Of(Padding));

    /// <summary>(C, H, W) → (C, OH, OW).</summary>
    public SampleShape OutputShape(SampleShape input)
    {
        var g = Geometry(1, input);
        return SampleShape.Image(input.Channels, g.OH, g.OW);
    }

    public Matrix<T> Forward(Matrix<T> x, SampleShape input)
    {
        Shape.Require(this, x, input);
        var g = Geometry(x.RowCount, input);
        var y = Kernels.Uninitialized<T>(x.RowCount, input.Channels * g.OH * g.OW);
        PoolingKernels.AverageForward<T>(g, Kernels.Values(x), Kernels.Values(y));
        return y;
    }

    // y = mean of the window  ⇒  dx += dy / Size² over the window
    public Backprop<T> Backward(Trace<T> trace, Matrix<T> dy, bool needInputGradient = true)
    {
        Shape.RequireSame(this, "dy", dy, "output", trace.Output);
        if (!needInputGradient) return new(NoGradient<T>.Instance, null);
        var g = Geometry(trace.Input.RowCount, trace.InputShape);
        var dx = Kernels.UninitializedLike(trace.Input);
        PoolingKernels.AverageBackward<T>(g, Kernels.Values(dy), Kernels.Values(dx));
        return new(NoGradient<T>.Instance, dx);
    }

    public static string TypeName => "avg_pool2d";

    public LayerConfig Config => new(("kernel_size", Size), ("stride", Stride), ("padding", Padding));

    public static IReadOnlyList<TensorDescription> TensorsFor(LayerConfig config)
    {
        Build(config, []);
        return [];
    }

    public static AvgPool2D<T> Build(LayerConfig config, IReadOnlyList<Matrix<T>> tensors)
    {
        var size = config.Size("kernel_size");
        return new(size, config.Int("stride", 1, expected: "a stride ≥ 1"), config.Int("padding", 0, size / 2, $"a padding between 0 and {size / 2}"));
    }

    public override string ToString() => $"AvgPool2D({Size}{(Stride == Size ? "" : $", stride {Stride}")}{(Padding == 0 ? "" : $", padding {Padding}")})";
}

public static partial class Layer<T>
{
    /// <summary>Average pooling over size × size windows, moving by <paramref name="stride"/> (default: size).</summary>
    public static AvgPool2D<T> AvgPool2D(int size, int? stride = null, int padding = 0) => new(size, stride, padding);
}

public static partial class Layer
{
    /// <inheritdoc cref="Layer{T}.AvgPool2D(int, int?, int)"/>
    public static AvgPool2D<float> AvgPool2D(int size, int? stride = null, int padding = 0) => new(size, stride, padding);
}
