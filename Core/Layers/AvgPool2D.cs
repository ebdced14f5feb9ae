using MathNet.Numerics.LinearAlgebra;

namespace Nabla.Layers;

/// <summary>
/// Average pooling, PyTorch's nn.AvgPool2d (count_include_pad=True): y[n, c, i, j] = (1/Size²) Σ_{kh, kw &lt; Size}
/// x[n, c, i·S − P + kh, j·S − P + kw], padding counting as 0. x: N × (C·H·W) images, y: N × (C·OH·OW),
/// OH = ⌊(H + 2P − Size)/S⌋ + 1. Backward: dx gets dy / Size² at every pixel of each window.
/// </summary>
public sealed record AvgPool2D<T> : IDescribedLayer<AvgPool2D<T>, T>, IAveragePooling where T : struct, IFloatingPointIeee754<T>
{
    readonly PoolWindow window;

    /// <summary>A Size × Size window moving by <paramref name="stride"/> (default: Size) over the image padded with
    /// <paramref name="padding"/> pixels per side (at most Size / 2, as PyTorch requires).</summary>
    public AvgPool2D(int size, int? stride = null, int padding = 0) => window = new("AvgPool2D", size, stride, padding);

    AvgPool2D(PoolWindow window) => this.window = window;

    /// <summary>The window's side.</summary>
    public int Size => window.Size;

    /// <summary>Pixels the window moves per step, ≥ 1.</summary>
    public int Stride { get => window.Stride; init => window = window with { Stride = value }; }

    /// <summary>Pixels of zero padding per side, 0 to Size / 2.</summary>
    public int Padding { get => window.Padding; init => window = window with { Padding = value }; }

    WindowGeometry IAveragePooling.Geometry(int n, SampleShape input) => window.Geometry(n, input);

    /// <summary>(C, H, W) → (C, OH, OW).</summary>
    public SampleShape OutputShape(SampleShape input) => window.OutputShape(input);

    /// <summary>y[n, c, i, j] = the window's mean (padding counted as 0); x: batch × (C·H·W), y: batch × (C·OH·OW).</summary>
    public Matrix<T> Forward(Matrix<T> x, SampleShape input) => AveragePooling.Forward(this, x, input);

    /// <summary>y = mean of the window ⇒ dx += dy / Size² at every pixel of each window; dy: batch × (C·OH·OW), dx: batch ×
    /// (C·H·W).</summary>
    public Backprop<T> Backward(Trace<T> trace, Matrix<T> dy, bool needInputGradient = true) => AveragePooling.Backward(this, trace, dy, needInputGradient);

    /// <inheritdoc/>
    public static string TypeName => "avg_pool2d";

    /// <summary>{"kernel_size": Size, "stride": Stride, "padding": Padding}, as PyTorch's arguments.</summary>
    public LayerConfig Config => window.Config;

    // The saved window, checked; the ONNX exporter reads it here too.
    internal static PoolWindow WindowOf(LayerConfig config) => PoolWindow.Read("AvgPool2D", config);

    /// <summary>None; checks kernel_size ≥ 1, stride ≥ 1 and padding in 0..kernel_size / 2.</summary>
    public static IReadOnlyList<TensorDescription> TensorsFor(LayerConfig config)
    {
        WindowOf(config);
        return [];
    }

    /// <inheritdoc/>
    public static AvgPool2D<T> Build(LayerConfig config, IReadOnlyList<Matrix<T>> tensors) => new(WindowOf(config));

    /// <summary>Prints "AvgPool2D(2)", with the stride and padding when not Size and 0.</summary>
    public override string ToString() => window.ToString();
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
