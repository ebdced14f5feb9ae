using MathNet.Numerics.LinearAlgebra;
using Nabla.Layers;

namespace Nabla.Serialization.Onnx;

using LayerDescription = Nabla.Layers.LayerDescription;   // not Serialization's older record of the same name

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
        ["softmax"] = (g, l) => OverSample(g, l, "Softmax"),
        ["log_softmax"] = (g, l) => OverSample(g, l, "LogSoftmax"),
        ["linear"] = (g, l) => g.Node("Identity", l.Name("linear")),
        // Inference: dropout is the identity (inverted dropout scales in training, not at inference).
        ["dropout"] = (g, l) => g.Node("Identity", l.Name("dropout")),
    };

    /// <summary>Softmax and log-softmax run over every value of a sample (Nabla's rows); ONNX's run over one axis, so an
    /// image is flattened around them and given its shape back.</summary>
    static void OverSample(OnnxGraph g, LayerInGraph l, string op)
    {
        if (!l.Input.IsImage)
        {
            g.Node(op, l.Name(op.ToLowerInvariant()), null, OnnxGraph.Int("axis", -1));
            return;
        }
        g.Node("Flatten", l.Name("flatten"), null, OnnxGraph.Int("axis", 1));
        g.Node(op, l.Name(op.ToLowerInvariant()), null, OnnxGraph.Int("axis", -1));
        g.Node("Reshape", l.Name("reshape"), [g.Int64Initializer(l.Name("shape"), [0, .. l.Input.Dimensions.Select(d => (long)d)])]);
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
