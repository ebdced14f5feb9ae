using MathNet.Numerics.LinearAlgebra;

namespace Nabla.Optimizers;

/// <summary>
/// Adam, PyTorch's rule: g' = g + WeightDecay·θ, m = β₁·m + (1 − β₁)·g', v = β₂·v + (1 − β₂)·g'², and at update t (from 1)
/// Δ = −η/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + Epsilon). Defaults: η = 1e-3, β₁ = 0.9, β₂ = 0.999, Epsilon = 1e-8.
/// For decoupled weight decay use <see cref="AdamW"/>.
/// </summary>
public sealed record Adam(LearningRateSchedule? LearningRate = null, double Beta1 = 0.9, double Beta2 = 0.999, double Epsilon = 1e-8,
    double WeightDecay = 0) : IOptimizer
{
    /// <summary>η_t: a number or a schedule (default 1e-3).</summary>
    public LearningRateSchedule LearningRate { get; init => field = value ?? 1e-3; }
        = LearningRate ?? 1e-3;

    /// <summary>β₁ in [0, 1): decay of the first moment m.</summary>
    public double Beta1 { get; init => field = Hyper.UnitInterval(value, nameof(Beta1), nameof(Adam)); }
        = Hyper.UnitInterval(Beta1, nameof(Beta1), nameof(Adam));

    /// <summary>β₂ in [0, 1): decay of the second moment v.</summary>
    public double Beta2 { get; init => field = Hyper.UnitInterval(value, nameof(Beta2), nameof(Adam)); }
        = Hyper.UnitInterval(Beta2, nameof(Beta2), nameof(Adam));

    /// <summary>Added after the square root, so a zero second moment does not divide by zero.</summary>
    public double Epsilon { get; init => field = Hyper.Positive(value, nameof(Epsilon), nameof(Adam)); }
        = Hyper.Positive(Epsilon, nameof(Epsilon), nameof(Adam));

    /// <summary>L2 penalty coefficient added to the gradient (PyTorch Adam's coupled weight_decay).</summary>
    public double WeightDecay { get; init => field = Hyper.NonNegative(value, nameof(WeightDecay), nameof(Adam)); }
        = Hyper.NonNegative(WeightDecay, nameof(WeightDecay), nameof(Adam));

    public IOptimizerState<T> Init<T>(Parameters<T> parameters) where T : struct, IFloatingPointIeee754<T> =>
        new AdamState<T>(0, parameters.ZerosLike(), parameters.ZerosLike());

    public (Parameters<T> Updates, IOptimizerState<T> State) Update<T>(Parameters<T> gradients, IOptimizerState<T> state, Parameters<T> parameters)
        where T : struct, IFloatingPointIeee754<T> =>
        Step(this, gradients, OptimizerState.As<AdamState<T>>(state, this), parameters,
            LearningRate, Beta1, Beta2, Epsilon, coupledDecay: WeightDecay, decoupledDecay: 0);

    public double? LearningRateInForce<T>(IOptimizerState<T> state) where T : struct, IFloatingPointIeee754<T> =>
        LearningRate.At(OptimizerState.LatestStep(OptimizerState.As<AdamState<T>>(state, this).Count));

    /// <summary>The Adam update shared with <see cref="AdamW"/>: coupled decay adds λ·θ to g; decoupled decay adds
    /// −η·λ·θ to Δ (PyTorch's θ ← θ·(1 − η·λ) before the Adam step).</summary>
    internal static (Parameters<T>, IOptimizerState<T>) Step<T>(object owner, Parameters<T> gradients, AdamState<T> s, Parameters<T> parameters,
        LearningRateSchedule learningRate, double beta1, double beta2, double epsilon, double coupledDecay, double decoupledDecay)
        where T : struct, IFloatingPointIeee754<T>
    {
        parameters.RequireSameShapes(gradients, $"{owner.GetType().Name}.Update (parameters vs gradients)");
        var eta = learningRate.At(s.Count);
        var t = s.Count + 1;
        // Bias corrections in double: β₂ᵗ in float loses digits long before t is large.
        var stepSize = T.CreateChecked(-eta / (1 - Math.Pow(beta1, t)));
        var correction2 = T.CreateChecked(Math.Sqrt(1 - Math.Pow(beta2, t)));
        var (b1, b2, eps) = (T.CreateChecked(beta1), T.CreateChecked(beta2), T.CreateChecked(epsilon));
        var (coupled, decoupled) = (T.CreateChecked(coupledDecay), T.CreateChecked(-eta * decoupledDecay));
        var constants = new AdamConstants<T>(coupled, decoupled, b1, b2, T.One / correction2, eps, stepSize);
        var n = gradients.Count;
        var (updates, ms, vs) = (new Matrix<T>[n], new Matrix<T>[n], new Matrix<T>[n]);
        for (var i = 0; i < n; i++)
        {
            var (g, p, m, v) = (Kernels.Values(gradients[i]), Kernels.Values(parameters[i]), Kernels.Values(s.M[i]), Kernels.Values(s.V[i]));
            (updates[i], ms[i], vs[i]) = (Kernels.UninitializedLike(gradients[i]), Kernels.UninitializedLike(gradients[i]), Kernels.UninitializedLike(gradients[i]));
            var (u, nm, nv) = (Kernels.Values(updates[i]), Kernels.Values(ms[i]), Kernels.Values(vs[i]));
            // One SIMD pass per slice; large tensors stream on both cores.
            Workers.ForChunks(g.Length, (start, count) => Simd.AdamStep<T>(g.AsSpan(start, count), p.AsSpan(start, count),
                m.AsSpan(start, count), v.AsSpan(start, count), u.AsSpan(start, count), nm.AsSpan(start, count), nv.AsSpan(start, count), constants));
        }
        return (gradients.WithTensors(updates), new AdamState<T>(t, gradients.WithTensors(ms), gradients.WithTensors(vs)));
    }
}

/// <summary>The state of <see cref="Adam"/> and <see cref="AdamW"/>: updates made, first moments m, second moments v.</summary>
public sealed record AdamState<T>(long Count, Parameters<T> M, Parameters<T> V) : IOptimizerState<T> where T : struct, IFloatingPointIeee754<T>
{
    public StateDict<T> ToStateDict() => StateDict<T>.Empty.With("count", Count).With("m", M).With("v", V);

    public IOptimizerState<T> LoadStateDict(StateDict<T> contents)
    {
        contents.RequireSameNames(ToStateDict(), this);
        return new AdamState<T>(contents.Count(), contents.Slot("m", M)!, contents.Slot("v", V)!);
    }

    public override string ToString() => $"AdamState(count {Count}, {M})";
}
