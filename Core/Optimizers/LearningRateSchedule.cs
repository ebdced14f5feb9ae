namespace Nabla.Optimizers;

/// <summary>
/// A learning rate as a function of the update's index t = 0, 1, 2, … (Keras's LearningRateSchedule, Optax's
/// schedule). Every optimizer's LearningRate takes one; a plain number converts to a <see cref="ConstantSchedule"/>.
/// </summary>
public abstract record LearningRateSchedule
{
    /// <summary>The learning rate η_t used by update number <paramref name="step"/> (0 for the first).</summary>
    public abstract double At(long step);

    /// <summary>A number is the constant schedule η_t = <paramref name="learningRate"/>.</summary>
    public static implicit operator LearningRateSchedule(double learningRate) => new ConstantSchedule(learningRate);
}

/// <summary>η_t = LearningRate.</summary>
public sealed record ConstantSchedule : LearningRateSchedule
{
    /// <summary>η_t = <paramref name="LearningRate"/> at every update.</summary>
    public ConstantSchedule(double LearningRate) => this.LearningRate = LearningRate;

    /// <summary>η ≥ 0.</summary>
    public double LearningRate { get; init => field = Hyper.NonNegative(value, this); }

    /// <summary>η_t = LearningRate, whatever the step.</summary>
    public override double At(long step) => LearningRate;

    /// <summary>Prints the rate alone, round-trippable: "0.001".</summary>
    public override string ToString() => LearningRate.ToString("R");
}

/// <summary>Inverse-time decay, η_t = LearningRate / (1 + DecayRate · t / DecaySteps) (Keras's InverseTimeDecay); with
/// DecaySteps = 1 it is the NNFS book's lr / (1 + decay · t).</summary>
public sealed record InverseTimeDecay : LearningRateSchedule
{
    /// <summary>η_t = <paramref name="LearningRate"/> / (1 + <paramref name="DecayRate"/> · t / <paramref name="DecaySteps"/>).</summary>
    public InverseTimeDecay(double LearningRate, double DecayRate, long DecaySteps = 1, bool Staircase = false) =>
        (this.LearningRate, this.DecayRate, this.DecaySteps, this.Staircase) = (LearningRate, DecayRate, DecaySteps, Staircase);

    /// <summary>η₀ ≥ 0, the rate of the first update.</summary>
    public double LearningRate { get; init => field = Hyper.NonNegative(value, this); }

    /// <summary>≥ 0: how fast the rate falls.</summary>
    public double DecayRate { get; init => field = Hyper.NonNegative(value, this); }

    /// <summary>&gt; 0: the updates per unit of t / DecaySteps.</summary>
    public long DecaySteps { get; init => field = Hyper.Positive(value, this); }

    /// <summary>Floor t / DecaySteps: the rate falls in steps.</summary>
    public bool Staircase { get; init; }

    /// <summary>η_t = LearningRate / (1 + DecayRate · t / DecaySteps), with t / DecaySteps floored when Staircase.</summary>
    public override double At(long step)
    {
        var p = (double)step / DecaySteps;
        return LearningRate / (1 + DecayRate * (Staircase ? Math.Floor(p) : p));
    }

    /// <summary>Prints "InverseTimeDecay(0.1, 0.01)", with DecaySteps and Staircase when not 1 and false.</summary>
    public override string ToString() =>
        $"InverseTimeDecay({LearningRate:R}, {DecayRate:R}{(DecaySteps == 1 ? "" : $", DecaySteps: {DecaySteps}")}{(Staircase ? ", Staircase: true" : "")})";
}

/// <summary>Exponential decay, η_t = LearningRate · DecayRate^(t / DecaySteps) (Keras's ExponentialDecay; with
/// Staircase the exponent is floored).</summary>
public sealed record ExponentialDecay : LearningRateSchedule
{
    /// <summary>η_t = <paramref name="LearningRate"/> · <paramref name="DecayRate"/>^(t / <paramref name="DecaySteps"/>).</summary>
    public ExponentialDecay(double LearningRate, long DecaySteps, double DecayRate, bool Staircase = false) =>
        (this.LearningRate, this.DecaySteps, this.DecayRate, this.Staircase) = (LearningRate, DecaySteps, DecayRate, Staircase);

    /// <summary>η₀ ≥ 0, the rate of the first update.</summary>
    public double LearningRate { get; init => field = Hyper.NonNegative(value, this); }

    /// <summary>&gt; 0: the updates over which the rate is multiplied by DecayRate.</summary>
    public long DecaySteps { get; init => field = Hyper.Positive(value, this); }

    /// <summary>&gt; 0: the factor per DecaySteps updates.</summary>
    public double DecayRate { get; init => field = Hyper.Positive(value, this); }

    /// <summary>Floor t / DecaySteps: the rate falls in steps.</summary>
    public bool Staircase { get; init; }

    /// <summary>η_t = LearningRate · DecayRate^(t / DecaySteps), with the exponent floored when Staircase.</summary>
    public override double At(long step)
    {
        var p = (double)step / DecaySteps;
        return LearningRate * Math.Pow(DecayRate, Staircase ? Math.Floor(p) : p);
    }
}

/// <summary>Step decay, η_t = LearningRate · Gamma^⌊t / StepSize⌋ (PyTorch's StepLR, counted in updates).</summary>
public sealed record StepDecay : LearningRateSchedule
{
    /// <summary>η_t = <paramref name="LearningRate"/> · <paramref name="Gamma"/>^⌊t / <paramref name="StepSize"/>⌋.</summary>
    public StepDecay(double LearningRate, long StepSize, double Gamma = 0.1) =>
        (this.LearningRate, this.StepSize, this.Gamma) = (LearningRate, StepSize, Gamma);

    /// <summary>η₀ ≥ 0, the rate of the first update.</summary>
    public double LearningRate { get; init => field = Hyper.NonNegative(value, this); }

    /// <summary>&gt; 0: the updates between two drops.</summary>
    public long StepSize { get; init => field = Hyper.Positive(value, this); }

    /// <summary>&gt; 0: the factor of each drop.</summary>
    public double Gamma { get; init => field = Hyper.Positive(value, this); }

    /// <summary>η_t = LearningRate · Gamma^⌊t / StepSize⌋.</summary>
    public override double At(long step) => LearningRate * Math.Pow(Gamma, step / StepSize);
}

/// <summary>Cosine decay with linear warmup: η_t = LearningRate · (t + 1) / WarmupSteps during the first WarmupSteps
/// updates, then η = LearningRate · (Alpha + (1 − Alpha) · ½(1 + cos(π · min(s, DecaySteps) / DecaySteps))) with
/// s = t − WarmupSteps (Keras's CosineDecay; Alpha is the final fraction of the rate).</summary>
public sealed record CosineDecay : LearningRateSchedule
{
    /// <summary>Warmup over <paramref name="WarmupSteps"/> updates to <paramref name="LearningRate"/>, then a half cosine over
    /// <paramref name="DecaySteps"/> updates down to <paramref name="Alpha"/> · LearningRate.</summary>
    public CosineDecay(double LearningRate, long DecaySteps, double Alpha = 0, long WarmupSteps = 0) =>
        (this.LearningRate, this.DecaySteps, this.Alpha, this.WarmupSteps) = (LearningRate, DecaySteps, Alpha, WarmupSteps);

    /// <summary>The peak rate, ≥ 0.</summary>
    public double LearningRate { get; init => field = Hyper.NonNegative(value, this); }

    /// <summary>&gt; 0: the updates the cosine takes.</summary>
    public long DecaySteps { get; init => field = Hyper.Positive(value, this); }

    /// <summary>In [0, 1]: the final rate as a fraction of the peak.</summary>
    public double Alpha { get; init => field = Hyper.Fraction(value, this); }

    /// <summary>≥ 0: the updates of the linear warmup.</summary>
    public long WarmupSteps { get; init => field = Hyper.NonNegative(value, this); }

    /// <summary>The warmup's LearningRate · (t + 1) / WarmupSteps, then LearningRate · (Alpha + (1 − Alpha) · ½(1 + cos(π · min(s,
    /// DecaySteps) / DecaySteps))), s = t − WarmupSteps.</summary>
    public override double At(long step)
    {
        // Warmup ends on the peak (t = WarmupSteps − 1 gets the full rate): no update is wasted at rate 0.
        if (step < WarmupSteps) return LearningRate * (step + 1) / WarmupSteps;
        var s = Math.Min(step - WarmupSteps, DecaySteps);
        return LearningRate * (Alpha + (1 - Alpha) * 0.5 * (1 + Math.Cos(Math.PI * s / DecaySteps)));
    }
}
