using System.Text.Json.Nodes;
using Nabla.Layers;

namespace Nabla.Serialization;

/// <summary>Layers to and from their JSON description ({"type": "dense", "inputs": 784, "outputs": 128}), the
/// architecture part of a saved model. Parameters are stored separately, as tensors.</summary>
public static class LayerSpec
{
    /// <summary>The description of <paramref name="layer"/>; a layer type Nabla cannot rebuild by name is an error that says what to do.</summary>
    public static JsonObject Describe<T>(ILayer<T> layer) where T : struct, IFloatingPointIeee754<T> => layer switch
    {
        Dense<T> d => new() { ["type"] = "dense", ["inputs"] = d.Inputs, ["outputs"] = d.Outputs },
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

    /// <summary>A layer from its description, with zero parameters (the weights are loaded next).</summary>
    public static ILayer<T> Build<T>(JsonObject spec, string path) where T : struct, IFloatingPointIeee754<T>
    {
        string? type = null;
        int Int(string key) => spec[key]?.GetValue<int>() ?? throw Missing(key);
        double Double(string key) => spec[key]?.GetValue<double>() ?? throw Missing(key);
        Exception Missing(string key) => new Data.DataFormatException(path, $"architecture layer \"{type}\"", $"a \"{key}\" field", spec.ToJsonString());
        try
        {
            type = spec["type"]?.GetValue<string>();
            return type switch
            {
                "dense" => new Dense<T>(Kernels.Zeros<T>(Int("inputs"), Int("outputs")), Kernels.Zeros<T>(1, Int("outputs"))),
                "relu" => new Relu<T>(),
                "leaky_relu" => new LeakyRelu<T>(Double("alpha")),
                "sigmoid" => new Sigmoid<T>(),
                "tanh" => new Tanh<T>(),
                "softmax" => new Softmax<T>(),
                "log_softmax" => new LogSoftmax<T>(),
                "linear" => new Linear<T>(),
                "dropout" => new Dropout<T>(Double("rate")),
                _ => throw new Data.DataFormatException(path, "architecture", "a known layer type (dense, relu, leaky_relu, sigmoid, tanh, softmax, log_softmax, linear, dropout)", $"\"{type}\""),
            };
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentException)
        {
            // A field of the wrong kind ("784", 784.5) or out of range (a negative size, a dropout rate of 1.5).
            throw new Data.DataFormatException(path, $"architecture layer {spec.ToJsonString()}", "fields a layer can be built from", e.Message);
        }
    }
}
