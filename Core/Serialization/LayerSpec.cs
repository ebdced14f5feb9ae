using System.Text.Json.Nodes;
using MathNet.Numerics.LinearAlgebra;
using Nabla.Data;
using Nabla.Layers;

namespace Nabla.Serialization;

/// <summary>Layers to and from their JSON description, the architecture part of a saved model, with every setting
/// training needs: {"type": "dense", "inputs": 784, "outputs": 128, "weight_regularizer": {"type": "l1l2", "l1": 0,
/// "l2": 0.0001}}. Parameters are stored separately, as tensors.</summary>
public static class LayerSpec
{
    /// <summary>The description of <paramref name="layer"/>; a layer or regularizer type Nabla cannot rebuild by name
    /// is an error that says what to do.</summary>
    public static JsonObject Describe<T>(ILayer<T> layer) where T : struct, IFloatingPointIeee754<T> => layer switch
    {
        Dense<T> d => WithRegularizers(new() { ["type"] = "dense", ["inputs"] = d.Inputs, ["outputs"] = d.Outputs }, d),
        Relu<T> => new() { ["type"] = "relu" },
        LeakyRelu<T> l => new() { ["type"] = "leaky_relu", ["alpha"] = l.Alpha },
        Sigmoid<T> => new() { ["type"] = "sigmoid" },
        Tanh<T> => new() { ["type"] = "tanh" },
        Softmax<T> => new() { ["type"] = "softmax" },
        LogSoftmax<T> => new() { ["type"] = "log_softmax" },
        Linear<T> => new() { ["type"] = "linear" },
        Dropout<T> d => new() { ["type"] = "dropout", ["rate"] = d.Rate },
        _ => throw new NotSupportedException(
            $"{layer} ({layer.GetType().Name}) is not a built-in layer, so its architecture cannot be saved by name. " +
            "Save its weights with ModelFile.SaveWeights and rebuild the model in code before ModelFile.LoadWeights."),
    };

    static JsonObject WithRegularizers<T>(JsonObject spec, Dense<T> dense) where T : struct, IFloatingPointIeee754<T>
    {
        if (dense.WeightRegularizer is { } w) spec["weight_regularizer"] = Describe(w, dense, nameof(dense.WeightRegularizer));
        if (dense.BiasRegularizer is { } b) spec["bias_regularizer"] = Describe(b, dense, nameof(dense.BiasRegularizer));
        return spec;
    }

    static JsonObject Describe(IRegularizer regularizer, object layer, string property) => regularizer switch
    {
        L1L2 r => new() { ["type"] = "l1l2", ["l1"] = r.L1, ["l2"] = r.L2 },
        _ => throw new NotSupportedException(
            $"{layer}: its {property} {regularizer} ({regularizer.GetType().Name}) is not a built-in regularizer, so the model " +
            "cannot be saved by name. Use Regularizer.L1, L2 or L1L2, or save the weights with ModelFile.SaveWeights."),
    };

    static readonly Dictionary<string, string[]> Fields = new()
    {
        ["dense"] = ["type", "inputs", "outputs", "weight_regularizer", "bias_regularizer"],
        ["relu"] = ["type"],
        ["leaky_relu"] = ["type", "alpha"],
        ["sigmoid"] = ["type"],
        ["tanh"] = ["type"],
        ["softmax"] = ["type"],
        ["log_softmax"] = ["type"],
        ["linear"] = ["type"],
        ["dropout"] = ["type", "rate"],
    };

    /// <summary>Reads and checks layer <paramref name="index"/> of a saved architecture without allocating anything for
    /// its parameters; every fault is a <see cref="DataFormatException"/> naming the file, the layer and the field.</summary>
    public static SavedLayer Read(JsonNode? node, string path, int index)
    {
        var position = $"metadata \"{ModelFile.ArchitectureKey}\", layer {index}";
        if (node is not JsonObject spec)
            throw new DataFormatException(path, position, "a layer object {\"type\": …}", Show(node));
        var type = spec["type"] is JsonValue t && t.TryGetValue<string>(out var name) ? name : null;
        if (type is null || !Fields.TryGetValue(type, out var fields))
            throw new DataFormatException(path, $"{position}, field \"type\"", $"a known layer type ({string.Join(", ", Fields.Keys)})", Show(spec["type"]));
        foreach (var (key, _) in spec)
            if (!fields.Contains(key))
                throw new DataFormatException(path, $"{position} ({type})", $"only the fields {string.Join(", ", fields)}", $"\"{key}\"");
        var reader = new FieldReader(spec, path, $"{position} ({type})");
        return type switch
        {
            "dense" => Dense(reader),
            "leaky_relu" => new SavedLayer(type, []) { Alpha = reader.Finite("alpha") },
            "dropout" => new SavedLayer(type, []) { Rate = reader.Finite("rate", "a dropout rate in [0, 1)", r => r is >= 0 and < 1) },
            _ => new SavedLayer(type, []),
        };
    }

    static SavedLayer Dense(FieldReader reader)
    {
        var (inputs, outputs) = (reader.Size("inputs"), reader.Size("outputs"));
        if ((long)inputs * outputs > int.MaxValue)
            throw reader.Fail("outputs", $"inputs × outputs of at most {int.MaxValue} (one matrix)", $"{inputs} × {outputs}");
        return new SavedLayer("dense", [(inputs, outputs), (1, outputs)])
        {
            WeightRegularizer = reader.Regularizer("weight_regularizer"),
            BiasRegularizer = reader.Regularizer("bias_regularizer"),
        };
    }

    static string Show(JsonNode? node)
    {
        var text = node?.ToJsonString() ?? "nothing";
        return text.Length <= 80 ? text : text[..77] + "…";
    }

    /// <summary>Typed fields of one layer entry, each fault named with the layer and the field.</summary>
    sealed class FieldReader(JsonObject spec, string path, string position)
    {
        public DataFormatException Fail(string field, string expected, string found) =>
            new(path, $"{position}, field \"{field}\"", expected, found);

        public int Size(string field) =>
            spec[field] is JsonValue v && v.TryGetValue<long>(out var n) && n is > 0 and <= int.MaxValue
                ? (int)n : throw Fail(field, "a size, a whole number ≥ 1", Show(spec[field]));

        public double Finite(string field, string expected = "a number", Func<double, bool>? accept = null) =>
            spec[field] is JsonValue v && v.TryGetValue<double>(out var x) && double.IsFinite(x) && (accept?.Invoke(x) ?? true)
                ? x : throw Fail(field, expected, Show(spec[field]));

        public IRegularizer? Regularizer(string field)
        {
            var node = spec[field];
            if (node is null) return null;   // absent or null: none
            if (node is not JsonObject r || r["type"] is not JsonValue t || !t.TryGetValue<string>(out var type) || type != "l1l2")
                throw Fail(field, "null or a regularizer {\"type\": \"l1l2\", \"l1\": …, \"l2\": …}", Show(node));
            foreach (var (key, _) in r)
                if (key is not ("type" or "l1" or "l2"))
                    throw Fail(field, "only the fields type, l1, l2", $"\"{key}\"");
            var inner = new FieldReader(r, path, $"{position}, field \"{field}\"");
            return new L1L2(inner.Finite("l1", "a penalty ≥ 0", x => x >= 0), inner.Finite("l2", "a penalty ≥ 0", x => x >= 0));
        }
    }
}

/// <summary>One layer of a saved architecture, read and checked but not built: its type, its settings, and the shape
/// of each parameter tensor it needs (rows × columns, in <see cref="ILayer{T}.Parameters"/> order).</summary>
public sealed record SavedLayer(string Type, IReadOnlyList<(int Rows, int Columns)> ParameterShapes)
{
    /// <summary>The name of each parameter tensor, as the built layer's <see cref="ILayer{T}.ParameterNames"/>.</summary>
    public IReadOnlyList<string> ParameterNames => Type == "dense" ? ["weight", "bias"] : [];

    /// <summary>Leaky ReLU's slope for x &lt; 0.</summary>
    public double Alpha { get; init; }

    /// <summary>Dropout's rate.</summary>
    public double Rate { get; init; }

    /// <summary>Dense's penalty on W, or null.</summary>
    public IRegularizer? WeightRegularizer { get; init; }

    /// <summary>Dense's penalty on b, or null.</summary>
    public IRegularizer? BiasRegularizer { get; init; }

    /// <summary>The layer, with <paramref name="parameters"/> shaped as <see cref="ParameterShapes"/>.</summary>
    public ILayer<T> Build<T>(IReadOnlyList<Matrix<T>> parameters) where T : struct, IFloatingPointIeee754<T> => Type switch
    {
        "dense" => new Dense<T>(parameters[0], parameters[1]) { WeightRegularizer = WeightRegularizer, BiasRegularizer = BiasRegularizer },
        "relu" => new Relu<T>(),
        "leaky_relu" => new LeakyRelu<T>(Alpha),
        "sigmoid" => new Sigmoid<T>(),
        "tanh" => new Tanh<T>(),
        "softmax" => new Softmax<T>(),
        "log_softmax" => new LogSoftmax<T>(),
        "linear" => new Linear<T>(),
        "dropout" => new Dropout<T>(Rate),
        _ => throw new InvalidOperationException($"SavedLayer: unknown type \"{Type}\"; LayerSpec.Read makes only known ones."),
    };

    public override string ToString() => Type == "dense" ? $"Dense({ParameterShapes[0].Rows} → {ParameterShapes[0].Columns})" : Type;
}
