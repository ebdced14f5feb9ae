using Nabla.Models;

namespace Nabla.Training;

/// <summary>What Fit tells about its progress (a progress bar, a metrics file, early stopping). Every method has a
/// do-nothing default; implement the ones you need.</summary>
public interface IFitObserver
{
    /// <summary>Before the first epoch.</summary>
    void OnFitStart(FitInfo info) { }

    /// <summary>After each training batch: running mean loss and accuracy of the epoch so far.</summary>
    void OnBatchEnd(BatchProgress progress) { }

    /// <summary>After each epoch, with validation figures when there is validation data. Return false to stop.</summary>
    bool OnEpochEnd(EpochMetrics metrics) => true;

    /// <summary>After each epoch, with the model as it stands then: the observer may keep it (Fit never reuses the
    /// tensors it hands out). What Fit calls; by default it calls <see cref="OnEpochEnd(EpochMetrics)"/>. Return false
    /// to stop.</summary>
    bool OnEpochEnd<T>(EpochMetrics metrics, Sequential<T> model) where T : struct, IFloatingPointIeee754<T> => OnEpochEnd(metrics);

    /// <summary>After the last epoch (or a stop or cancellation).</summary>
    void OnFitEnd(IReadOnlyList<EpochMetrics> history) { }
}

/// <summary>The shape of a Fit run, for progress displays and run records: its settings and the model's summary.</summary>
public sealed record FitInfo(int Epochs, int BatchesPerEpoch, int BatchSize, int TrainSamples, int? ValidationSamples, string Loss, string Optimizer,
    Models.ModelSummary? Model = null);

/// <summary>Progress within an epoch.</summary>
public sealed record BatchProgress(int Epoch, int Epochs, int Batch, int Batches, double Loss, double? Accuracy, TimeSpan Elapsed);
