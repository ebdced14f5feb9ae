using System.Globalization;
using Nabla.Compute;
using Nabla.Tensors;
using Nabla.Training;
using Spectre.Console;

namespace Nabla.ScriptHost;

/// <summary>
/// Shows every Fit of the script: a start line, a live bar (epoch, batch, loss, accuracy, ETA to the end of training) when the
/// console is interactive, and one line per epoch — every epoch up to 20, else every k-th and the last.
/// </summary>
public sealed class ProgressDisplay(HostConsole console) : IFitObserver, IDisposable
{
    const int MaxEpochLines = 20;
    FitInfo? _fit;
    int _every = 1;
    Task? _render;
    TaskCompletionSource? _stop;
    ProgressTask? _bar;

    public void OnFitStart(FitInfo info)
    {
        StopBar();
        _fit = info;
        _every = Math.Max(1, (int)Math.Ceiling(info.Epochs / (double)MaxEpochLines));
        var shown = _every > 1 ? $"; a line every {_every} epochs, all of them in metrics.jsonl" : "";
        console.Line($"fit: {info.Epochs} epochs × {info.BatchesPerEpoch} batches of {info.BatchSize} ({info.TrainSamples} samples" +
                     (info.ValidationSamples is { } v ? $", {v} for validation" : "") + $"), {info.Loss}, {info.Optimizer}; {Backend.Description}{shown}");
        if (!console.Plain) StartBar(info);
    }

    public void OnBatchEnd(BatchProgress p)
    {
        if (_bar is not { } bar) return;
        // One bar over the whole fit, so its ETA is the time to the end of training.
        bar.MaxValue = (double)p.Epochs * p.Batches;
        bar.Value = (double)(p.Epoch - 1) * p.Batches + p.Batch;
        bar.Description = Markup.Escape($"epoch {p.Epoch}/{p.Epochs} · batch {p.Batch}/{p.Batches} · loss {p.Loss:F4}" +
                                        (p.Accuracy is { } a ? $" · accuracy {Percent(a)}" : ""));
    }

    public void OnResume(FitResumed resumed) => console.Line($"fit: {resumed} from its checkpoint");

    public bool OnEpochEnd(EpochMetrics m)
    {
        // A Fit continued from another numbers its epochs on: "epoch 4/5" after 3.
        var (first, last) = _fit is { } fit ? (fit.InitialEpoch + 1, fit.LastEpoch) : (m.Epoch, m.Epoch);
        if (m.Epoch % _every == 0 || m.Epoch == last || m.Epoch == first) console.Line(EpochLine(m, last));
        return true;
    }

    public void OnFitEnd(IReadOnlyList<EpochMetrics> history) => StopBar();

    public void Dispose() => StopBar();

    /// <summary>The line each epoch ends with: epoch, loss, accuracy, val_loss, val_accuracy, seconds (and learning_rate).</summary>
    public static string EpochLine(EpochMetrics m, int epochs) =>
        $"epoch {m.Epoch}/{epochs}  loss {m.Loss:F4}"
        + (m.Accuracy is { } a ? $"  accuracy {Percent(a)}" : "")
        + (m.ValLoss is { } vl ? $"  val_loss {vl:F4}" : "")
        + (m.ValAccuracy is { } va ? $"  val_accuracy {Percent(va)}" : "")
        + $"  {m.Seconds:F1}s"
        + (m.LearningRate is { } lr ? $"  learning_rate {lr.ToString("G4", CultureInfo.InvariantCulture)}" : "");

    static string Percent(double fraction) => $"{fraction * 100:F2}%";

    // Spectre's Progress wants to own the work as a callback; Fit calls us instead, so the display runs on its own
    // task until the fit ends, and lines written meanwhile go through its console to land above the bar.
    void StartBar(FitInfo info)
    {
        var live = console.CreateLiveConsole();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _stop = stop;
        _render = Task.Run(() => live.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                     new ElapsedTimeColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                _bar = context.AddTask(Markup.Escape($"epoch 1/{info.Epochs}"), maxValue: Math.Max(1.0, (double)info.Epochs * info.BatchesPerEpoch));
                console.SetLive(live);
                ready.SetResult();
                await stop.Task;
                console.SetLive(null);
            }));
        // Wait until the bar exists, so the first batch updates it (or until the display failed to start).
        Task.WaitAny(ready.Task, _render);
    }

    void StopBar()
    {
        if (_render is null) return;
        _stop?.TrySetResult();
        try { _render.Wait(); }
        catch (AggregateException) { }   // a display failure must not hide the script's own result
        console.SetLive(null);
        (_render, _stop, _bar) = (null, null, null);
    }
}
