using System.Collections.Immutable;
using System.Numerics.Tensors;
using MathNet.Numerics.LinearAlgebra;

namespace Nabla.Tensors;

/// <summary>
/// A model's trainable tensors (or their gradients, or an optimizer's updates, or its moments) as one flat, ordered,
/// named list: layer by layer, each layer's tensors in its own order, named as PyTorch names a state dict ("0.weight",
/// "0.bias", "2.weight", …). What optimizers take and give; every tensor derived from another keeps its name, so a
/// transform can be masked by name and optimizer state saved by name.
/// </summary>
public sealed record Parameters<T> where T : struct, IFloatingPointIeee754<T>
{
    /// <summary>Named tensors; <paramref name="names"/> must be unique and as many as the tensors.</summary>
    public Parameters(IEnumerable<string> names, IEnumerable<Matrix<T>> tensors) : this(names.ToImmutableArray(), tensors.ToImmutableArray(), namesChecked: false) { }

    // namesChecked: the names are another Parameters' (unique already), so only the count is checked: a training step
    // derives gradients, updates and new parameters under the same names several times.
    Parameters(ImmutableArray<string> names, ImmutableArray<Matrix<T>> tensors, bool namesChecked)
    {
        (Names, Tensors) = (names, tensors);
        if (Names.Length != Tensors.Length)
            throw new ArgumentException($"Parameters: {Names.Length} names for {Tensors.Length} tensors.", nameof(names));
        if (!namesChecked && Names.Duplicate() is { } twice)
            throw new ArgumentException($"Parameters: the name \"{twice}\" is given twice.", nameof(names));
    }

    /// <summary>The public constructor's work without its enumerables (which would box the arrays): names checked.</summary>
    internal static Parameters<T> Named(ImmutableArray<string> names, ImmutableArray<Matrix<T>> tensors) => new(names, tensors, namesChecked: false);

    /// <summary>Tensors named by their position ("0", "1", …), for lists that belong to no model.</summary>
    public Parameters(IEnumerable<Matrix<T>> tensors) : this(tensors.ToImmutableArray()) { }

    Parameters(ImmutableArray<Matrix<T>> tensors) : this(Enumerable.Range(0, tensors.Length).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), tensors) { }

    /// <summary>The tensors, in order.</summary>
    public ImmutableArray<Matrix<T>> Tensors { get; }

    /// <summary>Each tensor's name, in the same order.</summary>
    public ImmutableArray<string> Names { get; }

    /// <summary>Other tensors under these names (same count and order): how gradients, updates and moments keep the
    /// parameters' names.</summary>
    public Parameters<T> WithTensors(IEnumerable<Matrix<T>> tensors) => new(Names, tensors.ToImmutableArray(), namesChecked: true);

    /// <summary>The tensor named <paramref name="name"/>; a missing name is an error that lists the names.</summary>
    public Matrix<T> this[string name] => Tensors[IndexOf(name)];

    /// <summary>The position of <paramref name="name"/>; a missing name is an error that lists the names.</summary>
    public int IndexOf(string name)
    {
        var index = Names.IndexOf(name);
        return index >= 0 ? index
            : throw new KeyNotFoundException($"No tensor named \"{name}\"; the names are {string.Join(", ", Names)}.");
    }

    /// <summary>Number of tensors.</summary>
    public int Count => Tensors.Length;

    /// <summary>Tensor <paramref name="index"/>.</summary>
    public Matrix<T> this[int index] => Tensors[index];

    /// <summary>Appends the tensors, in order, to <paramref name="list"/> (no enumerator, no boxing: called every step).</summary>
    internal void CollectTensors(List<Matrix<T>> list)
    {
        foreach (var tensor in Tensors) list.Add(tensor);
    }

    /// <summary>Total number of scalars.</summary>
    public long ElementCount => Tensors.Sum(t => (long)t.RowCount * t.ColumnCount);

    /// <summary>Fresh zero tensors of the same shapes.</summary>
    public Parameters<T> ZerosLike() => WithTensors(Tensors.Select(Kernels.ZerosLike));

    /// <summary>θ + Δ, element-wise, into fresh tensors (how an optimizer's updates are applied).</summary>
    public Parameters<T> Add(Parameters<T> updates)
    {
        RequireSameShapes(updates, "Parameters.Add");
        return WithTensors(Tensors.Select((t, i) =>
        {
            var sum = Kernels.UninitializedLike(t);   // fresh (recycled inside Fit): θ + Δ written into it
            t.Add(updates[i], sum);
            return sum;
        }));
    }

    /// <summary>A fresh tensor list from f(tensor) per tensor.</summary>
    public Parameters<T> Map(Func<Matrix<T>, Matrix<T>> f)
    {
        var mapped = ImmutableArray.CreateBuilder<Matrix<T>>(Count);   // a loop, not LINQ: optimizers map at every step
        foreach (var tensor in Tensors) mapped.Add(f(tensor));
        return new(Names, mapped.MoveToImmutable(), namesChecked: true);
    }

    /// <summary>√(Σ θ²) over every scalar of every tensor, summed in double.</summary>
    public double GlobalNorm()
    {
        var sum = 0.0;
        foreach (var t in Tensors) sum += Simd.SumOfSquares<T>(Kernels.Values(t));
        return Math.Sqrt(sum);
    }

    /// <summary>Every tensor times <paramref name="factor"/>, into fresh tensors (recycled inside Fit).</summary>
    public Parameters<T> Scaled(T factor) => Map(t =>
    {
        var scaled = Kernels.UninitializedLike(t);
        TensorPrimitives.Multiply<T>(Kernels.Values(t), factor, Kernels.Values(scaled));
        return scaled;
    });

    /// <summary>Throws unless <paramref name="other"/> has as many tensors, each of the same shape.</summary>
    public void RequireSameShapes(Parameters<T> other, string who)
    {
        if (other.Count != Count)
            throw new ShapeException($"{who}: expected {Count} tensors, got {other.Count}.");
        for (var i = 0; i < Count; i++)
            if (Tensors[i].RowCount != other[i].RowCount || Tensors[i].ColumnCount != other[i].ColumnCount)   // the names formatted only then
                Shape.RequireSame(who, $"tensor {Names[i]}", Tensors[i], $"its counterpart {other.Names[i]}", other[i]);
    }

    /// <summary>Prints the names and shapes, never the values: "Parameters(0.weight: 784×128, 0.bias: 1×128)".</summary>
    public override string ToString() => $"Parameters({string.Join(", ", Names.Select((n, i) => $"{n}: {Shape.Of(Tensors[i])}"))})";
}
