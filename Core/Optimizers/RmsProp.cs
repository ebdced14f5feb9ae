using MathNet.Numerics.LinearAlgebra;

namespace Nabla.Optimizers;

/// <summary>
/// RMSProp, PyTorch's rule: g' = g + WeightDecay·θ, v = ρ·v + (1 − ρ)·g'², a = √v + Epsilon (Centered: √(v − ḡ²) + Epsilon
/// with ḡ = ρ·ḡ + (1 − ρ)·g'); Δ = −η_t·g'/a, or with Momentum μ: b = μ·b + g'/a, Δ = −η_t·b.
/// Defaults as PyTorch's (η = 0.01, ρ = 0.99, Epsilon = 1e-8); ρ is PyTorch's alpha, Keras's rho.
/// </summary>
public sealed record RmsProp(LearningRateSchedule? LearningRate = null, double Rho = 0.99, double Epsilon = 1e-8,
    double Momentum = 0, bool Centered = false, double WeightDecay = 0) : IOptimizer
{
    /// <summary>η_t: a number or a schedule (default 0.01).</summary>
    public LearningRateSchedule LearningRate { get; init => field = value ?? 0.01; }
        = LearningRate ?? 0.01;

    /// <summary>ρ in [0, 1): the decay of the running mean of squared gradients.</summary>
    public double Rho { get; init => field = Hyper.UnitInterval(value, nameof(Rho), nameof(RmsProp)); }
        = Hyper.UnitInterval(Rho, nameof(Rho), nameof(RmsProp));

    /// <summary>Added after the square root (as PyTorch does), so a zero mean square does not divide by zero.</summary>
    public double Epsilon { get; init => field = Hyper.Positive(value, nameof(Epsilon), nameof(RmsProp)); }
        = Hyper.Positive(Epsilon, nameof(Epsilon), nameof(RmsProp));

    /// <summary>μ in [0, 1) for the momentum buffer (0: none).</summary>
    public double Momentum { get; init => field = Hyper.UnitInterval(value, nameof(Momentum), nameof(RmsProp)); }
        = Hyper.UnitInterval(Momentum, nameof(Momentum), nameof(RmsProp));

    /// <summary>L2 penalty coefficient added to the gradient (PyTorch's coupled weight_decay).</summary>
    public double WeightDecay { get; init => field = Hyper.NonNegative(value, nameof(WeightDecay), nameof(RmsProp)); }
        = Hyper.NonNegative(WeightDecay, nameof(WeightDecay), nameof(RmsProp));

    public IOptimizerState<T> Init<T>(Parameters<T> parameters) where T : struct, IFloatingPointIeee754<T> =>
        new RmsPropState<T>(0, parameters.ZerosLike(), Centered ? parameters.ZerosLike() : null, Momentum > 0 ? parameters.ZerosLike() : null);

    public (Parameters<T> Updates, IOptimizerState<T> State) Update<T>(Parameters<T> gradients, IOptimizerState<T> state, Parameters<T> parameters)
        where T : struct, IFloatingPointIeee754<T>
    {
        var s = OptimizerState.As<RmsPropState<T>>(state, this);
        parameters.RequireSameShapes(gradients, "RmsProp.Update (parameters vs gradients)");
        var rate = T.CreateChecked(-LearningRate.At(s.Count));
        var (rho, eps, mu, decay) = (T.CreateChecked(Rho), T.CreateChecked(Epsilon), T.CreateChecked(Momentum), T.CreateChecked(WeightDecay));
        var n = gradients.Count;
        var (updates, squares) = (new Matrix<T>[n], new Matrix<T>[n]);
        var means = s.GradientAverage is null ? null : new Matrix<T>[n];
        var buffers = s.Momentum is null ? null : new Matrix<T>[n];
        var constants = new RmsPropConstants<T>(rho, eps, mu, decay, rate);
        for (var i = 0; i < n; i++)
        {
            var (g, p, v) = (Kernels.Values(gradients[i]), Kernels.Values(parameters[i]), Kernels.Values(s.SquareAverage[i]));
            (updates[i], squares[i]) = (Kernels.UninitializedLike(gradients[i]), Kernels.UninitializedLike(gradients[i]));   // all written below
            var (u, nv) = (Kernels.Values(updates[i]), Kernels.Values(squares[i]));
            var m = means is null ? [] : Kernels.Values(s.GradientAverage![i]);
            var nm = means is null ? [] : Kernels.Values(means[i] = Kernels.UninitializedLike(gradients[i]));
            var b = buffers is null ? [] : Kernels.Values(s.Momentum![i]);
            var nb = buffers is null ? [] : Kernels.Values(buffers[i] = Kernels.UninitializedLike(gradients[i]));
            // One SIMD pass per slice; large tensors stream on both cores.
            Workers.ForChunks(g.Length, (start, count) => Simd.RmsPropStep<T>(g.AsSpan(start, count), p.AsSpan(start, count),
                v.AsSpan(start, count), Workers.Chunk(m, start, count), Workers.Chunk(b, start, count), u.AsSpan(start, count),
                nv.AsSpan(start, count), Workers.Chunk(nm, start, count), Workers.Chunk(nb, start, count), constants));
        }
        return (gradients.WithTensors(updates), new RmsPropState<T>(s.Count + 1, gradients.WithTensors(squares),
            means is null ? null : gradients.WithTensors(means), buffers is null ? null : gradients.WithTensors(buffers)));
    }

    public double? LearningRateInForce<T>(IOptimizerState<T> state) where T : struct, IFloatingPointIeee754<T> =>
        LearningRate.At(OptimizerState.LatestStep(OptimizerState.As<RmsPropState<T>>(state, this).Count));
}

/// <summary><see cref="RmsProp"/>'s state: updates made, the running mean square v, the running mean ḡ (Centered only) and
/// the momentum buffers (Momentum &gt; 0 only).</summary>
public sealed record RmsPropState<T>(long Count, Parameters<T> SquareAverage, Parameters<T>? GradientAverage, Parameters<T>? Momentum)
    : IOptimizerState<T> where T : struct, IFloatingPointIeee754<T>
{
    // v and m as in Adam (running means of g² and g), the momentum buffer as Trace names it.
    public StateDict<T> ToStateDict() =>
        StateDict<T>.Empty.With("count", Count).With("v", SquareAverage).With("m", GradientAverage).With("trace", Momentum);

    public IOptimizerState<T> LoadStateDict(StateDict<T> contents)
    {
        contents.RequireSameNames(ToStateDict(), this);
        return new RmsPropState<T>(contents.Count(), contents.Slot("v", SquareAverage)!, contents.Slot("m", GradientAverage),
            contents.Slot("trace", Momentum));
    }

    public override string ToString() => $"RmsPropState(count {Count}, {SquareAverage})";
}
