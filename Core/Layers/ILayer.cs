using MathNet.Numerics.LinearAlgebra;

namespace Nabla.Layers;

/// <summary>
/// A layer: a pure function y = f(x; θ) with its derivative. x: batch × inputs, y: batch × outputs.
/// Implementations are immutable records; Forward and Backward never mutate their arguments or the layer.
/// </summary>
public interface ILayer<T> where T : struct, IFloatingPointIeee754<T>
{
    /// <summary>Inference: y = f(x).</summary>
    Matrix<T> Forward(Matrix<T> x);

    /// <summary>Training forward: like <see cref="Forward"/>, but may draw randomness (dropout) from
    /// <paramref name="rng"/>, and returns everything <see cref="Backward"/> needs.</summary>
    Trace<T> ForwardTrain(Matrix<T> x, Rng rng) => new(x, Forward(x));

    /// <summary>Given the forward trace and dL/dy (batch × outputs), returns dL/dθ (shaped like
    /// <see cref="Parameters"/>) and dL/dx (batch × inputs; null when <paramref name="needInputGradient"/> is false).</summary>
    Backprop<T> Backward(Trace<T> trace, Matrix<T> dy, bool needInputGradient = true);

    /// <summary>The trainable tensors in a fixed order; empty for activations.</summary>
    IReadOnlyList<Matrix<T>> Parameters => [];

    /// <summary>The name of each tensor of <see cref="Parameters"/>, as PyTorch's module names it ("weight", "bias");
    /// a model prefixes the layer's index ("0.weight"). Default: "param0", "param1", ….</summary>
    IReadOnlyList<string> ParameterNames => [.. Enumerable.Range(0, Parameters.Count).Select(i => $"param{i}")];

    /// <summary>The same layer with new parameter tensors (same order and shapes as <see cref="Parameters"/>).</summary>
    ILayer<T> WithParameters(IReadOnlyList<Matrix<T>> parameters) => this;

    /// <summary>Output columns for <paramref name="inputSize"/> input columns; throws a <see cref="ShapeException"/>
    /// when the layer cannot take that many.</summary>
    int OutputSize(int inputSize) => inputSize;
}

/// <summary>What a training forward leaves for backward: its input, its output, and what else it drew or
/// computed (dropout's mask). Kept outside the layer, so backward is a pure function.</summary>
public sealed record Trace<T>(Matrix<T> Input, Matrix<T> Output, Matrix<T>? Saved = null) where T : struct, IFloatingPointIeee754<T>
{
    public override string ToString() => $"Trace({Shape.Of(Input)} → {Shape.Of(Output)})";
}

/// <summary>The result of a backward pass: dL/dθ and, when asked for, dL/dx.</summary>
public sealed record Backprop<T>(IGradient<T> Gradient, Matrix<T>? InputGradient) where T : struct, IFloatingPointIeee754<T>
{
    public override string ToString() => $"Backprop({Gradient}, dx: {(InputGradient is null ? "none" : Shape.Of(InputGradient))})";
}
