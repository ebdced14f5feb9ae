namespace Nabla.Optimizers;

/// <summary>
/// AdaGrad, PyTorch's rule: g' = g + λ·θ, s = s + g'², Δ = −η_t · g' / (√s + ε); s starts at InitialAccumulatorValue.
/// Defaults as PyTorch's: η = 0.01, ε = 1e-10. As a chain: add_decayed_weights(λ), scale_by_adagrad(ε),
/// scale_by_learning_rate(η).
/// </summary>
public sealed record Adagrad : ComposedOptimizer
{
    /// <summary>AdaGrad with PyTorch's hyperparameters: <c>new Adagrad(0.1, InitialAccumulatorValue: 0.1)</c>.</summary>
    public Adagrad(LearningRateSchedule? LearningRate = null, double Epsilon = 1e-10, double InitialAccumulatorValue = 0, double WeightDecay = 0) =>
        (decay, adagrad, step) = (new(WeightDecay), new(Epsilon, InitialAccumulatorValue), new(LearningRate ?? 0.01));

    // The transforms hold (and check) the hyperparameters; the properties below read and replace them.
    readonly AddDecayedWeights decay;
    readonly ScaleByAdagrad adagrad;
    readonly ScaleByLearningRate step;
    static readonly Adagrad Default = new();

    /// <summary>chain(add_decayed_weights(λ), scale_by_adagrad(ε, InitialAccumulatorValue), scale_by_learning_rate(η)): AdaGrad's definition.</summary>
    public override Chain AsChain() => new(decay, adagrad, step);

    /// <summary>η_t: a number or a schedule (default 0.01).</summary>
    public LearningRateSchedule LearningRate { get => step.LearningRate; init => step = step with { LearningRate = value }; }

    /// <summary>ε &gt; 0, added after the square root so that a zero sum does not divide by zero.</summary>
    public double Epsilon { get => adagrad.Epsilon; init => adagrad = adagrad with { Epsilon = value }; }

    /// <summary>The accumulator's starting value, ≥ 0 (Keras uses 0.1, PyTorch 0).</summary>
    public double InitialAccumulatorValue { get => adagrad.InitialAccumulatorValue; init => adagrad = adagrad with { InitialAccumulatorValue = value }; }

    /// <summary>λ ≥ 0: L2 penalty coefficient added to the gradient (PyTorch's weight_decay).</summary>
    public double WeightDecay { get => decay.WeightDecay; init => decay = decay with { WeightDecay = value }; }

    /// <summary>Which parameters decay, by name (<c>name => !name.EndsWith(".bias")</c>); null: all.</summary>
    public Func<string, bool>? WeightDecayMask { get => decay.Mask; init => decay = decay with { Mask = value }; }

    /// <summary>Prints "Adagrad(LearningRate: 0.01)", with each hyperparameter set away from its default.</summary>
    public override string ToString() => Describe(nameof(Adagrad), LearningRate, (nameof(Epsilon), Epsilon, Default.Epsilon),
        (nameof(InitialAccumulatorValue), InitialAccumulatorValue, Default.InitialAccumulatorValue),
        (nameof(WeightDecay), WeightDecay, Default.WeightDecay), (nameof(WeightDecayMask), WeightDecayMask, null));
}
