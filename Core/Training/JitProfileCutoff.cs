using Nabla.Compute;

namespace Nabla.Training;

/// <summary>
/// Ends the program's JIT profile (<see cref="JitProfile"/>) when the first epoch of a Fit ends. The next run then
/// replays what it needs up to there (start-up, data loading, the training step, validation) while it loads, and no
/// more: a profile of the whole run would also have the background thread compile the evaluation, the report and the
/// saving during the first epoch, on the core the training step's second thread uses. The host and the benchmarks add
/// it to every Fit (<see cref="FitObservers"/>).
/// </summary>
public sealed class JitProfileCutoff : IFitObserver
{
    bool ended;

    /// <inheritdoc/>
    public bool OnEpochEnd(EpochMetrics metrics)
    {
        if (!ended) JitProfile.Stop();
        ended = true;
        return true;
    }
}
