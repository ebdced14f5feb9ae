
namespace Nabla.Optimizers;

/// <summary>
/// AdamW (Loshchilov &amp; Hutter), PyTorch's rule: θ ← θ·(1 − η_t·WeightDecay), then the <see cref="Adam"/> step on the
/// raw gradient, so Δ = −η_t·WeightDecay·θ + Δ_Adam. Defaults: η = 1e-3, β₁ = 0.9, β₂ = 0.999, Epsilon = 1e-8,
/// WeightDecay = 0.01.
/// </summary>
public sealed record AdamW(LearningRateSchedule? LearningRate = null, double Beta1 = 0.9, double Beta2 = 0.999, double Epsilon = 1e-8,
    double WeightDecay = 0.01) : IOptimizer
{
    /// <summary>η_t: a number or a schedule (default 1e-3).</summary>
    public LearningRateSchedule LearningRate { get; init => field = value ?? 1e-3; }
        = LearningRate ?? 1e-3;

    /// <summary>β₁ in [0, 1): decay of the first moment m.</summary>
    public double Beta1 { get; init => field = Hyper.UnitInterval(value, nameof(Beta1), nameof(AdamW)); }
        = Hyper.UnitInterval(Beta1, nameof(Beta1), nameof(AdamW));

    /// <summary>β₂ in [0, 1): decay of the second moment v.</summary>
    public double Beta2 { get; init => field = Hyper.UnitInterval(value, nameof(Beta2), nameof(AdamW)); }
        = Hyper.UnitInterval(Beta2, nameof(Beta2), nameof(AdamW));

    /// <summary>Added after the square root, so a zero second moment does not divide by zero.</summary>
    public double Epsilon { get; init => field = Hyper.Positive(value, nameof(Epsilon), nameof(AdamW)); }
        = Hyper.Positive(Epsilon, nameof(Epsilon), nameof(AdamW));

    /// <summary>λ: the fraction of θ (times η_t) removed each step, outside the adaptive scaling.</summary>
    public double WeightDecay { get; init => field = Hyper.NonNegative(value, nameof(WeightDecay), nameof(AdamW)); }
        = Hyper.NonNegative(WeightDecay, nameof(WeightDecay), nameof(AdamW));

    public IOptimizerState<T> Init<T>(Parameters<T> parameters) where T : struct, IFloatingPointIeee754<T> =>
        new AdamState<T>(0, parameters.ZerosLike(), parameters.ZerosLike());

    public (Parameters<T> Updates, IOptimizerState<T> State) Update<T>(Parameters<T> gradients, IOptimizerState<T> state, Parameters<T> parameters)
        where T : struct, IFloatingPointIeee754<T> =>
        Adam.Step(this, gradients, OptimizerState.As<AdamState<T>>(state, this), parameters,
            LearningRate, Beta1, Beta2, Epsilon, coupledDecay: 0, decoupledDecay: WeightDecay);

    public double? LearningRateInForce<T>(IOptimizerState<T> state) where T : struct, IFloatingPointIeee754<T> =>
        LearningRate.At(OptimizerState.LatestStep(OptimizerState.As<AdamState<T>>(state, this).Count));
}
