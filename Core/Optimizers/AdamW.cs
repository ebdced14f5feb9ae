namespace Nabla.Optimizers;

/// <summary>
/// AdamW (Loshchilov &amp; Hutter), PyTorch's rule: θ ← θ·(1 − η_t·λ), then the <see cref="Adam"/> step on the raw
/// gradient, so Δ = −η_t·(u_Adam + λ·θ): the decay is not scaled by Adam's 1/√v. Defaults: η = 1e-3, β₁ = 0.9,
/// β₂ = 0.999, ε = 1e-8, λ = 0.01. As Optax defines it: chain(scale_by_adam(β₁, β₂, ε), add_decayed_weights(λ, mask),
/// scale_by_learning_rate(η)). <c>new AdamW(1e-3) { WeightDecayMask = name => !name.EndsWith(".bias") }</c> spares biases.
/// </summary>
public sealed record AdamW : ComposedOptimizer
{
    /// <summary>AdamW with PyTorch's hyperparameters: <c>new AdamW(1e-3, WeightDecay: 0.05)</c>.</summary>
    public AdamW(LearningRateSchedule? LearningRate = null, double Beta1 = 0.9, double Beta2 = 0.999, double Epsilon = 1e-8, double WeightDecay = 0.01) =>
        (adam, decay, step) = (new(Beta1, Beta2, Epsilon), new(WeightDecay), new(LearningRate ?? 1e-3));

    // The transforms hold (and check) the hyperparameters; the properties below read and replace them.
    readonly ScaleByAdam adam;
    readonly AddDecayedWeights decay;
    readonly ScaleByLearningRate step;
    static readonly AdamW Default = new();

    /// <summary>chain(scale_by_adam(β₁, β₂, ε), add_decayed_weights(λ), scale_by_learning_rate(η)), as Optax defines
    /// AdamW.</summary>
    public override Chain AsChain() => new(adam, decay, step);

    /// <summary>η_t: a number or a schedule (default 1e-3).</summary>
    public LearningRateSchedule LearningRate { get => step.LearningRate; init => step = step with { LearningRate = value }; }

    /// <summary>β₁ in [0, 1): the fraction of the first moment m each update keeps.</summary>
    public double Beta1 { get => adam.Beta1; init => adam = adam with { Beta1 = value }; }

    /// <summary>β₂ in [0, 1): the fraction of the second moment v each update keeps.</summary>
    public double Beta2 { get => adam.Beta2; init => adam = adam with { Beta2 = value }; }

    /// <summary>ε &gt; 0, added after the square root so that a zero v does not divide by zero.</summary>
    public double Epsilon { get => adam.Epsilon; init => adam = adam with { Epsilon = value }; }

    /// <summary>λ ≥ 0: the fraction of θ (times η_t) removed each step, outside the adaptive scaling.</summary>
    public double WeightDecay { get => decay.WeightDecay; init => decay = decay with { WeightDecay = value }; }

    /// <summary>Which parameters decay, by name (<c>name => !name.EndsWith(".bias")</c>); null: all.</summary>
    public Func<string, bool>? WeightDecayMask { get => decay.Mask; init => decay = decay with { Mask = value }; }

    /// <summary>θ' = θ + Δ in one pass over the parameters (see <see cref="Adam.Apply"/>). Pinned to the chain's Update + Add,
    /// bit for bit, by a test.</summary>
    public override (Parameters<T> Parameters, IOptimizerState<T> State) Apply<T>(Parameters<T> gradients, IOptimizerState<T> state, Parameters<T> parameters)
    {
        var states = StatesOf(state);   // as AsChain's Init made them: adam, decay, step
        var count = OptimizerState.As<ScaleByLearningRateState<T>>(states[2], step).Count;
        var (next, moments) = Adam.Fused(adam, decay, decoupled: true, step, gradients, states[0], count, parameters);
        return (next, new ChainState<T>([moments, states[1], new ScaleByLearningRateState<T>(count + 1)]));
    }

    /// <summary>Prints "AdamW(LearningRate: 0.001)", with each hyperparameter set away from its default.</summary>
    public override string ToString() => Describe(nameof(AdamW), LearningRate, (nameof(Beta1), Beta1, Default.Beta1), (nameof(Beta2), Beta2, Default.Beta2),
        (nameof(Epsilon), Epsilon, Default.Epsilon), (nameof(WeightDecay), WeightDecay, Default.WeightDecay), (nameof(WeightDecayMask), WeightDecayMask, null));
}
