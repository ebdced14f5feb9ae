using Nabla.Training;

namespace Nabla.ScriptHost;

/// <summary>
/// Makes Ctrl+C stop a Fit even when the script did not pass its CancellationToken. A Fit that was given the token
/// checks it before every batch, so after a cancellation it reports no further batch; if a batch still ends after
/// one that already saw the cancellation, that Fit is not watching, and this throws to stop it (one batch late).
/// </summary>
public sealed class CancelAtNextBatch(CancellationToken cancellation) : IFitObserver
{
    bool _seen;

    public void OnFitStart(FitInfo info) => _seen = false;

    public void OnBatchEnd(BatchProgress progress)
    {
        if (!cancellation.IsCancellationRequested) return;
        if (_seen) throw new OperationCanceledException("Training was cancelled.", cancellation);
        _seen = true;
    }
}
