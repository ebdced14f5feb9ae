using Nabla.Models;

namespace Nabla.Training;

/// <summary>What Fit tells about its progress (a progress bar, a metrics file, early stopping). Every method has a
/// do-nothing default; implement the ones you need.</summary>
public interface IFitObserver
{
    /// <summary>Before the first epoch.</summary>
    void OnFitStart(FitInfo info) { }

    /// <summary>Right after <see cref="OnFitStart"/> when the Fit goes on from a checkpoint of an interrupted run instead of
    /// starting afresh: the epochs it had done (what <see cref="OnEpochEnd(EpochMetrics)"/> was told then) and where it
    /// resumes. The epochs of <see cref="FitResumed.History"/> are not reported again.</summary>
    void OnResume(FitResumed resumed) { }

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

/// <summary>The shape of a Fit run, for progress displays and run records: its settings and the model's summary.
/// <see cref="InitialEpoch"/> is the number of epochs done before (a Fit continued from a <see cref="FitResult{T}"/>, as
/// Keras's initial_epoch): this Fit's epochs are numbered InitialEpoch + 1 … InitialEpoch + Epochs.</summary>
public sealed record FitInfo(int Epochs, int BatchesPerEpoch, int BatchSize, int TrainSamples, int? ValidationSamples, string Loss, string Optimizer,
    Models.ModelSummary? Model = null)
{
    /// <summary>Epochs done before this Fit (0 for a first Fit).</summary>
    public int InitialEpoch { get; init; }

    /// <summary>The number of this Fit's last epoch: InitialEpoch + Epochs.</summary>
    public int LastEpoch => InitialEpoch + Epochs;
}

/// <summary>A Fit resumed from its checkpoint: the epochs it had done, the epoch it goes on with and how many of that epoch's
/// batches were done, the step count, and whether it had finished (then it returns its result without training).</summary>
public sealed record FitResumed(int Fit, IReadOnlyList<EpochMetrics> History, int Epoch, int Batch, long Step, bool Finished)
{
    /// <summary>Says where the Fit resumes: "fit 1 resumes at epoch 3, batch 120 (step 2000)".</summary>
    public override string ToString() => Finished
        ? $"fit {Fit} had finished (step {Step}, {History.Count} epochs): its result is restored"
        : $"fit {Fit} resumes at epoch {Epoch}, batch {Batch} (step {Step})";
}

/// <summary>Progress within an epoch.</summary>
public sealed record BatchProgress(int Epoch, int Epochs, int Batch, int Batches, double Loss, double? Accuracy, TimeSpan Elapsed);
