using Google.Protobuf;
using Nabla.Layers;
using Nabla.Models;

namespace Nabla.Serialization.Onnx;


/// <summary>
/// Writes a <see cref="Sequential{T}"/> as an ONNX model (opset <see cref="Opset"/>, IR version 8), the format
/// ONNX Runtime and the servers built on it run: input "input" of shape (batch, sample shape…) — (batch, features), or
/// (batch, channels, height, width) as PyTorch orders an image — with a dynamic batch dimension, output "output", float32.
/// The graph computes what <see cref="Sequential{T}.Forward(MathNet.Numerics.LinearAlgebra.Matrix{T})"/> computes
/// (inference: dropout is the identity, batch norm uses its running statistics); a loss's output activation (the softmax
/// of <c>Loss.SoftmaxCrossEntropy</c>) is not part of the model, so add a Softmax layer first if the consumer wants
/// probabilities.
/// </summary>
public static class OnnxExport
{
    /// <summary>The operator set the export targets (ONNX 1.12's default set: every operator Nabla uses exists in it).</summary>
    public const int Opset = 17;

    /// <summary>Writes <paramref name="model"/> to <paramref name="path"/>. The input shape is <paramref name="input"/>, else
    /// the model's <see cref="Sequential{T}.InputShape"/>, else the first Dense layer's inputs; returns the one used.</summary>
    public static SampleShape Save<T>(Sequential<T> model, string path, SampleShape? input = null) where T : struct, IFloatingPointIeee754<T>
    {
        var shape = InputShapeOf(model, input);
        var proto = Build(model, shape);
        AtomicFile.Write(path, proto.WriteTo);
        return shape;
    }

    /// <summary>The model's ONNX graph in memory (what <see cref="Save"/> writes).</summary>
    internal static ModelProto Build<T>(Sequential<T> model, SampleShape? input = null) where T : struct, IFloatingPointIeee754<T>
    {
        var sample = InputShapeOf(model, input);
        var shape = sample;
        var graph = new OnnxGraph(shape.Dimensions);
        for (var i = 0; i < model.Layers.Length; i++)
        {
            var layer = model.Layers[i];
            var description = layer.Describe()
                ?? throw new NotSupportedException($"Layer {i}, {layer} ({layer.GetType().Name}), is not a built-in layer, so it has no ONNX form. " +
                    "Export a model made of Nabla's layers (a script's own layer cannot be exported).");
            if (!OnnxOperators.ByType.TryGetValue(description.Type, out var export))
                throw new NotSupportedException($"Layer {i}, {layer}: no ONNX form is defined for layer type \"{description.Type}\".");
            var matrices = layer.Parameters.Concat(layer.State).ToArray();
            var tensors = description.Tensors.Select((t, k) => (t, LayerInGraph.Values(matrices[k])));
            export(graph, new LayerInGraph(graph, i, description, shape, tensors));
            shape = layer.OutputShape(shape);
        }
        return graph.Finish(shape.Dimensions, new Dictionary<string, string>
        {
            ["nabla.input_shape"] = sample.ToString(),
            ["nabla.model"] = model.ToString(),
        });
    }

    static SampleShape InputShapeOf<T>(Sequential<T> model, SampleShape? input) where T : struct, IFloatingPointIeee754<T> =>
        input ?? model.InputShape ?? FirstDenseInputs(model) ?? throw new ArgumentException("ONNX export needs the shape of one input sample: this model's first layer does not say it. " +
                "Pass it (OnnxExport.Save(model, path, SampleShape.Image(1, 28, 28))), or build the model with Sequential.Of(SampleShape…, layers).");

    static SampleShape? FirstDenseInputs<T>(Sequential<T> model) where T : struct, IFloatingPointIeee754<T> =>
        model.Layers.FirstOrDefault() is Dense<T> dense ? SampleShape.Features(dense.Inputs) : null;
}
