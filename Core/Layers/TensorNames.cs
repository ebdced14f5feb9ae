namespace Nabla.Layers;

/// <summary>The tensor names PyTorch gives a layer's parameters, made once: a training step asks each layer for them
/// several times, and a collection expression in a property would build a new list at every call.</summary>
public static class TensorNames
{
    /// <summary>["weight", "bias"]: Dense, Conv2D, BatchNorm (γ is PyTorch's weight, β its bias).</summary>
    public static IReadOnlyList<string> WeightAndBias { get; } = ["weight", "bias"];

    /// <summary>["weight"]: a Conv2D without bias.</summary>
    public static IReadOnlyList<string> Weight { get; } = ["weight"];
}
