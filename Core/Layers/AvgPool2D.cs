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

    public Matrix<T> Forward(Matrix<T> x, SampleShape input) => AveragePooling.Forward(this, x, input);

    // y = mean of the window  ⇒  dx += dy / Size² over the window
    public Backprop<T> Backward(Trace<T> trace, Matrix<T> dy, bool needInputGradient = true) => AveragePooling.Backward(this, trace, dy, needInputGradient);

    public static string TypeName => "avg_pool2d";

    public LayerConfig Config => window.Config;

    // The saved window, checked; the ONNX exporter reads it here too.
    internal static PoolWindow WindowOf(LayerConfig config) => PoolWindow.Read("AvgPool2D", config);

    public static IReadOnlyList<TensorDescription> TensorsFor(LayerConfig config)
    {
        WindowOf(config);
        return [];
    }

    public static AvgPool2D<T> Build(LayerConfig config, IReadOnlyList<Matrix<T>> tensors) => new(WindowOf(config));

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
