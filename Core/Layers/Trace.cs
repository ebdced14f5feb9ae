using MathNet.Numerics.LinearAlgebra;

namespace Nabla.Layers;

/// <summary>
/// What a training forward leaves for backward: its input and the input's sample shape, its output, what else it drew or
/// computed, by name (dropout's "mask", batch norm's "normalized" and "inverse_std"), and the layer's state after this
/// batch (batch norm's running statistics; null when the layer has none or it did not change). Kept outside the layer,
/// so backward is a pure function and the training step returns the new state inside the new model.
/// </summary>
public sealed record Trace<T>(Matrix<T> Input, SampleShape InputShape, Matrix<T> Output) where T : struct, IFloatingPointIeee754<T>
{
    // A handful of entries at most: a flat array (one allocation per trace) beats a dictionary here.
    (string Name, Matrix<T> Value)[] saved { get; init; } = [];

    /// <summary>The layer's <see cref="ILayer{T}.State"/> after this forward, in the same order; null when unchanged.</summary>
    public IReadOnlyList<Matrix<T>>? State { get; init; }

    /// <summary>This trace with <paramref name="value"/> kept under <paramref name="name"/> for backward.</summary>
    public Trace<T> With(string name, Matrix<T> value)
    {
        if (TryGet(name, out _)) throw new ArgumentException($"Trace: \"{name}\" is already saved.", nameof(name));
        return this with { saved = [.. saved, (name, value)] };
    }

    /// <summary>The tensor saved under <paramref name="name"/>; a missing name is an error that lists the saved ones.</summary>
    public Matrix<T> this[string name] => TryGet(name, out var value) ? value
        : throw new KeyNotFoundException($"{this}: nothing saved as \"{name}\"; saved: {(saved.Length == 0 ? "nothing" : string.Join(", ", SavedNames))}.");

    /// <summary>The tensor saved under <paramref name="name"/>, if any.</summary>
    public bool TryGet(string name, out Matrix<T> value)
    {
        foreach (var (n, v) in saved)
            if (n == name) { value = v; return true; }
        value = null!;
        return false;
    }

    /// <summary>The saved tensors, in the order they were saved.</summary>
    public IEnumerable<Matrix<T>> SavedTensors => saved.Select(s => s.Value);

    /// <summary>The names of the saved tensors, in the order they were saved.</summary>
    public IEnumerable<string> SavedNames => saved.Select(s => s.Name);

    /// <summary>Prints the shapes: "Trace(64×784 (784) → 64×128)".</summary>
    public override string ToString() => $"Trace({Shape.Of(Input)} {InputShape} → {Shape.Of(Output)})";
}
