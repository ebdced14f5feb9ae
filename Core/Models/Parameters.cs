using System.Collections.Immutable;
using System.Numerics.Tensors;
using MathNet.Numerics.LinearAlgebra;

namespace Nabla.Models;

/// <summary>
/// A model's trainable tensors (or their gradients, or an optimizer's updates) as one flat, ordered list: layer by
/// layer, each layer's tensors in its own order. What optimizers take and give.
/// </summary>
public sealed record Parameters<T>(ImmutableArray<Matrix<T>> Tensors) where T : struct, IFloatingPointIeee754<T>
{
    /// <summary>A list from any sequence of tensors.</summary>
    public Parameters(IEnumerable<Matrix<T>> tensors) : this(tensors.ToImmutableArray()) { }

    /// <summary>Number of tensors.</summary>
    public int Count => Tensors.Length;

    /// <summary>Tensor <paramref name="index"/>.</summary>
    public Matrix<T> this[int index] => Tensors[index];

    /// <summary>Total number of scalars.</summary>
    public long ElementCount => Tensors.Sum(t => (long)t.RowCount * t.ColumnCount);

    /// <summary>Fresh zero tensors of the same shapes.</summary>
    public Parameters<T> ZerosLike() => new(Tensors.Select(Kernels.ZerosLike));

    /// <summary>θ + Δ, element-wise, into fresh tensors (how an optimizer's updates are applied).</summary>
    public Parameters<T> Add(Parameters<T> updates)
    {
        RequireSameShapes(updates, "Parameters.Add");
        return new(Tensors.Select((t, i) =>
        {
            var sum = Kernels.FreshLike(t);   // fresh (recycled inside Fit): θ + Δ written into it
            t.Add(updates[i], sum);
            return sum;
        }));
    }

    /// <summary>A fresh tensor list from f(tensor) per tensor.</summary>
    public Parameters<T> Map(Func<Matrix<T>, Matrix<T>> f) => new(Tensors.Select(f));

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
        var scaled = Kernels.FreshLike(t);
        TensorPrimitives.Multiply<T>(Kernels.Values(t), factor, Kernels.Values(scaled));
        return scaled;
    });

    /// <summary>Throws unless <paramref name="other"/> has as many tensors, each of the same shape.</summary>
    public void RequireSameShapes(Parameters<T> other, string who)
    {
        if (other.Count != Count)
            throw new ShapeException($"{who}: expected {Count} tensors, got {other.Count}.");
        for (var i = 0; i < Count; i++)
            Shape.RequireSame(who, $"tensor {i}", Tensors[i], $"its counterpart", other[i]);
    }

    public override string ToString() => $"Parameters({string.Join(", ", Tensors.Select(Shape.Of))})";
}
