using Nabla.Models;

namespace Nabla.Training;

/// <summary>Whether a smaller or a larger monitored value is better (Keras's mode "min", "max", "auto").</summary>
public enum MonitorMode
{
    /// <summary>Max for accuracies, min for losses.</summary>
    Auto,

    /// <summary>A smaller value is better (losses).</summary>
    Min,

    /// <summary>A larger value is better (accuracies).</summary>
    Max,
}

/// <summary>
/// Keras's EarlyStopping, as a pure fold over epochs: an epoch improves when Monitor beats the best so far by more than
/// MinDelta (current &lt; best − MinDelta, or &gt; best + MinDelta in Max mode); Fit stops once Patience epochs in a row
/// have not improved, and (RestoreBestWeights) hands back the best epoch's model whether or not it stopped early.
/// Pass it to Fit: <c>model.Fit(…, earlyStopping: new EarlyStopping("val_loss", Patience: 3))</c>.
/// </summary>
public sealed record EarlyStopping
{
    /// <summary>Keras's EarlyStopping arguments, with its defaults except RestoreBestWeights (true here).</summary>
    public EarlyStopping(string Monitor = "val_loss", int Patience = 0, double MinDelta = 0, MonitorMode Mode = MonitorMode.Auto,
        double? Baseline = null, bool RestoreBestWeights = true, int StartFromEpoch = 0) =>
        (this.Monitor, this.Patience, this.MinDelta, this.Mode, this.Baseline, this.RestoreBestWeights, this.StartFromEpoch) =
        (Monitor, Patience, MinDelta, Mode, Baseline, RestoreBestWeights, StartFromEpoch);

    /// <summary>The metrics that can be monitored, by their Keras History names.</summary>
    public static readonly IReadOnlyList<string> Monitors = ["loss", "accuracy", "val_loss", "val_accuracy"];

    /// <summary>The EpochMetrics figure watched, by its Keras name.</summary>
    public string Monitor { get; init => field = CheckMonitor(value); }

    /// <summary>Epochs without improvement tolerated before stopping (0: stop at the first).</summary>
    public int Patience { get; init => field = (int)Hyper.NonNegative(value, this); }

    /// <summary>The smallest change that counts as an improvement, ≥ 0.</summary>
    public double MinDelta { get; init => field = Hyper.NonNegative(value, this); }

    /// <summary>Whether smaller or larger values of Monitor are better.</summary>
    public MonitorMode Mode { get; init; }

    /// <summary>A value Monitor must beat before any epoch counts as an improvement (null: none).</summary>
    public double? Baseline { get; init; }

    /// <summary>Hand back the best epoch's model, not the last one's.</summary>
    public bool RestoreBestWeights { get; init; }

    /// <summary>Epochs (from the first) that are not watched: a warm-up that may not improve.</summary>
    public int StartFromEpoch { get; init => field = (int)Hyper.NonNegative(value, this); }

    static string CheckMonitor(string monitor) => Monitors.Contains(monitor) ? monitor
        : throw new ArgumentOutOfRangeException(nameof(Monitor), monitor,
            $"EarlyStopping: Monitor must be one of {string.Join(", ", Monitors)}, got \"{monitor}\".");

    /// <summary>True when larger values of Monitor are better (Max, or Auto on an accuracy).</summary>
    public bool Maximize => Mode == MonitorMode.Max || (Mode == MonitorMode.Auto && Monitor.Contains("accuracy", StringComparison.Ordinal));

    /// <summary>The state before the first epoch; throws if Fit will not produce the monitored figure.</summary>
    public EarlyStoppingState<T> Start<T>(bool hasValidation, bool hasLabels) where T : struct, IFloatingPointIeee754<T>
    {
        if (Monitor.StartsWith("val_", StringComparison.Ordinal) && !hasValidation)
            throw new ArgumentException($"EarlyStopping monitors {Monitor}, but Fit was given no validation data: pass validation:, or monitor \"loss\".");
        if (Monitor.EndsWith("accuracy", StringComparison.Ordinal) && !hasLabels)
            throw new ArgumentException($"EarlyStopping monitors {Monitor}, but the data has no class labels (regression): monitor a loss.");
        return new(0, Maximize ? double.NegativeInfinity : double.PositiveInfinity, null, 0, null);
    }

    /// <summary>The state after an epoch that ended with <paramref name="metrics"/> and <paramref name="model"/>.</summary>
    public EarlyStoppingState<T> Update<T>(EarlyStoppingState<T> state, EpochMetrics metrics, Sequential<T> model)
        where T : struct, IFloatingPointIeee754<T>
    {
        var current = Read(metrics);
        if (metrics.Epoch <= StartFromEpoch) return state;
        // Keras's order: the first watched epoch's model is the best until one improves on it.
        var first = state.BestModel is null ? state with { BestEpoch = metrics.Epoch, BestModel = model } : state;
        var wait = state.Wait + 1;
        if (Improves(current, state.Best))
            return first with
            {
                BestEpoch = metrics.Epoch,
                Best = current,
                BestModel = model,   // models are immutable: keeping the reference keeps the weights
                Wait = Baseline is not { } baseline || Improves(current, baseline) ? 0 : wait,
            };
        return first with { Wait = wait, StoppedEpoch = wait >= Patience && metrics.Epoch > 1 ? metrics.Epoch : null };
    }

    bool Improves(double current, double reference) =>
        Maximize ? current - MinDelta > reference : current + MinDelta < reference;

    double Read(EpochMetrics m) => Monitor switch
    {
        "loss" => m.Loss,
        "accuracy" => m.Accuracy,
        "val_loss" => m.ValLoss,
        "val_accuracy" => m.ValAccuracy,
        _ => null,
    } ?? throw new InvalidOperationException($"EarlyStopping monitors {Monitor}, but epoch {m.Epoch} did not report it.");
}

/// <summary>Where early stopping stands: the best epoch (1-based; 0 before any) and its value and model, the epochs
/// since an improvement, and the epoch at which it stopped Fit (null if it did not).</summary>
public sealed record EarlyStoppingState<T>(int BestEpoch, double Best, Sequential<T>? BestModel, int Wait, int? StoppedEpoch)
    where T : struct, IFloatingPointIeee754<T>
{
    /// <summary>Prints the best epoch and value: "EarlyStopping(best epoch 4: 0.0812, stopped at epoch 7)".</summary>
    public override string ToString() =>
        $"EarlyStopping(best epoch {BestEpoch}: {Best:G6}{(StoppedEpoch is { } e ? $", stopped at epoch {e}" : "")})";
}
