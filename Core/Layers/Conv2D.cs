using MathNet.Numerics.LinearAlgebra;

namespace Nabla.Layers;

/// <summary>
/// 2-D convolution, PyTorch's nn.Conv2d (a cross-correlation): y[n, o, i, j] = b[o] + Σ_{c, kh, kw} W[o, c, kh, kw] ·
/// x[n, c, i·S − P_top + kh, j·S − P_left + kw], zero outside the image. x: N × (C_in·H·W) images, y: N × (C_out·OH·OW),
/// OH = ⌊(H + P_top + P_bottom − KH)/S⌋ + 1 (see <see cref="Layers.Padding"/>). W: the (C_in·KH·KW) × C_out matrix whose
/// storage is PyTorch's (out, in, kh, kw) tensor; b: 1 × C_out, or none. Batches are CHWN (element (n, c, h, w) at
/// ((c·H + h)·W + w)·N + n), so each pass is one im2col and one GEMM (<see cref="Conv2DKernels"/>).
/// </summary>
public sealed record Conv2D<T> : IDescribedLayer<Conv2D<T>, T> where T : struct, IFloatingPointIeee754<T>
{
    /// <summary>A convolution with these weights ((C_in·KH·KW) × C_out), bias (1 × C_out, or null for none) and window.</summary>
    public Conv2D(Matrix<T> weights, Matrix<T>? bias, int kernelHeight, int kernelWidth, int stride = 1, Padding padding = default)
    {
        KernelHeight = Window.CheckSize(kernelHeight, nameof(kernelHeight), "Conv2D");
        KernelWidth = Window.CheckSize(kernelWidth, nameof(kernelWidth), "Conv2D");
        if (weights.RowCount % (kernelHeight * kernelWidth) != 0)
            throw new ShapeException($"Conv2D: the weights are {Shape.Of(weights)}, but a {kernelHeight}×{kernelWidth} kernel needs (in_channels·{kernelHeight * kernelWidth}) × out_channels.");
        if (bias is not null && (bias.RowCount != 1 || bias.ColumnCount != weights.ColumnCount))
            throw new ShapeException($"Conv2D: the bias must be 1×{weights.ColumnCount} (one per output channel), got {Shape.Of(bias)}.");
        (Weights, Bias, Stride, Padding) = (weights, bias, stride, padding);
    }

    /// <summary>W: (C_in·KH·KW) × C_out, PyTorch's (out, in, kh, kw) tensor in its storage.</summary>
    public Matrix<T> Weights { get; init; }

    /// <summary>b: 1 × C_out, or null (bias=False).</summary>
    public Matrix<T>? Bias { get; init; }

    /// <summary>KH.</summary>
    public int KernelHeight { get; }

    /// <summary>KW.</summary>
    public int KernelWidth { get; }

    /// <summary>S: pixels the window moves per step, ≥ 1.</summary>
    public int Stride { get; init => field = Window.CheckStride(value, "Conv2D"); }

    /// <summary>Zeros around the image: "valid", "same" or pixels per side.</summary>
    public Padding Padding { get; init; }

    /// <summary>C_in.</summary>
    public int InChannels => Weights.RowCount / (KernelHeight * KernelWidth);

    /// <summary>C_out.</summary>
    public int OutChannels => Weights.ColumnCount;

    /// <summary>(C_in, H, W) → (C_out, OH, OW).</summary>
    public SampleShape OutputShape(SampleShape input) => OutputShapeOf(Geometry(1, input));

    SampleShape OutputShapeOf(WindowGeometry g) => SampleShape.Image(OutChannels, g.OH, g.OW);

    WindowGeometry Geometry(int n, SampleShape input)
    {
        var g = Window.Over(this, input, n, KernelHeight, KernelWidth, Stride, Padding);
        if (input.Channels != InChannels)
            throw new ShapeException($"{this} takes images of {InChannels} channel{(InChannels == 1 ? "" : "s")}, but its input is {input}: " +
                $"make it Conv2D({input.Channels}, {OutChannels}, …), or check the previous layer's output channels.");
        return g;
    }

    /// <summary>y[n, o, i, j] = b[o] + Σ_{c, kh, kw} W[o, c, kh, kw]·x[n, c, i·S − P_top + kh, j·S − P_left + kw]; x: batch ×
    /// (C_in·H·W), y: batch × (C_out·OH·OW).</summary>
    public Matrix<T> Forward(Matrix<T> x, SampleShape input)
    {
        Shape.Require(this, x, input);
        var g = Geometry(x.RowCount, input);
        var y = Kernels.Uninitialized<T>(x.RowCount, OutputShapeOf(g).Size);   // every value written by the kernel
        Conv2DKernels.Forward<T>(g, OutChannels, Kernels.Values(x), Kernels.Values(Weights), Bias is null ? default : Kernels.Values(Bias), Kernels.Values(y));
        return y;
    }

    /// <summary>y = W·cols + b ⇒ dW = dY·colsᵀ ((C_in·KH·KW) × C_out), db = Σ dY per output channel (1 × C_out), dx = col2im(Wᵀ·dY)
    /// (batch × (C_in·H·W)), all in Conv2DKernels.Backward; dy: batch × (C_out·OH·OW).</summary>
    public Backprop<T> Backward(Trace<T> trace, Matrix<T> dy, bool needInputGradient = true)
    {
        var x = trace.Input;
        var g = Geometry(x.RowCount, trace.InputShape);
        if (dy.RowCount != x.RowCount || dy.ColumnCount != OutputShapeOf(g).Size)
            throw new ShapeException($"{this}: dy must be {x.RowCount}×{OutputShapeOf(g).Size} (batch × {OutputShapeOf(g)}), got {Shape.Of(dy)}.");
        var dW = Kernels.Uninitialized<T>(Weights.RowCount, Weights.ColumnCount);
        var db = Bias is null ? null : Kernels.Uninitialized<T>(1, OutChannels);
        var dx = needInputGradient ? Kernels.Uninitialized<T>(x.RowCount, x.ColumnCount) : null;
        Conv2DKernels.Backward<T>(g, OutChannels, Kernels.Values(x), Kernels.Values(Weights), Kernels.Values(dy),
            dx is null ? default : Kernels.Values(dx), Kernels.Values(dW), db is null ? default : Kernels.Values(db));
        return new(new Conv2DGradient<T>(dW, db), dx);
    }

    /// <summary>[W, b], or [W] without bias.</summary>
    public IReadOnlyList<Matrix<T>> Parameters => Bias is null ? [Weights] : [Weights, Bias];

    /// <summary>"weight" and "bias" (or "weight" alone), as PyTorch's nn.Conv2d names them.</summary>
    public IReadOnlyList<string> ParameterNames => Bias is null ? TensorNames.Weight : TensorNames.WeightAndBias;

    /// <summary>This layer with W = parameters[0] and, when it has a bias, b = parameters[1].</summary>
    public ILayer<T> WithParameters(IReadOnlyList<Matrix<T>> parameters) =>
        this with { Weights = parameters[0], Bias = Bias is null ? null : parameters[1] };

    /// <inheritdoc/>
    public static string TypeName => "conv2d";

    /// <summary>{"in_channels", "out_channels", "kernel_size": [KH, KW], "stride", "padding", "bias": true or false}, as
    /// nn.Conv2d's arguments.</summary>
    public LayerConfig Config => new(("in_channels", InChannels), ("out_channels", OutChannels),
        ("kernel_size", new System.Text.Json.Nodes.JsonArray(KernelHeight, KernelWidth)), ("stride", Stride), ("padding", Padding.ToJson()), ("bias", Bias is not null));

    /// <summary>weight (out, in, kh, kw) and, with bias, bias (out): PyTorch's nn.Conv2d tensors.</summary>
    public static IReadOnlyList<TensorDescription> TensorsFor(LayerConfig config)
    {
        var (inputs, outputs, (kh, kw)) = (config.Size("in_channels"), config.Size("out_channels"), KernelSize(config));
        config.Int("stride", 1, expected: "a stride ≥ 1");
        Padding.Read(config, "padding");
        if ((long)inputs * kh * kw * outputs > int.MaxValue) throw config.Fail("out_channels", $"fewer: in·kh·kw·out must be at most {int.MaxValue} (one matrix)");
        TensorDescription weight = new("weight", [outputs, inputs, kh, kw], TensorRole.Parameter);
        return config.Flag("bias") ? [weight, new("bias", [outputs], TensorRole.Parameter)] : [weight];
    }

    // [kh, kw], or one number for a square kernel (PyTorch accepts both). The ONNX exporter reads it here too.
    internal static (int Height, int Width) KernelSize(LayerConfig config)
    {
        if (config.Node("kernel_size") is not System.Text.Json.Nodes.JsonArray) return (config.Size("kernel_size"), config.Size("kernel_size"));
        var sizes = config.Ints("kernel_size", 2, 1);
        return (sizes[0], sizes[1]);
    }

    /// <inheritdoc/>
    public static Conv2D<T> Build(LayerConfig config, IReadOnlyList<Matrix<T>> tensors)
    {
        var (kh, kw) = KernelSize(config);
        return new(tensors[0], config.Flag("bias") ? tensors[1] : null, kh, kw, config.Int("stride", 1), Padding.Read(config, "padding"));
    }

    /// <summary>Prints "Conv2D(1 → 32, 5×5)", with the stride and padding when not 1 and "valid".</summary>
    public override string ToString() =>
        $"Conv2D({InChannels} → {OutChannels}, {KernelHeight}×{KernelWidth}{(Stride == 1 ? "" : $", stride {Stride}")}{(Padding == Padding.Valid ? "" : $", padding {Padding}")})";
}

/// <summary>dL/dθ of a <see cref="Conv2D{T}"/>: dW ((C_in·KH·KW) × C_out) and db (1 × C_out, or null without bias).</summary>
public sealed record Conv2DGradient<T>(Matrix<T> Weights, Matrix<T>? Bias) : IGradient<T> where T : struct, IFloatingPointIeee754<T>
{
    /// <summary>[dW, db], or [dW] without bias: the layer's parameter order.</summary>
    public IReadOnlyList<Matrix<T>> Tensors => Bias is null ? [Weights] : [Weights, Bias];

    /// <summary>Prints the shapes: "Conv2DGradient(25×32, 1×32)".</summary>
    public override string ToString() => $"Conv2DGradient({Shape.Of(Weights)}{(Bias is null ? "" : $", {Shape.Of(Bias)}")})";
}

public static partial class Layer<T>
{
    /// <summary>Conv2D(in → out, k×k) as PyTorch initializes nn.Conv2d: weight and bias uniform in ±1/√(in·k·k)
    /// (kaiming_uniform with a = √5 gives exactly that bound). Padding: "valid" (default), "same" or a number.</summary>
    public static Conv2D<T> Conv2D(int inChannels, int outChannels, int kernelSize, Rng rng, int stride = 1, Padding padding = default, bool bias = true)
    {
        if (inChannels <= 0 || outChannels <= 0 || kernelSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(inChannels),
                $"Conv2D({inChannels} → {outChannels}, {kernelSize}×{kernelSize}): channels and kernel size must be at least 1.");
        var fanIn = inChannels * kernelSize * kernelSize;
        var bound = 1 / Math.Sqrt(fanIn);
        var init = Init.Uniform(bound);
        return new(init.Draw<T>(fanIn, outChannels, rng), bias ? init.Draw<T>(1, outChannels, rng) : null, kernelSize, kernelSize, stride, padding);
    }
}

public static partial class Layer
{
    /// <inheritdoc cref="Layer{T}.Conv2D(int, int, int, Rng, int, Padding, bool)"/>
    public static Conv2D<float> Conv2D(int inChannels, int outChannels, int kernelSize, Rng rng, int stride = 1, Padding padding = default, bool bias = true) =>
        Layer<float>.Conv2D(inChannels, outChannels, kernelSize, rng, stride, padding, bias);
}
