using System.Runtime.InteropServices;
using Google.Protobuf;

namespace Nabla.Serialization.Onnx;

/// <summary>
/// Builds one ONNX graph node by node: each layer adds its nodes and initializers (weights), reading the name of the
/// value that flows in (<see cref="Current"/>) and naming the one that flows out. Values are float32 tensors; the
/// graph's input is "input" with a dynamic batch dimension named "batch", its output "output".
/// </summary>
sealed class OnnxGraph
{
    /// <summary>The IR version that goes with <see cref="OnnxExport.Opset"/>.</summary>
    const long IrVersion = 8;

    readonly GraphProto graph = new() { Name = "nabla" };
    readonly HashSet<string> names = new(StringComparer.Ordinal);

    /// <summary>A graph whose input is a float tensor of shape (batch, <paramref name="sampleShape"/>…).</summary>
    public OnnxGraph(IReadOnlyList<int> sampleShape)
    {
        graph.Input.Add(TensorValue("input", sampleShape));
        Current = "input";
        names.Add("input");
    }

    /// <summary>The name of the value the next node reads (the previous node's output).</summary>
    public string Current { get; private set; }

    /// <summary>Adds a float32 initializer (a constant such as a weight) from row-major values; returns its name.</summary>
    public string Initializer(string name, IReadOnlyList<long> dims, ReadOnlySpan<float> rowMajor)
    {
        var count = dims.Aggregate(1L, (a, d) => a * d);
        if (count != rowMajor.Length)
            throw new ArgumentException($"ONNX initializer {name}: shape [{string.Join(", ", dims)}] needs {count} values, got {rowMajor.Length}.");
        var tensor = new TensorProto { Name = Unique(name), DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dims);
        // raw_data is little-endian, as ONNX requires; .NET on every supported platform is too.
        tensor.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(rowMajor));
        graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>Adds an int64 initializer (a shape operand, for Reshape); returns its name.</summary>
    public string Int64Initializer(string name, params long[] values)
    {
        var tensor = new TensorProto { Name = Unique(name), DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.Add(values.Length);
        tensor.Int64Data.AddRange(values);
        graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>Adds the node <paramref name="opType"/>(<see cref="Current"/>, <paramref name="operands"/>…) and makes its
    /// output current; <paramref name="name"/> names the node and its output (unique within the graph).</summary>
    public void Node(string opType, string name, IEnumerable<string>? operands = null, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = Unique($"{name}") };
        node.Input.Add(Current);
        node.Input.AddRange(operands ?? []);
        node.Output.Add(node.Name);
        node.Attribute.AddRange(attributes);
        graph.Node.Add(node);
        Current = node.Name;
    }

    /// <summary>An int attribute.</summary>
    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    /// <summary>A float attribute.</summary>
    public static AttributeProto Float(string name, double value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = (float)value };

    /// <summary>An int-list attribute.</summary>
    public static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    /// <summary>The finished model: the current value renamed "output" (by an Identity node when it is the input itself
    /// or an initializer), with the producer and metadata filled in.</summary>
    public ModelProto Finish(IReadOnlyList<int> outputShape, IReadOnlyDictionary<string, string>? metadata = null)
    {
        if (graph.Node.Count == 0) Node("Identity", "identity");
        var last = graph.Node[^1];
        last.Output[0] = "output";
        graph.Output.Add(TensorValue("output", outputShape));
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "Nabla",
            ProducerVersion = typeof(OnnxGraph).Assembly.GetName().Version!.ToString(3),   // set by the build
            Graph = graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OnnxExport.Opset });
        foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        return model;
    }

    string Unique(string name)
    {
        var candidate = name;
        for (var i = 1; !names.Add(candidate); i++) candidate = $"{name}_{i}";
        return candidate;
    }

    static ValueInfoProto TensorValue(string name, IReadOnlyList<int> sampleShape)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "batch" });
        foreach (var d in sampleShape) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }
}
