using System.Numerics.Tensors;
using MathNet.Numerics.LinearAlgebra;

namespace Nabla.Layers;

/// <summary>
/// Inverted dropout: in training y = x ⊙ m with m = 1/(1 − Rate) where a uniform draw u ≥ Rate and 0 elsewhere (each unit
/// dropped with probability Rate, the survivors scaled so E[y] = x); at inference y = x. Any shape in, same shape out.
/// </summary>
public sealed record Dropout<T>(double Rate) : ILayer<T> where T : struct, IFloatingPointIeee754<T>
{
    /// <summary>The probability of dropping a unit, in [0, 1).</summary>
    public double Rate { get; init => field = Hyper.UnitInterval(value, nameof(Rate), "Dropout"); }
        = Hyper.UnitInterval(Rate, nameof(Rate), "Dropout");

    // Inference keeps every unit; returning x itself is safe: nothing in Nabla mutates a matrix it did not allocate.
    public Matrix<T> Forward(Matrix<T> x) => x;

    /// <summary>Draws the mask m from <paramref name="rng"/> (one uniform per entry, column-major order) and keeps it in
    /// the trace's Saved, so <see cref="Backward"/> needs no randomness.</summary>
    public Trace<T> ForwardTrain(Matrix<T> x, Rng rng)
    {
        if (Rate == 0) return new(x, x);
        var keep = T.CreateChecked(1 / (1 - Rate));
        var mask = Kernels.UninitializedLike(x);   // both written in full below
        var y = Kernels.UninitializedLike(x);
        var (xs, ms, ys) = (Kernels.Values(x), Kernels.Values(mask), Kernels.Values(y));
        for (var i = 0; i < xs.Length; i++)
        {
            ms[i] = rng.NextDouble() >= Rate ? keep : T.Zero;
            ys[i] = xs[i] * ms[i];
        }
        return new(x, y, mask);
    }

    // y = x ⊙ m  ⇒  dx = dy ⊙ m  (no mask saved: Rate 0 or an inference trace, so y = x and dx = dy)
    public Backprop<T> Backward(Trace<T> trace, Matrix<T> dy, bool needInputGradient = true)
    {
        Shape.RequireSame(this, "dy", dy, "input", trace.Input);
        if (!needInputGradient) return new(NoGradient<T>.Instance, null);
        if (trace.Saved is not { } mask) return new(NoGradient<T>.Instance, dy);
        Shape.RequireSame(this, "mask", mask, "input", trace.Input);
        var dx = Kernels.UninitializedLike(dy);
        TensorPrimitives.Multiply<T>(Kernels.Values(dy), Kernels.Values(mask), Kernels.Values(dx));
        return new(NoGradient<T>.Instance, dx);
    }

    public override string ToString() => $"Dropout({Rate})";
}
