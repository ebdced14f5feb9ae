using System.Numerics.Tensors;
using MathNet.Numerics.LinearAlgebra;

namespace Nabla.Layers;

/// <summary>
/// Inverted dropout: in training y = x ⊙ m with m = 1/(1 − Rate) where a uniform draw u ≥ Rate and 0 elsewhere (each unit
/// dropped with probability Rate, the survivors scaled so E[y] = x); at inference y = x. Any shape in, same shape out.
/// </summary>
public sealed record Dropout<T>(double Rate) : IDescribedLayer<Dropout<T>, T> where T : struct, IFloatingPointIeee754<T>
{
    /// <summary>The probability of dropping a unit, in [0, 1).</summary>
    public double Rate { get; init => field = Hyper.UnitInterval(value, nameof(Rate), "Dropout"); }
        = Hyper.UnitInterval(Rate, nameof(Rate), "Dropout");

    /// <summary>Inference keeps every unit: y = x, returned itself (nothing in Nabla mutates a matrix it did not allocate); batch ×
    /// input.Size.</summary>
    public Matrix<T> Forward(Matrix<T> x, SampleShape input) => x;

    /// <summary>Draws the mask m from <paramref name="rng"/> (one uniform per entry, column-major order) and keeps it in
    /// the trace as "mask", so <see cref="Backward"/> needs no randomness. Images drop single values (PyTorch's
    /// nn.Dropout), not whole channels.</summary>
    public Trace<T> ForwardTrain(Matrix<T> x, SampleShape input, Rng rng)
    {
        if (Rate == 0) return new(x, input, x);
        var keep = T.CreateChecked(1 / (1 - Rate));
        var mask = Kernels.UninitializedLike(x);   // both written in full below
        var y = Kernels.UninitializedLike(x);
        var (xs, ms, ys) = (Kernels.Values(x), Kernels.Values(mask), Kernels.Values(y));
        for (var i = 0; i < xs.Length; i++)
        {
            ms[i] = rng.NextDouble() >= Rate ? keep : T.Zero;
            ys[i] = xs[i] * ms[i];
        }
        return new Trace<T>(x, input, y).With("mask", mask);
    }

    /// <summary>y = x ⊙ m ⇒ dx = dy ⊙ m, with the trace's mask m; without one (Rate 0, or an inference trace) y = x and dx = dy.
    /// dy: batch × input.Size.</summary>
    public Backprop<T> Backward(Trace<T> trace, Matrix<T> dy, bool needInputGradient = true)
    {
        Shape.RequireSame(this, "dy", dy, "input", trace.Input);
        if (!needInputGradient) return new(NoGradient<T>.Instance, null);
        if (!trace.TryGet("mask", out var mask)) return new(NoGradient<T>.Instance, dy);
        Shape.RequireSame(this, "mask", mask, "input", trace.Input);
        var dx = Kernels.UninitializedLike(dy);
        TensorPrimitives.Multiply<T>(Kernels.Values(dy), Kernels.Values(mask), Kernels.Values(dx));
        return new(NoGradient<T>.Instance, dx);
    }

    /// <inheritdoc/>
    public static string TypeName => "dropout";

    /// <summary>{"rate": Rate}.</summary>
    public LayerConfig Config => new(("rate", Rate));

    /// <summary>None; checks that "rate" is in [0, 1).</summary>
    public static IReadOnlyList<TensorDescription> TensorsFor(LayerConfig config)
    {
        RateOf(config);
        return [];
    }

    /// <inheritdoc/>
    public static Dropout<T> Build(LayerConfig config, IReadOnlyList<Matrix<T>> tensors) => new(RateOf(config));

    static double RateOf(LayerConfig config) => config.Number("rate", r => r is >= 0 and < 1, "a dropout rate in [0, 1)");

    /// <summary>Prints "Dropout(0.5)".</summary>
    public override string ToString() => $"Dropout({Rate})";
}

public static partial class Layer<T>
{
    /// <summary>Inverted dropout dropping each unit with probability <paramref name="rate"/> in training (Keras's Dropout(rate)).</summary>
    public static Dropout<T> Dropout(double rate) => new(rate);
}

public static partial class Layer
{
    /// <inheritdoc cref="Layer{T}.Dropout(double)"/>
    public static Dropout<float> Dropout(double rate) => new(rate);
}
