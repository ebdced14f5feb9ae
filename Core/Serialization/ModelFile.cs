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
    const string ArchitectureKey = "nabla.architecture";

    /// <summary>Writes the architecture and the weights (float32, or float64 for a double model).</summary>
    public static void Save<T>(Sequential<T> model, string path) where T : struct, IFloatingPointIeee754<T>
    {
        var architecture = new JsonObject
        {
            ["format"] = "nabla-sequential",
            ["version"] = 1,
            ["layers"] = new JsonArray(model.Layers.Select(l => (JsonNode?)LayerSpec.Describe(l)).ToArray()),
        };
        Write(model, path, new Dictionary<string, string> { ["format"] = "pt", [ArchitectureKey] = architecture.ToJsonString() });
    }

    /// <summary>Writes the weights only (any layers, including your own), for <see cref="LoadWeights{T}"/>.</summary>
    public static void SaveWeights<T>(Sequential<T> model, string path) where T : struct, IFloatingPointIeee754<T> =>
        Write(model, path, new Dictionary<string, string> { ["format"] = "pt" });

    /// <summary>Rebuilds a model saved by <see cref="Save{T}"/>.</summary>
    public static Sequential<T> Load<T>(string path) where T : struct, IFloatingPointIeee754<T>
    {
        var (tensors, metadata) = SafeTensors.Read(path);
        if (!metadata.TryGetValue(ArchitectureKey, out var json))
            throw new DataFormatException(path, "metadata", $"a \"{ArchitectureKey}\" entry (a model saved by ModelFile.Save)",
                "none: this file holds weights only; build the model in code and call ModelFile.LoadWeights(model, path)");
        JsonArray layers;
        try
        {
            layers = JsonNode.Parse(json)?["layers"]?.AsArray() ?? throw new JsonException("no \"layers\" array");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new DataFormatException(path, $"metadata \"{ArchitectureKey}\"", "a JSON object with a \"layers\" array", $"{json} ({e.Message})");
        }
        var model = new Sequential<T>(layers.Select(l => LayerSpec.Build<T>(l as JsonObject ?? [], path)).ToImmutableArray());
        return Fill(model, tensors, path);
    }

    /// <summary>The model with its parameters replaced by the file's (PyTorch's load_state_dict, strict): every
    /// tensor must be there with the right shape, and no other.</summary>
    public static Sequential<T> LoadWeights<T>(Sequential<T> model, string path) where T : struct, IFloatingPointIeee754<T> =>
        Fill(model, SafeTensors.Read(path).Tensors, path);

    static void Write<T>(Sequential<T> model, string path, Dictionary<string, string> metadata) where T : struct, IFloatingPointIeee754<T>
    {
        var tensors = new List<(string, int[], double[])>();
        for (var i = 0; i < model.Layers.Length; i++)
            foreach (var (name, matrix, transpose) in Named(model.Layers[i], i))
            {
                var stored = transpose ? matrix.Transpose() : matrix;
                var values = new double[stored.RowCount * stored.ColumnCount];
                for (var r = 0; r < stored.RowCount; r++)
                    for (var c = 0; c < stored.ColumnCount; c++)
                        values[r * stored.ColumnCount + c] = double.CreateChecked(stored[r, c]);
                int[] shape = name.EndsWith(".bias", StringComparison.Ordinal) ? [values.Length] : [stored.RowCount, stored.ColumnCount];
                tensors.Add((name, shape, values));
            }
        SafeTensors.Write(path, tensors, metadata, doublePrecision: typeof(T) == typeof(double));
    }

    // Each parameter's stored name, and whether it is transposed at the boundary (dense weights are (out, in) in PyTorch).
    static IEnumerable<(string Name, Matrix<T> Matrix, bool Transpose)> Named<T>(ILayer<T> layer, int index) where T : struct, IFloatingPointIeee754<T>
    {
        var names = layer.ParameterNames;
        for (var p = 0; p < layer.Parameters.Count; p++)
            yield return ($"{index}.{names[p]}", layer.Parameters[p], layer is Dense<T> && names[p] == "weight");
    }

    static Sequential<T> Fill<T>(Sequential<T> model, IReadOnlyDictionary<string, StoredTensor> tensors, string path) where T : struct, IFloatingPointIeee754<T>
    {
        var used = new HashSet<string>();
        var parameters = new List<Matrix<T>>();
        for (var i = 0; i < model.Layers.Length; i++)
            foreach (var (name, current, transpose) in Named(model.Layers[i], i))
            {
                if (!tensors.TryGetValue(name, out var stored))
                    throw new DataFormatException(path, $"tensor \"{name}\"", $"a tensor for layer {i} ({model.Layers[i]})",
                        $"none; the file has {string.Join(", ", tensors.Keys.Order())}");
                var matrix = stored.ToMatrix<T>(name, path);
                if (transpose) matrix = matrix.Transpose();
                if (matrix.RowCount != current.RowCount || matrix.ColumnCount != current.ColumnCount)
                    throw new DataFormatException(path, $"tensor \"{name}\"",
                        $"shape {(transpose ? $"[{current.ColumnCount}, {current.RowCount}]" : Shape.Of(current))} for layer {i} ({model.Layers[i]})", $"shape {stored}");
                parameters.Add(matrix);
                used.Add(name);
            }
        var unexpected = tensors.Keys.Where(k => !used.Contains(k)).Order().ToArray();
        if (unexpected.Length > 0)
            throw new DataFormatException(path, "tensors", $"only the model's {used.Count} tensors", $"also {string.Join(", ", unexpected)}: is this the same architecture?");
        return model.WithParameters(model.Parameters.WithTensors(parameters));
    }
}
