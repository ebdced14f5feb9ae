using System.Text.Json.Nodes;
using Nabla.Data;
using Nabla.Layers;

namespace Nabla.Serialization;

/// <summary>
/// A layer's entry in a saved architecture: its type and settings in one JSON object, {"type": "conv2d", "in_channels": 1,
/// "out_channels": 32, "kernel_size": [5, 5], …}, written from the layer's own description
/// (<see cref="ILayer{T}.Describe"/>) and read back through <see cref="LayerTypes"/>: no list of layer types here.
/// Parameters and state are stored separately, as tensors.
/// </summary>
public static class LayerSpec
{
    /// <summary>The entry of <paramref name="layer"/>; a layer that cannot describe itself (a script's) is an error that
    /// says what to do instead.</summary>
    public static JsonObject Describe<T>(ILayer<T> layer) where T : struct, IFloatingPointIeee754<T>
    {
        var description = layer.Describe() ?? throw new NotSupportedException(
            $"{layer} ({layer.GetType().Name}) is not a built-in layer, so its architecture cannot be saved by name. " +
            "Save its weights with ModelFile.SaveWeights and rebuild the model in code before ModelFile.LoadWeights.");
        var entry = new JsonObject { ["type"] = description.Type };
        foreach (var (name, value) in description.Config.ToJson())
        {
            if (name == "type") throw new InvalidOperationException($"{layer}: a layer setting may not be called \"type\".");
            entry[name] = value?.DeepClone();
        }
        return entry;
    }

    /// <summary>Reads and checks entry <paramref name="index"/> of a saved architecture: a known type, every setting valid
    /// and no other (the tensors' shapes follow from them), without allocating anything for the tensors. Every fault is a
    /// <see cref="DataFormatException"/> naming the file, the layer and the setting.</summary>
    public static LayerDescription Read(JsonNode? node, string path, int index)
    {
        var position = $"metadata \"{ModelFile.ArchitectureKey}\", layer {index}";
        if (node is not JsonObject entry)
            throw new DataFormatException(path, position, "a layer object {\"type\": …}", Show(node));
        var type = entry["type"] is JsonValue t && t.TryGetValue<string>(out var name) ? name : null;
        if (type is null || !LayerTypes.Exists(type))
            throw new DataFormatException(path, $"{position}, field \"type\"", $"a known layer type ({string.Join(", ", LayerTypes.Names)})", Show(entry["type"]));
        var settings = new JsonObject(entry.Where(kv => kv.Key != "type").Select(kv => KeyValuePair.Create(kv.Key, kv.Value?.DeepClone())));
        var checking = LayerConfig.Checking(settings);
        try
        {
            var tensors = LayerTypes.TensorsFor(type, checking);   // checks every setting the layer has
            // A setting the layer does not have (a typo, or a newer Nabla's): refused, as PyTorch refuses an unexpected key.
            if (checking.Unread is [var unknown, ..])
                throw new DataFormatException(path, $"{position} ({type})", $"only the fields of a {type} layer", $"\"{unknown}\"");
            return new LayerDescription(type, LayerConfig.FromJson(settings), tensors);
        }
        catch (LayerConfigException e)
        {
            throw new DataFormatException(path, $"{position} ({type}), field \"{e.Setting}\"", e.Expected, e.Found);
        }
    }

    static string Show(JsonNode? node)
    {
        var text = node?.ToJsonString() ?? "nothing";
        return text.Length <= 80 ? text : text[..77] + "…";
    }
}
