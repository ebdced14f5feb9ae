using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using MathNet.Numerics.LinearAlgebra;
using Nabla.Data;
using Nabla.Layers;
using Nabla.Models;

namespace Nabla.Serialization;

/// <summary>
/// Saves and loads Sequential models as safetensors files. Tensors are named as PyTorch names an nn.Sequential's
/// state dict ("0.weight", "0.bias", "2.weight", …) with dense weights stored (out, in) as PyTorch does, so the file
/// loads into the same architecture in PyTorch, and a PyTorch-written file loads here. The architecture travels in
/// the metadata ("nabla.architecture").
/// </summary>
public static class ModelFile
{
    /// <summary>The metadata key of the architecture.</summary>
    public const string ArchitectureKey = "nabla.architecture";

    const string Format = "nabla-sequential";

    // 2: layers carry every setting training needs (Dense's regularizers). Version 1 files (no regularizers) still load.
    const int Version = 2;

    /// <summary>Writes the architecture and the weights (float32, or float64 for a double model).</summary>
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
        Write(model, stream, new Dictionary<string, string> { ["format"] = "pt", [ArchitectureKey] = architecture.ToJsonString() });
    }

    /// <summary>Writes the weights only (any layers, including your own), for <see cref="LoadWeights{T}"/>.</summary>
    public static void SaveWeights<T>(Sequential<T> model, string path) where T : struct, IFloatingPointIeee754<T>
    {
        using var file = File.Create(path);
        Write(model, file, new Dictionary<string, string> { ["format"] = "pt" });
    }

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
        var layers = Architecture(json, path);
        var plan = Plan(layers.Select((l, i) => (StoredNames(l.Type == "dense", i, l.ParameterNames), l.ToString(), l.ParameterShapes)).ToArray(), header, path);
        // Validated: only now are tensors read and layers built.
        var parameters = Read<T>(stream, header, plan, path);
        var model = new Sequential<T>(layers.Select((l, i) => l.Build(parameters[i])).ToImmutableArray());
        if (model.Layers.FirstOrDefault(l => l.Parameters.Count > 0) is { } first)
        {
            try { model.OutputShape(SampleShape.Features(first.Parameters[0].RowCount)); }
            catch (ShapeException e) { throw new DataFormatException(path, $"metadata \"{ArchitectureKey}\"", "layers whose sizes chain", e.Message); }
        }
        return model;
    }

    /// <summary>The model with its parameters replaced by the file's (PyTorch's load_state_dict, strict): every
    /// tensor must be there with the right shape, and no other.</summary>
    public static Sequential<T> LoadWeights<T>(Sequential<T> model, string path) where T : struct, IFloatingPointIeee754<T>
    {
        using var stream = SafeTensors.OpenRead(path);
        var header = SafeTensorsHeader.Read(stream, path);
        var plan = Plan(model.Layers.Select((l, i) => (StoredNames(l is Dense<T>, i, l.ParameterNames), l.ToString()!,
            (IReadOnlyList<(int, int)>)l.Parameters.Select(p => (p.RowCount, p.ColumnCount)).ToArray())).ToArray(), header, path);
        return model.WithParameters(model.Parameters.WithTensors(Read<T>(stream, header, plan, path).SelectMany(p => p)));
    }

    // The architecture: {"format": "nabla-sequential", "version": 1 or 2, "layers": [...]}, each layer checked.
    static SavedLayer[] Architecture(string json, string path)
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
            if (key is not ("format" or "version" or "layers"))
                throw new DataFormatException(path, position, "only the fields format, version, layers", $"\"{key}\"");
        if (architecture["format"] is not JsonValue f || !f.TryGetValue<string>(out var format) || format != Format)
            throw new DataFormatException(path, $"{position}, field \"format\"", $"\"{Format}\"", Clip(architecture["format"]?.ToJsonString() ?? "nothing"));
        if (architecture["version"] is not JsonValue v || !v.TryGetValue<int>(out var version) || version is < 1 or > Version)
            throw new DataFormatException(path, $"{position}, field \"version\"", $"a version this Nabla reads (1 to {Version})",
                $"{Clip(architecture["version"]?.ToJsonString() ?? "nothing")}: a file from a newer Nabla, or not Nabla's");
        if (architecture["layers"] is not JsonArray layers)
            throw new DataFormatException(path, $"{position}, field \"layers\"", "an array of layers", Clip(architecture["layers"]?.ToJsonString() ?? "nothing"));
        return layers.Select((l, i) => LayerSpec.Read(l, path, i)).ToArray();
    }

    static string Clip(string text) => text.Length <= 80 ? text : text[..77] + "…";

    static void Write<T>(Sequential<T> model, Stream stream, Dictionary<string, string> metadata) where T : struct, IFloatingPointIeee754<T>
    {
        var tensors = new List<(string, int[], double[])>();
        for (var i = 0; i < model.Layers.Length; i++)
        {
            var layer = model.Layers[i];
            var names = StoredNames(layer is Dense<T>, i, layer.ParameterNames);
            for (var p = 0; p < names.Length; p++)
            {
                var (name, transpose) = names[p];
                var stored = transpose ? layer.Parameters[p].Transpose() : layer.Parameters[p];
                var values = new double[stored.RowCount * stored.ColumnCount];
                for (var r = 0; r < stored.RowCount; r++)
                    for (var c = 0; c < stored.ColumnCount; c++)
                        values[r * stored.ColumnCount + c] = double.CreateChecked(stored[r, c]);
                int[] shape = name.EndsWith(".bias", StringComparison.Ordinal) ? [values.Length] : [stored.RowCount, stored.ColumnCount];
                tensors.Add((name, shape, values));
            }
        }
        SafeTensors.Write(stream, tensors, metadata, doublePrecision: typeof(T) == typeof(double));
    }

    // Each parameter's stored name, as PyTorch's nn.Sequential names it ("0.weight"), and whether it is transposed at
    // the boundary (dense weights are (out, in) in PyTorch).
    static (string Name, bool Transpose)[] StoredNames(bool dense, int index, IReadOnlyList<string> names) =>
        names.Select(name => ($"{index}.{name}", dense && name == "weight")).ToArray();

    /// <summary>One tensor to read: its header entry and whether it is transposed into the layer.</summary>
    readonly record struct Planned(TensorEntry Entry, bool Transpose);

    // Every tensor the layers need, found in the header with the right shape, and no other tensor: checked on the
    // header alone, so nothing is allocated for a file that would be refused.
    static Planned[][] Plan(((string Name, bool Transpose)[] Names, string Layer, IReadOnlyList<(int Rows, int Columns)> Shapes)[] layers,
        SafeTensorsHeader header, string path)
    {
        var plan = new Planned[layers.Length][];
        var used = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < layers.Length; i++)
        {
            var (names, layer, shapes) = layers[i];
            plan[i] = new Planned[shapes.Count];
            for (var p = 0; p < shapes.Count; p++)
            {
                var (name, transpose) = names[p];
                var (rows, columns) = shapes[p];
                var entry = header.Find(name) ?? throw new DataFormatException(path, $"tensor \"{name}\"", $"a tensor for layer {i} ({layer})",
                    $"none; the file has {(header.Tensors.Count == 0 ? "no tensors" : string.Join(", ", header.Tensors.Select(t => t.Name).Order()))}");
                var expected = transpose ? $"[{columns}, {rows}]" : rows == 1 ? $"[{columns}] or [1, {columns}]" : $"[{rows}, {columns}]";
                var (storedRows, storedColumns) = entry.Shape switch
                {
                    [var n] => (1L, (long)n),
                    [var r, var c] => (r, c),
                    _ => (-1L, -1L),
                };
                if (transpose) (storedRows, storedColumns) = (storedColumns, storedRows);
                if (entry.Shape.Length is not (1 or 2) || transpose && entry.Shape.Length != 2 || storedRows != rows || storedColumns != columns)
                    throw new DataFormatException(path, $"byte {entry.HeaderOffset} (tensor \"{name}\")",
                        $"shape {expected} for layer {i} ({layer})", $"shape [{string.Join(", ", entry.Shape)}]");
                plan[i][p] = new Planned(entry, transpose);
                used.Add(name);
            }
        }
        var unexpected = header.Tensors.Select(t => t.Name).Where(k => !used.Contains(k)).Order().ToArray();
        if (unexpected.Length > 0)
            throw new DataFormatException(path, "tensors", $"only the model's {used.Count} tensors", $"also {string.Join(", ", unexpected)}: is this the same architecture?");
        return plan;
    }

    static Matrix<T>[][] Read<T>(Stream stream, SafeTensorsHeader header, Planned[][] plan, string path) where T : struct, IFloatingPointIeee754<T> =>
        plan.Select(layer => layer.Select(p =>
        {
            var matrix = SafeTensors.ReadTensor(stream, header, p.Entry, path).ToMatrix<T>(p.Entry.Name, path);
            return p.Transpose ? matrix.Transpose() : matrix;
        }).ToArray()).ToArray();
}
