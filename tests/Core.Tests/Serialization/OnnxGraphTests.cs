using Google.Protobuf;
using Nabla.Serialization.Onnx;

namespace Nabla.Tests.Serialization;

/// <summary>The ONNX file field by field, decoded with the generated OnnxSubset classes: every layer type's node (operator,
/// name, inputs, attributes), the initializers' names, shapes and values, the model's IR version, opset, producer and
/// metadata; the graph's naming rules; and the refusals of what cannot be exported.</summary>
public sealed class OnnxGraphTests : IDisposable
{
    readonly string _path = Path.Combine(Path.GetTempPath(), $"nabla-onnx-graph-{Guid.NewGuid():N}.onnx");

    public void Dispose() => File.Delete(_path);

    ModelProto Exported(Sequential<float> model, SampleShape? input = null)
    {
        OnnxExport.Save(model, _path, input);
        Assert.False(File.Exists(_path + ".tmp"));
        return ModelProto.Parser.ParseFrom(File.ReadAllBytes(_path));
    }

    static string Render(NodeProto node) =>
        $"{node.OpType} {node.Name}({string.Join(", ", node.Input)}) -> {string.Join(", ", node.Output)}" +
        string.Concat(node.Attribute.Select(a => $" {a.Name}=" + a.Type switch
        {
            AttributeProto.Types.AttributeType.Int => $"{a.I}",
            AttributeProto.Types.AttributeType.Float => $"{a.F:R}f",
            AttributeProto.Types.AttributeType.Ints => $"[{string.Join(", ", a.Ints)}]",
            _ => $"?{a.Type}",
        }));

    static string Render(TensorProto t) => $"{t.Name} {(TensorProto.Types.DataType)t.DataType} [{string.Join(", ", t.Dims)}]";

    static string Render(ValueInfoProto v) =>
        $"{v.Name} {(TensorProto.Types.DataType)v.Type.TensorType.ElemType} [{string.Join(", ", v.Type.TensorType.Shape.Dim.Select(d => d.HasDimParam ? d.DimParam : $"{d.DimValue}"))}]";

    [Fact]
    public void Every_image_layer_type_is_its_operator_with_its_attributes_and_initializers()
    {
        var rng = new Rng(3);
        var model = Sequential.Of(SampleShape.Image(2, 6, 6),
            Layer.Conv2D(2, 3, 3, rng, padding: Padding.Same), Layer.BatchNorm(3, momentum: 0.25, epsilon: 0.5),
            Layer.MaxPool2D(2, stride: 1, padding: 1), Layer.AvgPool2D(3, stride: 2),
            Layer.Conv2D(3, 4, 2, rng, bias: false), Layer.GlobalAveragePool2D());
        var proto = Exported(model);
        Assert.Equal(
        [
            "Conv 0.conv(input, 0.weight, 0.bias) -> 0.conv kernel_shape=[3, 3] strides=[1, 1] pads=[1, 1, 1, 1]",
            "BatchNormalization 1.batch_norm(0.conv, 1.weight, 1.bias, 1.running_mean, 1.running_var) -> 1.batch_norm epsilon=0.5f momentum=0.75f",
            "MaxPool 2.max_pool(1.batch_norm) -> 2.max_pool kernel_shape=[2, 2] strides=[1, 1] pads=[1, 1, 1, 1]",
            "AveragePool 3.avg_pool(2.max_pool) -> 3.avg_pool kernel_shape=[3, 3] strides=[2, 2] pads=[0, 0, 0, 0] count_include_pad=1",
            "Conv 4.conv(3.avg_pool, 4.weight) -> 4.conv kernel_shape=[2, 2] strides=[1, 1] pads=[0, 0, 0, 0]",
            "GlobalAveragePool 5.global_avg_pool(4.conv) -> 5.global_avg_pool",
            "Flatten 5.flatten(5.global_avg_pool) -> output axis=1",
        ], proto.Graph.Node.Select(Render));
        Assert.Equal(
        [
            "0.weight Float [3, 2, 3, 3]", "0.bias Float [3]", "1.weight Float [3]", "1.bias Float [3]", "1.running_mean Float [3]",
            "1.running_var Float [3]", "4.weight Float [4, 3, 2, 2]",
        ], proto.Graph.Initializer.Select(Render));
        Assert.Equal(["input Float [batch, 2, 6, 6]"], proto.Graph.Input.Select(Render));
        Assert.Equal(["output Float [batch, 4]"], proto.Graph.Output.Select(Render));
        // Values are PyTorch's row-major order, float32 little-endian.
        var conv = (Conv2D<float>)model.Layers[0];
        Assert.Equal(LayerInGraph.Values(conv.Parameters[0]), FloatsOf(proto.Graph.Initializer[0]));
        Assert.Equal(1f, FloatsOf(proto.Graph.Initializer[5])[0]);   // running variance starts at 1
    }

    static float[] FloatsOf(TensorProto t) => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(t.RawData.Span).ToArray();

    [Fact]
    public void Every_feature_layer_type_is_its_operator_and_the_model_says_its_producer_opset_and_shape()
    {
        var rng = new Rng(5);
        var model = Sequential.Of(
            Layer.Dense(4, 3, rng), Layer.Relu(), Layer.LeakyRelu(0.25), Layer.Sigmoid(), Layer.Tanh(), Layer.Linear(), Layer.Dropout(0.5),
            Layer.Flatten(), Layer.LogSoftmax(), Layer.Softmax());
        var proto = Exported(model);
        Assert.Equal(
        [
            "Gemm 0.gemm(input, 0.weight, 0.bias) -> 0.gemm transB=1",
            "Relu 1.relu(0.gemm) -> 1.relu",
            "LeakyRelu 2.leaky_relu(1.relu) -> 2.leaky_relu alpha=0.25f",
            "Sigmoid 3.sigmoid(2.leaky_relu) -> 3.sigmoid",
            "Tanh 4.tanh(3.sigmoid) -> 4.tanh",
            "Identity 5.linear(4.tanh) -> 5.linear",
            "Identity 6.dropout(5.linear) -> 6.dropout",
            "Flatten 7.flatten(6.dropout) -> 7.flatten axis=1",
            "LogSoftmax 8.log_softmax(7.flatten) -> 8.log_softmax axis=-1",
            "Softmax 9.softmax(8.log_softmax) -> output axis=-1",
        ], proto.Graph.Node.Select(Render));
        Assert.Equal(["0.weight Float [3, 4]", "0.bias Float [3]"], proto.Graph.Initializer.Select(Render));
        Assert.Equal("nabla", proto.Graph.Name);
        Assert.Equal((8L, "Nabla", typeof(OnnxExport).Assembly.GetName().Version!.ToString(3)), (proto.IrVersion, proto.ProducerName, proto.ProducerVersion));
        Assert.Equal(["\"\" 17"], proto.OpsetImport.Select(o => $"\"{o.Domain}\" {o.Version}"));
        Assert.Equal([$"nabla.input_shape={SampleShape.Features(4)}", $"nabla.model={model}"], proto.MetadataProps.Select(p => $"{p.Key}={p.Value}"));
    }

    [Fact]
    public void The_input_shape_is_the_one_given_else_the_model_s_else_the_first_Dense_layer_s()
    {
        var rng = new Rng(1);
        Assert.Equal(SampleShape.Features(5), OnnxExport.Save(Sequential.Of(Layer.Relu(), Layer.Dense(5, 2, rng)), _path, SampleShape.Features(5)));
        Assert.Equal(SampleShape.Image(1, 2, 2), OnnxExport.Save(Sequential.Of(SampleShape.Image(1, 2, 2), Layer.Flatten(), Layer.Dense(4, 2, rng)), _path));
        Assert.Equal(SampleShape.Features(3), OnnxExport.Save(Sequential.Of(Layer.Dense(3, 2, rng)), _path));
        var none = Assert.Throws<ArgumentException>(() => OnnxExport.Save(Sequential.Of(Layer.Relu(), Layer.Dense(5, 2, rng)), _path));
        Assert.Equal("ONNX export needs the shape of one input sample: this model's first layer does not say it. " +
            "Pass it (OnnxExport.Save(model, path, SampleShape.Image(1, 28, 28))), or build the model with Sequential.Of(SampleShape…, layers).", none.Message);
        Assert.Equal(none.Message, Assert.Throws<ArgumentException>(() => OnnxExport.Save(Sequential.Of<float>(), _path)).Message);
    }

    /// <summary>A script's own layer: the identity, described (when told) as a type ONNX has no form for.</summary>
    sealed record Custom(string? Type) : ILayer<float>
    {
        public Matrix<float> Forward(Matrix<float> x, SampleShape input) => x;
        public Backprop<float> Backward(Trace<float> trace, Matrix<float> dy, bool needInputGradient = true) =>
            new(NoGradient<float>.Instance, needInputGradient ? dy : null);
        public LayerDescription? Describe() => Type is null ? null : new(Type, new LayerConfig(), []);
        public override string ToString() => "Custom";
    }

    [Fact]
    public void A_layer_without_an_ONNX_form_is_refused_naming_it()
    {
        var rng = new Rng(1);
        var own = Assert.Throws<NotSupportedException>(() => OnnxExport.Save(Sequential.Of(Layer.Dense(3, 2, rng), new Custom(null)), _path));
        Assert.Equal("Layer 1, Custom (Custom), is not a built-in layer, so it has no ONNX form. " +
            "Export a model made of Nabla's layers (a script's own layer cannot be exported).", own.Message);
        var unknown = Assert.Throws<NotSupportedException>(() => OnnxExport.Save(Sequential.Of(Layer.Dense(3, 2, rng), new Custom("mystery")), _path));
        Assert.Equal("Layer 1, Custom: no ONNX form is defined for layer type \"mystery\".", unknown.Message);
    }

    [Fact]
    public void The_graph_names_every_value_once_and_finishes_an_empty_graph_with_an_Identity()
    {
        var graph = new OnnxGraph([2]);
        Assert.Equal("input_1", graph.Initializer("input", [2], [1f, 2f]));   // "input" is the graph's input
        Assert.Equal(["w", "w_1", "w_2"], new[] { graph.Initializer("w", [1], [1f]), graph.Int64Initializer("w", 3, -1), graph.Initializer("w", [1], [2f]) });
        var shape = graph.Finish([2]).Graph.Initializer[2];
        Assert.Equal(("w_1", (int)TensorProto.Types.DataType.Int64), (shape.Name, shape.DataType));
        Assert.Equal([2L], shape.Dims);
        Assert.Equal([3L, -1L], shape.Int64Data);
        var wrong = Assert.Throws<ArgumentException>(() => new OnnxGraph([2]).Initializer("0.weight", [2, 3], [1f, 2f]));
        Assert.Equal("ONNX initializer 0.weight: shape [2, 3] needs 6 values, got 2.", wrong.Message);

        var empty = new OnnxGraph([2]).Finish([2]);
        Assert.Equal(["Identity identity(input) -> output"], empty.Graph.Node.Select(Render));
        Assert.Empty(empty.MetadataProps);
        var one = new OnnxGraph([2]);
        one.Node("Relu", "relu");
        Assert.Equal(["Relu relu(input) -> output"], one.Finish([2]).Graph.Node.Select(Render));
    }

    [Fact]
    public void A_layer_asked_for_a_tensor_it_lacks_names_the_ones_it_has()
    {
        ILayer<float> dense = Layer.Dense(3, 2, new Rng(1));
        var description = dense.Describe()!;
        var layer = new LayerInGraph(new OnnxGraph([3]), 4, description, SampleShape.Features(3),
            description.Tensors.Select((t, k) => (t, LayerInGraph.Values(dense.Parameters[k]))));
        Assert.Equal("4.weight", layer.Tensor("weight"));
        Assert.Equal("4.weight", layer.Tensor("weight"));   // added once
        var e = Assert.Throws<InvalidOperationException>(() => layer.Tensor("gamma"));
        Assert.Equal("dense layer 4 has no tensor \"gamma\"; it has weight, bias.", e.Message);
    }
}
