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
public sealed record ConstantSchedule(double LearningRate) : LearningRateSchedule
{
    public double LearningRate { get; init => field = Hyper.NonNegative(value, nameof(LearningRate), nameof(ConstantSchedule)); }
        = Hyper.NonNegative(LearningRate, nameof(LearningRate), nameof(ConstantSchedule));

    public override double At(long step) => LearningRate;

    public override string ToString() => LearningRate.ToString("R");
}

/// <summary>Inverse-time decay, η_t = LearningRate / (1 + DecayRate · t / DecaySteps) (Keras's InverseTimeDecay); with
/// DecaySteps = 1 it is the NNFS book's lr / (1 + decay · t).</summary>
public sealed record InverseTimeDecay(double LearningRate, double DecayRate, long DecaySteps = 1, bool Staircase = false) : LearningRateSchedule
{
    public double LearningRate { get; init => field = Hyper.NonNegative(value, nameof(LearningRate), nameof(InverseTimeDecay)); }
        = Hyper.NonNegative(LearningRate, nameof(LearningRate), nameof(InverseTimeDecay));
    public double DecayRate { get; init => field = Hyper.NonNegative(value, nameof(DecayRate), nameof(InverseTimeDecay)); }
        = Hyper.NonNegative(DecayRate, nameof(DecayRate), nameof(InverseTimeDecay));
    public long DecaySteps { get; init => field = Hyper.Positive(value, nameof(DecaySteps), nameof(InverseTimeDecay)); }
        = Hyper.Positive(DecaySteps, nameof(DecaySteps), nameof(InverseTimeDecay));

    public override double At(long step)
    {
        var p = (double)step / DecaySteps;
        return LearningRate / (1 + DecayRate * (Staircase ? Math.Floor(p) : p));
    }

    public override string ToString() =>
        $"InverseTimeDecay({LearningRate:R}, {DecayRate:R}{(DecaySteps == 1 ? "" : $", DecaySteps: {DecaySteps}")}{(Staircase ? ", Staircase: true" : "")})";
}

/// <summary>Exponential decay, η_t = LearningRate · DecayRate^(t / DecaySteps) (Keras's ExponentialDecay; with
/// Staircase the exponent is floored).</summary>
public sealed record ExponentialDecay(double LearningRate, long DecaySteps, double DecayRate, bool Staircase = false) : LearningRateSchedule
{
    public double LearningRate { get; init => field = Hyper.NonNegative(value, nameof(LearningRate), nameof(ExponentialDecay)); }
        = Hyper.NonNegative(LearningRate, nameof(LearningRate), nameof(ExponentialDecay));
    public long DecaySteps { get; init => field = Hyper.Positive(value, nameof(DecaySteps), nameof(ExponentialDecay)); }
        = Hyper.Positive(DecaySteps, nameof(DecaySteps), nameof(ExponentialDecay));
    public double DecayRate { get; init => field = Hyper.Positive(value, nameof(DecayRate), nameof(ExponentialDecay)); }
        = Hyper.Positive(DecayRate, nameof(DecayRate), nameof(ExponentialDecay));

    public override double At(long step)
    {
        var p = (double)step / DecaySteps;
        return LearningRate * Math.Pow(DecayRate, Staircase ? Math.Floor(p) : p);
    }
}

/// <summary>Step decay, η_t = LearningRate · Gamma^⌊t / StepSize⌋ (PyTorch's StepLR, counted in updates).</summary>
public sealed record StepDecay(double LearningRate, long StepSize, double Gamma = 0.1) : LearningRateSchedule
{
    public double LearningRate { get; init => field = Hyper.NonNegative(value, nameof(LearningRate), nameof(StepDecay)); }
        = Hyper.NonNegative(LearningRate, nameof(LearningRate), nameof(StepDecay));
    public long StepSize { get; init => field = Hyper.Positive(value, nameof(StepSize), nameof(StepDecay)); }
        = Hyper.Positive(StepSize, nameof(StepSize), nameof(StepDecay));
    public double Gamma { get; init => field = Hyper.Positive(value, nameof(Gamma), nameof(StepDecay)); }
        = Hyper.Positive(Gamma, nameof(Gamma), nameof(StepDecay));

    public override double At(long step) => LearningRate * Math.Pow(Gamma, step / StepSize);
}

/// <summary>Cosine decay with linear warmup: η_t = LearningRate · (t + 1) / WarmupSteps during the first WarmupSteps
/// updates, then η = LearningRate · (Alpha + (1 − Alpha) · ½(1 + cos(π · min(s, DecaySteps) / DecaySteps))) with
/// s = t − WarmupSteps (Keras's CosineDecay; Alpha is the final fraction of the rate).</summary>
public sealed record CosineDecay(double LearningRate, long DecaySteps, double Alpha = 0, long WarmupSteps = 0) : LearningRateSchedule
{
    public double LearningRate { get; init => field = Hyper.NonNegative(value, nameof(LearningRate), nameof(CosineDecay)); }
        = Hyper.NonNegative(LearningRate, nameof(LearningRate), nameof(CosineDecay));
    public long DecaySteps { get; init => field = Hyper.Positive(value, nameof(DecaySteps), nameof(CosineDecay)); }
        = Hyper.Positive(DecaySteps, nameof(DecaySteps), nameof(CosineDecay));
    public double Alpha { get; init => field = CheckAlpha(value); } = CheckAlpha(Alpha);
    public long WarmupSteps { get; init => field = Hyper.NonNegative(value, nameof(WarmupSteps), nameof(CosineDecay)); }
        = Hyper.NonNegative(WarmupSteps, nameof(WarmupSteps), nameof(CosineDecay));

    static double CheckAlpha(double alpha) => alpha is >= 0 and <= 1 ? alpha
        : throw new ArgumentOutOfRangeException(nameof(Alpha), alpha, $"{nameof(CosineDecay)}: {nameof(Alpha)} must be in [0, 1], got {alpha}.");

    public override double At(long step)
    {
        // Warmup ends on the peak (t = WarmupSteps − 1 gets the full rate): no update is wasted at rate 0.
        if (step < WarmupSteps) return LearningRate * (step + 1) / WarmupSteps;
        var s = Math.Min(step - WarmupSteps, DecaySteps);
        return LearningRate * (Alpha + (1 - Alpha) * 0.5 * (1 + Math.Cos(Math.PI * s / DecaySteps)));
    }
}
