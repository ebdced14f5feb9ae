using MathNet.Numerics.LinearAlgebra;
using Nabla.Layers;

namespace Nabla.Serialization.Onnx;

/// <summary>
/// How each layer type is written as ONNX operators (opset <see cref="OnnxExport.Opset"/>). A layer arrives as its
/// description (type, settings, named tensors with PyTorch's shapes) and its tensors, whose storage already holds
/// PyTorch's row-major values, so weights are copied, never transposed. Every layer type Nabla can save has an entry;
/// a test keeps it so.
/// </summary>
static class OnnxOperators
{
    /// <summary>One layer's export: adds its nodes to the graph, reading the value <see cref="OnnxGraph.Current"/>.</summary>
    public delegate void Export(OnnxGraph graph, LayerInGraph layer);

    /// <summary>The exporters by layer type name.</summary>
    public static IReadOnlyDictionary<string, Export> ByType { get; } = new Dictionary<string, Export>(StringComparer.Ordinal)
    {
        // y = x·Wᵀ + b with W stored (out, in) as PyTorch's nn.Linear does: Gemm with transB.
        ["dense"] = (g, l) => g.Node("Gemm", l.Name("gemm"), [l.Tensor("weight"), l.Tensor("bias")], OnnxGraph.Int("transB", 1)),
        ["relu"] = (g, l) => g.Node("Relu", l.Name("relu")),
        ["leaky_relu"] = (g, l) => g.Node("LeakyRelu", l.Name("leaky_relu"), null, OnnxGraph.Float("alpha", l.Config.Number("alpha"))),
        ["sigmoid"] = (g, l) => g.Node("Sigmoid", l.Name("sigmoid")),
        ["tanh"] = (g, l) => g.Node("Tanh", l.Name("tanh")),
        ["softmax"] = (g, l) => g.Node("Softmax", l.Name("softmax"), null, OnnxGraph.Int("axis", -1)),   // feature vectors only (Nabla refuses images)
        ["log_softmax"] = (g, l) => g.Node("LogSoftmax", l.Name("log_softmax"), null, OnnxGraph.Int("axis", -1)),
        ["linear"] = (g, l) => g.Node("Identity", l.Name("linear")),
        // Inference: dropout is the identity (inverted dropout scales in training, not at inference).
        ["dropout"] = (g, l) => g.Node("Identity", l.Name("dropout")),
        // Nabla's CHW sample is ONNX's NCHW image row by row, and the weight is PyTorch's (out, in, kh, kw): Conv as is.
        ["conv2d"] = (g, l) => g.Node("Conv", l.Name("conv"),
            l.Config.Flag("bias") ? [l.Tensor("weight"), l.Tensor("bias")] : [l.Tensor("weight")],
            Window(l, Conv2D<float>.KernelSize(l.Config), Padding.Read(l.Config, "padding"))),
        // Padding reads as −∞ in both (a window never takes a padded zero).
        ["max_pool2d"] = (g, l) => g.Node("MaxPool", l.Name("max_pool"), null,
            Window(l, MaxPool2D<float>.WindowOf(l.Config))),
        // Nabla divides by the whole window, padded zeros included: PyTorch's count_include_pad=True.
        ["avg_pool2d"] = (g, l) => g.Node("AveragePool", l.Name("avg_pool"), null,
            [.. Window(l, AvgPool2D<float>.WindowOf(l.Config)), OnnxGraph.Int("count_include_pad", 1)]),
        // GlobalAveragePool keeps (N, C, 1, 1); Nabla's output is the C features.
        ["global_avg_pool2d"] = (g, l) =>
        {
            g.Node("GlobalAveragePool", l.Name("global_avg_pool"));
            g.Node("Flatten", l.Name("flatten"), null, OnnxGraph.Int("axis", 1));
        },
        // Inference: y = γ·(x − running mean)/√(running var + ε) + β over the channels of (N, C, H, W) or the features of (N, C).
        ["batch_norm"] = (g, l) => g.Node("BatchNormalization", l.Name("batch_norm"),
            [l.Tensor("weight"), l.Tensor("bias"), l.Tensor("running_mean"), l.Tensor("running_var")],
            OnnxGraph.Float("epsilon", l.Config.Number("epsilon")), OnnxGraph.Float("momentum", 1 - l.Config.Number("momentum"))),
        ["flatten"] = (g, l) => g.Node("Flatten", l.Name("flatten"), null, OnnxGraph.Int("axis", 1)),
    };

    // A pooling window is square; its stride is read with the others' below.
    static AttributeProto[] Window(LayerInGraph l, PoolWindow pool) => Window(l, (pool.Size, pool.Size), Padding.Of(pool.Padding));

    /// <summary>kernel_shape, strides and explicit pads [top, left, bottom, right] of a window layer: "same" is resolved for
    /// this layer's input size (TensorFlow's split, the odd pixel at the bottom and right), as the kernels resolve it.</summary>
    static AttributeProto[] Window(LayerInGraph l, (int Height, int Width) kernel, Padding padding)
    {
        var stride = l.Config.Int("stride", 1);
        var geometry = padding.Geometry(1, l.Input, kernel.Height, kernel.Width, stride);
        return
        [
            OnnxGraph.Ints("kernel_shape", kernel.Height, kernel.Width),
            OnnxGraph.Ints("strides", stride, stride),
            OnnxGraph.Ints("pads", geometry.PadTop, geometry.PadLeft, geometry.PadBottom, geometry.PadRight),
        ];
    }
}

/// <summary>One layer as an exporter sees it: its index in the model, its description, its input sample shape, and its
/// tensors added to the graph as initializers on first use (named as in the state dict, "0.weight").</summary>
sealed class LayerInGraph
{
    readonly OnnxGraph graph;
    readonly IReadOnlyDictionary<string, (TensorDescription Description, float[] Values)> tensors;
    readonly Dictionary<string, string> added = new(StringComparer.Ordinal);

    public LayerInGraph(OnnxGraph graph, int index, LayerDescription description, SampleShape input, IEnumerable<(TensorDescription, float[])> tensors)
    {
        this.graph = graph;
        (Index, Description, Input) = (index, description, input);
        this.tensors = tensors.ToDictionary(t => t.Item1.Name, t => t, StringComparer.Ordinal);
    }

    /// <summary>The layer's position in the model.</summary>
    public int Index { get; }

    /// <summary>Its type, settings and named tensors.</summary>
    public LayerDescription Description { get; }

    /// <summary>Its settings.</summary>
    public LayerConfig Config => Description.Config;

    /// <summary>The shape of one input sample.</summary>
    public SampleShape Input { get; }

    /// <summary>A node name unique to this layer: "3.gemm".</summary>
    public string Name(string what) => $"{Index}.{what}";

    /// <summary>The graph name of tensor <paramref name="name"/> ("weight"), added as an initializer with PyTorch's shape.</summary>
    public string Tensor(string name)
    {
        if (added.TryGetValue(name, out var existing)) return existing;
        if (!tensors.TryGetValue(name, out var tensor))
            throw new InvalidOperationException($"{Description.Type} layer {Index} has no tensor \"{name}\"; it has {string.Join(", ", tensors.Keys)}.");
        return added[name] = graph.Initializer($"{Index}.{name}", tensor.Description.Shape.Select(d => (long)d).ToArray(), tensor.Values);
    }

    /// <summary>The float32 values of a layer's tensor matrix: its column-major storage, which is PyTorch's row-major order.</summary>
    public static float[] Values<T>(Matrix<T> m) where T : struct, IFloatingPointIeee754<T>
    {
        var values = Kernels.Values(m).AsSpan(0, m.RowCount * m.ColumnCount);
        var result = new float[values.Length];
        for (var i = 0; i < values.Length; i++) result[i] = float.CreateChecked(values[i]);
        return result;
    }
}
