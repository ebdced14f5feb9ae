namespace Nabla.Optimizers;

/// <summary>
/// RMSProp, PyTorch's rule: g' = g + λ·θ, v = ρ·v + (1 − ρ)·g'², a = √v + ε (Centered: a = √(v − m²) + ε with
/// m = ρ·m + (1 − ρ)·g'); Δ = −η_t·g'/a, or with momentum μ: t = μ·t + g'/a, Δ = −η_t·t. Defaults as PyTorch's
/// (η = 0.01, ρ = 0.99, ε = 1e-8); ρ is PyTorch's alpha, Keras's rho. As a chain: add_decayed_weights(λ),
/// scale_by_rms(ρ, ε, centered), trace(μ), scale_by_learning_rate(η).
/// </summary>
public sealed record RmsProp : ComposedOptimizer
{
    /// <summary>RMSProp with PyTorch's hyperparameters: <c>new RmsProp(1e-3, Momentum: 0.9, Centered: true)</c>.</summary>
    public RmsProp(LearningRateSchedule? LearningRate = null, double Rho = 0.99, double Epsilon = 1e-8, double Momentum = 0, bool Centered = false,
        double WeightDecay = 0) =>
        (decay, rms, trace, step) = (new(WeightDecay), new(Rho, Epsilon, Centered), new(Momentum), new(LearningRate ?? 0.01));

    // The transforms hold (and check) the hyperparameters; the properties below read and replace them.
    readonly AddDecayedWeights decay;
    readonly ScaleByRms rms;
    readonly Trace trace;
    readonly ScaleByLearningRate step;
    static readonly RmsProp Default = new();

    /// <summary>chain(add_decayed_weights(λ), scale_by_rms(ρ, ε, centered), trace(μ), scale_by_learning_rate(η)): RMSProp's definition.</summary>
    public override Chain AsChain() => new(decay, rms, trace, step);

    /// <summary>η_t: a number or a schedule (default 0.01).</summary>
    public LearningRateSchedule LearningRate { get => step.LearningRate; init => step = step with { LearningRate = value }; }

    /// <summary>ρ in [0, 1): the fraction of the running mean of squared gradients each update keeps.</summary>
    public double Rho { get => rms.Rho; init => rms = rms with { Rho = value }; }

    /// <summary>ε &gt; 0, added after the square root so that a zero mean square does not divide by zero.</summary>
    public double Epsilon { get => rms.Epsilon; init => rms = rms with { Epsilon = value }; }

    /// <summary>μ in [0, 1) for the momentum buffer (0: none).</summary>
    public double Momentum { get => trace.Momentum; init => trace = trace with { Momentum = value }; }

    /// <summary>Divide by the standard deviation of g rather than its root mean square.</summary>
    public bool Centered { get => rms.Centered; init => rms = rms with { Centered = value }; }

    /// <summary>λ ≥ 0: L2 penalty coefficient added to the gradient (PyTorch's weight_decay).</summary>
    public double WeightDecay { get => decay.WeightDecay; init => decay = decay with { WeightDecay = value }; }

    /// <summary>Which parameters decay, by name (<c>name => !name.EndsWith(".bias")</c>); null: all.</summary>
    public Func<string, bool>? WeightDecayMask { get => decay.Mask; init => decay = decay with { Mask = value }; }

    /// <summary>Prints "RmsProp(LearningRate: 0.01)", with each hyperparameter set away from its default.</summary>
    public override string ToString() => Describe(nameof(RmsProp), LearningRate, (nameof(Rho), Rho, Default.Rho), (nameof(Epsilon), Epsilon, Default.Epsilon),
        (nameof(Momentum), Momentum, Default.Momentum), (nameof(Centered), Centered, Default.Centered),
        (nameof(WeightDecay), WeightDecay, Default.WeightDecay), (nameof(WeightDecayMask), WeightDecayMask, null));
}
