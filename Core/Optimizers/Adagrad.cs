using MathNet.Numerics.LinearAlgebra;

namespace Nabla.Optimizers;

/// <summary>
/// AdaGrad, PyTorch's rule: g' = g + WeightDecay·θ, s = s + g'², Δ = −η_t · g' / (√s + Epsilon); s starts at
/// InitialAccumulatorValue. Defaults as PyTorch's: η = 0.01, Epsilon = 1e-10.
/// </summary>
public sealed record Adagrad(LearningRateSchedule? LearningRate = null, double Epsilon = 1e-10, double InitialAccumulatorValue = 0, double WeightDecay = 0) : IOptimizer
{
    /// <summary>η_t: a number or a schedule (default 0.01).</summary>
    public LearningRateSchedule LearningRate { get; init => field = value ?? 0.01; }
        = LearningRate ?? 0.01;

    /// <summary>Added to √s (after the square root, as PyTorch does) so a zero accumulator does not divide by zero.</summary>
    public double Epsilon { get; init => field = Hyper.Positive(value, nameof(Epsilon), nameof(Adagrad)); }
        = Hyper.Positive(Epsilon, nameof(Epsilon), nameof(Adagrad));

    /// <summary>The accumulator's starting value (Keras uses 0.1, PyTorch 0).</summary>
    public double InitialAccumulatorValue { get; init => field = Hyper.NonNegative(value, nameof(InitialAccumulatorValue), nameof(Adagrad)); }
        = Hyper.NonNegative(InitialAccumulatorValue, nameof(InitialAccumulatorValue), nameof(Adagrad));

    /// <summary>L2 penalty coefficient added to the gradient (PyTorch's coupled weight_decay).</summary>
    public double WeightDecay { get; init => field = Hyper.NonNegative(value, nameof(WeightDecay), nameof(Adagrad)); }
        = Hyper.NonNegative(WeightDecay, nameof(WeightDecay), nameof(Adagrad));

    public IOptimizerState<T> Init<T>(Parameters<T> parameters) where T : struct, IFloatingPointIeee754<T>
    {
        var start = T.CreateChecked(InitialAccumulatorValue);
        return new AdagradState<T>(0, parameters.Map(p => Matrix<T>.Build.Dense(p.RowCount, p.ColumnCount, start)));
    }

    public (Parameters<T> Updates, IOptimizerState<T> State) Update<T>(Parameters<T> gradients, IOptimizerState<T> state, Parameters<T> parameters)
        where T : struct, IFloatingPointIeee754<T>
    {
        var s = OptimizerState.As<AdagradState<T>>(state, this);
        parameters.RequireSameShapes(gradients, "Adagrad.Update (parameters vs gradients)");
        var rate = T.CreateChecked(-LearningRate.At(s.Count));
        var (eps, decay) = (T.CreateChecked(Epsilon), T.CreateChecked(WeightDecay));
        var updates = new Matrix<T>[gradients.Count];
        var sums = new Matrix<T>[gradients.Count];
        for (var i = 0; i < gradients.Count; i++)
        {
            var (g, p, a) = (Kernels.Values(gradients[i]), Kernels.Values(parameters[i]), Kernels.Values(s.SumOfSquares[i]));
            (updates[i], sums[i]) = (Kernels.UninitializedLike(gradients[i]), Kernels.UninitializedLike(gradients[i]));   // all written below
            var (u, na) = (Kernels.Values(updates[i]), Kernels.Values(sums[i]));
            // One SIMD pass per slice; large tensors stream on both cores.
            Workers.ForChunks(g.Length, (start, count) => Simd.AdagradStep<T>(g.AsSpan(start, count), p.AsSpan(start, count),
                a.AsSpan(start, count), u.AsSpan(start, count), na.AsSpan(start, count), rate, decay, eps));
        }
        return (gradients.WithTensors(updates), new AdagradState<T>(s.Count + 1, gradients.WithTensors(sums)));
    }

    public double? LearningRateInForce<T>(IOptimizerState<T> state) where T : struct, IFloatingPointIeee754<T> =>
        LearningRate.At(OptimizerState.LatestStep(OptimizerState.As<AdagradState<T>>(state, this).Count));
}

/// <summary><see cref="Adagrad"/>'s state: the number of updates made and the running sums of squared gradients s.</summary>
public sealed record AdagradState<T>(long Count, Parameters<T> SumOfSquares) : IOptimizerState<T> where T : struct, IFloatingPointIeee754<T>
{
    public StateDict<T> ToStateDict() => StateDict<T>.Empty.With("count", Count).With("sum_of_squares", SumOfSquares);

    public IOptimizerState<T> LoadStateDict(StateDict<T> contents)
    {
        contents.RequireSameNames(ToStateDict(), this);
        return new AdagradState<T>(contents.Count(), contents.Slot("sum_of_squares", SumOfSquares)!);
    }

    public override string ToString() => $"AdagradState(count {Count}, {SumOfSquares})";
}
