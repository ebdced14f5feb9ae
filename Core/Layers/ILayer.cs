using MathNet.Numerics.LinearAlgebra;

namespace Nabla.Layers;

/// <summary>
/// A layer: a pure function y = f(x; θ, s) with its derivative. x: batch × input.Size, each row one sample of shape
/// <c>input</c> (a <see cref="SampleShape"/>: features, or an image flattened C, H, W); y: batch × OutputShape(input).Size.
/// θ are the trained <see cref="Parameters"/>, s the <see cref="State"/> that training updates without gradients (batch
/// norm's running statistics). Implementations are immutable records; nothing here mutates its arguments or the layer.
/// </summary>
public interface ILayer<T> where T : struct, IFloatingPointIeee754<T>
{
    /// <summary>The shape of each output sample for input samples of shape <paramref name="input"/>; throws a
    /// <see cref="ShapeException"/> that says what to change when the layer cannot take that shape.</summary>
    SampleShape OutputShape(SampleShape input) => input;

    /// <summary>Inference: y = f(x), each row of x a sample of shape <paramref name="input"/>.</summary>
    Matrix<T> Forward(Matrix<T> x, SampleShape input);

    /// <summary>Training forward: like <see cref="Forward"/>, but may draw randomness (dropout) from <paramref name="rng"/>
    /// and use batch statistics (batch norm); returns everything <see cref="Backward"/> needs, and the layer's new state.</summary>
    Trace<T> ForwardTrain(Matrix<T> x, SampleShape input, Rng rng) => new(x, input, Forward(x, input));

    /// <summary>Given the forward trace and dL/dy (batch × outputs), returns dL/dθ (shaped like
    /// <see cref="Parameters"/>) and dL/dx (batch × inputs; null when <paramref name="needInputGradient"/> is false).</summary>
    Backprop<T> Backward(Trace<T> trace, Matrix<T> dy, bool needInputGradient = true);

    /// <summary>The trained tensors in a fixed order; empty for activations.</summary>
    IReadOnlyList<Matrix<T>> Parameters => [];

    /// <summary>The name of each tensor of <see cref="Parameters"/>, as PyTorch's module names it ("weight", "bias");
    /// a model prefixes the layer's index ("0.weight"). Default: "param0", "param1", ….</summary>
    IReadOnlyList<string> ParameterNames => Parameters.Count is var count and > 0 ? [.. Enumerable.Range(0, count).Select(i => $"param{i}")] : [];

    /// <summary>The same layer with new parameter tensors (same order and shapes as <see cref="Parameters"/>).</summary>
    ILayer<T> WithParameters(IReadOnlyList<Matrix<T>> parameters) => this;

    /// <summary>Tensors that training updates without gradients and inference reads (PyTorch's buffers: batch norm's
    /// running_mean, running_var, num_batches_tracked), in a fixed order; empty for most layers.</summary>
    IReadOnlyList<Matrix<T>> State => [];

    /// <summary>The name of each tensor of <see cref="State"/>, as PyTorch names the buffer.</summary>
    IReadOnlyList<string> StateNames => [];

    /// <summary>The same layer with new state tensors (same order and shapes as <see cref="State"/>).</summary>
    ILayer<T> WithState(IReadOnlyList<Matrix<T>> state) => this;

    /// <summary>What the layer says about itself for saving and export: its type name, settings and named tensors with
    /// PyTorch's shapes (see <see cref="LayerDescription"/>); null for a layer that cannot (one written in a script).</summary>
    LayerDescription? Describe() => null;
}

/// <summary>The result of a backward pass: dL/dθ and, when asked for, dL/dx.</summary>
public sealed record Backprop<T>(IGradient<T> Gradient, Matrix<T>? InputGradient) where T : struct, IFloatingPointIeee754<T>
{
    /// <summary>Prints the gradient and dx's shape, never the values: "Backprop(DenseGradient(784×128, 1×128), dx:
    /// 64×784)".</summary>
    public override string ToString() => $"Backprop({Gradient}, dx: {(InputGradient is null ? "none" : Shape.Of(InputGradient))})";
}

/// <summary>Forward and training forward on feature batches (x: batch × features), where no image shape is needed.</summary>
public static class LayerExtensions
{
    /// <summary><see cref="ILayer{T}.Forward"/> with each row of x taken as a feature vector.</summary>
    public static Matrix<T> Forward<T>(this ILayer<T> layer, Matrix<T> x) where T : struct, IFloatingPointIeee754<T> =>
        layer.Forward(x, SampleShape.Features(x.ColumnCount));

    /// <summary><see cref="ILayer{T}.ForwardTrain"/> with each row of x taken as a feature vector.</summary>
    public static Trace<T> ForwardTrain<T>(this ILayer<T> layer, Matrix<T> x, Rng rng) where T : struct, IFloatingPointIeee754<T> =>
        layer.ForwardTrain(x, SampleShape.Features(x.ColumnCount), rng);
}
