using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using MathNet.Numerics.LinearAlgebra;
using Nabla.Data;
using Nabla.Layers;
using Nabla.Models;

namespace Nabla.Serialization;

/// <summary>
/// Saves and loads Sequential models as safetensors files. Each layer's tensors (parameters, then state such as batch
/// norm's running statistics) are stored as PyTorch's nn.Sequential names and shapes them in its state dict ("0.weight"
/// (out, in) for a dense layer, (out, in, kh, kw) for a convolution, "1.running_mean", "1.num_batches_tracked" as int64),
/// so the file loads into the same architecture in PyTorch, and a PyTorch-written file loads here. A tensor's values are
/// the storage of the matrix Nabla keeps it in (<see cref="TensorDescription"/>): no layer is special-cased. The
/// architecture (each layer's type and settings, and the input shape when known) travels in the metadata
/// ("nabla.architecture").
/// </summary>
public static class ModelFile
{
    /// <summary>The metadata key of the architecture.</summary>
    public const string ArchitectureKey = "nabla.architecture";

    const string Format = "nabla-sequential";

    // 3: any layer that describes itself, with state tensors, and the input shape. 2: Dense's regularizers. Versions 1 and
    // 2 (dense layers and activations) still load.
    const int Version = 3;

    /// <summary>Writes the architecture and the tensors (float32, or float64 for a double model; int64 counters).</summary>
    public static void Save<T>(Sequential<T> model, string path) where T : struct, IFloatingPointIeee754<T>
    {
        using var file = File.Create(path);
        Save(model, file);
    }

    /// <summary><see cref="Save{T}(Sequential{T}, string)"/> into <paramref name="stream"/>, left open.</summary>
    public static void Save<T>(Sequential<T> model, Stream stream) where T : struct, IFloatingPointIeee754<T>
    {
        var architecture = new JsonObject
        {
            ["format"] = Format,
            ["version"] = Version,
            ["layers"] = new JsonArray(model.Layers.Select(l => (JsonNode?)LayerSpec.Describe(l)).ToArray()),
        };
        if (model.InputShape is { } input) architecture["input_shape"] = new JsonArray(input.Dimensions.Select(d => (JsonNode?)d).ToArray());
        Write(model, stream, new Dictionary<string, string> { ["format"] = "pt", [ArchitectureKey] = architecture.ToJsonString() });
    }

    /// <summary>Writes the tensors only (any layers, including your own), for <see cref="LoadWeights{T}"/>.</summary>
    public static void SaveWeights<T>(Sequential<T> model, string path) where T : struct, IFloatingPointIeee754<T>
    {
        using var file = File.Create(path);
        SaveWeights(model, file);
    }

    /// <summary><see cref="SaveWeights{T}(Sequential{T}, string)"/> into <paramref name="stream"/>, left open.</summary>
    public static void SaveWeights<T>(Sequential<T> model, Stream stream) where T : struct, IFloatingPointIeee754<T> =>
        Write(model, stream, new Dictionary<string, string> { ["format"] = "pt" });

    /// <summary>Rebuilds a model saved by <see cref="Save{T}(Sequential{T}, string)"/>. The whole file (header, architecture, every tensor's
    /// name and shape) is checked before a layer or tensor is allocated, so memory stays bounded by the file's size.</summary>
    public static Sequential<T> Load<T>(string path) where T : struct, IFloatingPointIeee754<T>
    {
        using var stream = SafeTensors.OpenRead(path);
        return Load<T>(stream, path);
    }

    /// <summary><see cref="Load{T}(string)"/> from a seekable stream; <paramref name="path"/> names it in errors.</summary>
    public static Sequential<T> Load<T>(Stream stream, string path) where T : struct, IFloatingPointIeee754<T>
    {
        var header = SafeTensorsHeader.Read(stream, path);
        if (!header.Metadata.TryGetValue(ArchitectureKey, out var json))
            throw new DataFormatException(path, "metadata", $"a \"{ArchitectureKey}\" entry (a model saved by ModelFile.Save)",
                "none: this file holds weights only; build the model in code and call ModelFile.LoadWeights(model, path)");
        var (layers, input) = Architecture(json, path);
        var plan = Plan(layers.Select((l, i) => (l.Type, (IReadOnlyList<TensorDescription>)l.Tensors)).ToArray(), header, path);
        // Validated: only now are tensors read and layers built.
        var tensors = Read<T>(stream, header, plan, path);
        var position = $"metadata \"{ArchitectureKey}\"";
        try
        {
            var model = new Sequential<T>(layers.Select((l, i) => LayerTypes.Build(l.Type, l.Config, tensors[i])).ToImmutableArray());
            if (input is { } shape) return model with { InputShape = shape };   // checks that the layers chain from it
            // Files without an input shape (versions 1 and 2) hold dense layers: they chain from the first one's inputs.
            if (model.Layers.FirstOrDefault(l => l.Parameters.Count > 0) is { } first)
                model.OutputShape(SampleShape.Features(first.Parameters[0].RowCount));
            return model;
        }
        catch (ShapeException e) { throw new DataFormatException(path, position, "layers whose sizes chain", e.Message); }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException or OverflowException)
        {
            throw new DataFormatException(path, position, "layers that can be built", e.Message);
        }
    }

    /// <summary>The model with its tensors (parameters and state) replaced by the file's (PyTorch's load_state_dict,
    /// strict): every tensor must be there with the right shape, and no other.</summary>
    public static Sequential<T> LoadWeights<T>(Sequential<T> model, string path) where T : struct, IFloatingPointIeee754<T>
    {
        using var stream = SafeTensors.OpenRead(path);
        var header = SafeTensorsHeader.Read(stream, path);
        var layers = model.Layers.Select(l => (l.ToString()!, TensorsOf(l))).ToArray();
        var tensors = Read<T>(stream, header, Plan(layers, header, path), path);
        var parameters = new List<Matrix<T>>();
        var state = new List<Matrix<T>>();
        for (var i = 0; i < layers.Length; i++)
        {
            var count = model.Layers[i].Parameters.Count;
            parameters.AddRange(tensors[i].Take(count));
            state.AddRange(tensors[i].Skip(count));
        }
        return model.WithParameters(model.Parameters.WithTensors(parameters)).WithState(model.State.WithTensors(state));
    }

    // A layer's tensors as it describes them; a layer that cannot (a script's) has its parameters stored by the general
    // rule: a rows × columns matrix as the tensor (columns, rows), a single row as a vector.
    static IReadOnlyList<TensorDescription> TensorsOf<T>(ILayer<T> layer) where T : struct, IFloatingPointIeee754<T> =>
        layer.Describe()?.Tensors ?? layer.Parameters.Select((p, i) =>
            new TensorDescription(layer.ParameterNames[i], p.RowCount == 1 ? [p.ColumnCount] : [p.ColumnCount, p.RowCount], TensorRole.Parameter)).ToArray();

    // The architecture: {"format": "nabla-sequential", "version": 1 to 3, "layers": [...], "input_shape": [...]}, each
    // layer checked.
    static (LayerDescription[] Layers, SampleShape? Input) Architecture(string json, string path)
    {
        var position = $"metadata \"{ArchitectureKey}\"";
        JsonNode? root;
        // Duplicate keys refused while parsing (JsonObject would throw an ArgumentException when first read).
        try { root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false }); }
        catch (JsonException e)
        {
            throw new DataFormatException(path, position, "a JSON object {\"format\", \"version\", \"layers\"}",
                $"malformed JSON ({e.Message.Split(" LineNumber:")[0]})");
        }
        if (root is not JsonObject architecture)
            throw new DataFormatException(path, position, "a JSON object {\"format\", \"version\", \"layers\"}", Clip(root?.ToJsonString() ?? "null"));
        foreach (var (key, _) in architecture)
            if (key is not ("format" or "version" or "layers" or "input_shape"))
                throw new DataFormatException(path, position, "only the fields format, version, layers, input_shape", $"\"{key}\"");
        if (architecture["format"] is not JsonValue f || !f.TryGetValue<string>(out var format) || format != Format)
            throw new DataFormatException(path, $"{position}, field \"format\"", $"\"{Format}\"", Clip(architecture["format"]?.ToJsonString() ?? "nothing"));
        if (architecture["version"] is not JsonValue v || !v.TryGetValue<int>(out var version) || version is < 1 or > Version)
            throw new DataFormatException(path, $"{position}, field \"version\"", $"a version this Nabla reads (1 to {Version})",
                $"{Clip(architecture["version"]?.ToJsonString() ?? "nothing")}: a file from a newer Nabla, or not Nabla's");
        if (architecture["layers"] is not JsonArray layers)
            throw new DataFormatException(path, $"{position}, field \"layers\"", "an array of layers", Clip(architecture["layers"]?.ToJsonString() ?? "nothing"));
        return (layers.Select((l, i) => LayerSpec.Read(l, path, i)).ToArray(), InputShape(architecture["input_shape"], path, position));
    }

    // [features] or [channels, height, width], each ≥ 1; absent or null: not known.
    static SampleShape? InputShape(JsonNode? node, string path, string position)
    {
        if (node is null) return null;
        var dims = node is JsonArray a && a.All(d => d is JsonValue x && x.TryGetValue<int>(out var n) && n >= 1)
            ? a.Select(d => d!.GetValue<int>()).ToArray() : null;
        DataFormatException Refused() =>
            new(path, $"{position}, field \"input_shape\"", "[features] or [channels, height, width]", Clip(node.ToJsonString()));
        try
        {
            return dims switch
            {
                [var f] => SampleShape.Features(f),
                [var c, var h, var w] => SampleShape.Image(c, h, w),
                _ => throw Refused(),
            };
        }
        catch (ShapeException) { throw Refused(); }   // sizes whose product overflows
    }

    static string Clip(string text) => text.Length <= 80 ? text : text[..77] + "…";

    static void Write<T>(Sequential<T> model, Stream stream, Dictionary<string, string> metadata) where T : struct, IFloatingPointIeee754<T>
    {
        var tensors = new List<(string, int[], double[])>();
        var integers = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < model.Layers.Length; i++)
        {
            var layer = model.Layers[i];
            var matrices = layer.Parameters.Concat(layer.State).ToArray();
            var descriptions = TensorsOf(layer);
            for (var t = 0; t < descriptions.Count; t++)
            {
                var values = Kernels.Values(matrices[t]).Select(v => double.CreateChecked(v)).ToArray();   // the storage is PyTorch's order
                tensors.Add(($"{i}.{descriptions[t].Name}", descriptions[t].Shape.ToArray(), values));
                if (descriptions[t].Integer) integers.Add($"{i}.{descriptions[t].Name}");
            }
        }
        SafeTensors.Write(stream, tensors, metadata, doublePrecision: typeof(T) == typeof(double), integers);
    }

    // Every tensor the layers need, found in the header with the right shape, and no other tensor: checked on the
    // header alone, so nothing is allocated for a file that would be refused.
    static Planned[][] Plan((string Layer, IReadOnlyList<TensorDescription> Tensors)[] layers, SafeTensorsHeader header, string path)
    {
        var plan = new Planned[layers.Length][];
        var used = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < layers.Length; i++)
        {
            var (layer, tensors) = layers[i];
            plan[i] = new Planned[tensors.Count];
            for (var p = 0; p < tensors.Count; p++)
            {
                var name = $"{i}.{tensors[p].Name}";
                var shape = tensors[p].Shape;
                var entry = header.Find(name) ?? throw new DataFormatException(path, $"tensor \"{name}\"", $"a tensor for layer {i} ({layer})",
                    $"none; the file has {(header.Tensors.Count == 0 ? "no tensors" : string.Join(", ", header.Tensors.Select(t => t.Name).Order()))}");
                // A vector may also be stored as one row ([1, n]), as Nabla's matrices are.
                var fits = entry.Shape.SequenceEqual(shape) || shape.Count == 1 && entry.Shape is [1, var n] && n == shape[0];
                if (!fits)
                    throw new DataFormatException(path, $"byte {entry.HeaderOffset} (tensor \"{name}\")",
                        $"shape [{string.Join(", ", shape)}]{(shape.Count == 1 ? $" or [1, {shape[0]}]" : "")} for layer {i} ({layer})", $"shape [{string.Join(", ", entry.Shape)}]");
                plan[i][p] = new(entry, tensors[p].MatrixShape);
                used.Add(name);
            }
        }
        var unexpected = header.Tensors.Select(t => t.Name).Where(k => !used.Contains(k)).Order().ToArray();
        if (unexpected.Length > 0)
            throw new DataFormatException(path, "tensors", $"only the model's {used.Count} tensors", $"also {string.Join(", ", unexpected)}: is this the same architecture?");
        return plan;
    }

    /// <summary>A tensor to read: its header entry and the matrix its layer keeps it in.</summary>
    readonly record struct Planned(TensorEntry Entry, (int Rows, int Columns) Matrix);

    // Each planned tensor as the matrix its layer keeps it in: (d1·…) × d0, its storage the file's row-major values.
    static Matrix<T>[][] Read<T>(Stream stream, SafeTensorsHeader header, Planned[][] plan, string path) where T : struct, IFloatingPointIeee754<T> =>
        plan.Select(layer => layer.Select(p => SafeTensors.ReadTensor(stream, header, p.Entry, path).ToMatrix<T>(p.Matrix.Rows, p.Matrix.Columns)).ToArray()).ToArray();
}
