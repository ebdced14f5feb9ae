using Nabla.Models;
using Nabla.Training;

namespace Nabla.Serialization;

/// <summary>
/// Keras's ModelCheckpoint: after each epoch, saves the model (architecture and weights, <see cref="ModelFile"/>) to
/// <see cref="Path"/>; with <see cref="SaveBestOnly"/> (the default here, Keras's save_best_only=True), only when
/// <see cref="Monitor"/> beats the best value so far (smaller for losses, larger for accuracies, or as <see cref="Mode"/>
/// says). Each save replaces the file atomically (<see cref="AtomicFile"/>), so a kill never leaves half a model. A Fit
/// resumed from a checkpoint tells it the epochs already done, so the best so far carries over and a worse epoch after the
/// resume never replaces the better model on disk.
/// <c>model.Fit(…, observers: [new ModelCheckpoint(Path.Combine(OutDir, "best.safetensors"))])</c>. With
/// <see cref="SaveWeightsOnly"/> (Keras's save_weights_only) the file holds the weights alone, for any layers, your own
/// included (<see cref="ModelFile.SaveWeights{T}(Sequential{T}, string)"/>; load with <c>model.LoadWeights(path)</c>).
/// </summary>
public sealed class ModelCheckpoint(string path, string monitor = "val_loss", bool saveBestOnly = true, MonitorMode mode = MonitorMode.Auto,
    bool saveWeightsOnly = false) : IFitObserver
{
    /// <summary>Save the weights only, not the architecture.</summary>
    public bool SaveWeightsOnly { get; } = saveWeightsOnly;

    /// <summary>Where the model is saved.</summary>
    public string Path { get; } = path;

    /// <summary>The figure watched, by its Keras name (loss, accuracy, val_loss, val_accuracy).</summary>
    public string Monitor { get; } = EarlyStopping.Monitors.Contains(monitor) ? monitor
        : throw new ArgumentOutOfRangeException(nameof(monitor), monitor, $"ModelCheckpoint: Monitor must be one of {string.Join(", ", EarlyStopping.Monitors)}, got \"{monitor}\".");

    /// <summary>Save only when Monitor improves (false: after every epoch).</summary>
    public bool SaveBestOnly { get; } = saveBestOnly;

    /// <summary>Whether smaller or larger values of Monitor are better.</summary>
    public MonitorMode Mode { get; } = mode;

    /// <summary>The best value of Monitor so far, and its epoch (null before any epoch).</summary>
    public (int Epoch, double Value)? Best { get; private set; }

    bool Maximize => Mode == MonitorMode.Max || (Mode == MonitorMode.Auto && Monitor.Contains("accuracy", StringComparison.Ordinal));

    /// <inheritdoc/>
    public void OnResume(FitResumed resumed)
    {
        foreach (var m in resumed.History)
            if (Improves(m)) Best = (m.Epoch, Read(m));
    }

    /// <inheritdoc/>
    public bool OnEpochEnd<T>(EpochMetrics metrics, Sequential<T> model) where T : struct, IFloatingPointIeee754<T>
    {
        var improves = Improves(metrics);
        if (improves) Best = (metrics.Epoch, Read(metrics));
        if (improves || !SaveBestOnly)
            AtomicFile.Write(Path, stream =>
            {
                if (SaveWeightsOnly) ModelFile.SaveWeights(model, stream);
                else ModelFile.Save(model, stream);
            });
        return true;
    }

    bool Improves(EpochMetrics m) => Best is not { } best || (Maximize ? Read(m) > best.Value : Read(m) < best.Value);

    double Read(EpochMetrics m) => Monitor switch
    {
        "loss" => m.Loss,
        "accuracy" => m.Accuracy,
        "val_loss" => m.ValLoss,
        _ => m.ValAccuracy,
    } ?? throw new InvalidOperationException($"ModelCheckpoint monitors {Monitor}, but epoch {m.Epoch} did not report it" +
        (Monitor.StartsWith("val_", StringComparison.Ordinal) ? ": pass validation data to Fit." : " (regression has no accuracy)."));

    /// <summary>Prints the path and the monitored metric: "ModelCheckpoint(best.safetensors, val_accuracy, best only)".</summary>
    public override string ToString() => $"ModelCheckpoint({Path}, {Monitor}{(SaveBestOnly ? ", best only" : "")})";
}
