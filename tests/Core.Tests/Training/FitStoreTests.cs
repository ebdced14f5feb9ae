using static Nabla.Tests.Training.FitContinuationTests;
using static Nabla.Tests.Training.FitLoopTests;

namespace Nabla.Tests.Training;

/// <summary>Fit under an in-memory checkpoint store: exactly which progress it saves when (within an epoch every EverySteps
/// steps, at each epoch's end but the last, when cancelled, once finished), and a Fit that the store hands a progress goes
/// on from it: mid-epoch with the running sums and seconds, or, finished, returning without a step.</summary>
public class FitStoreTests
{
    /// <summary>Keeps a deep copy of every progress saved (Fit recycles its tensors once a save returns), and hands out
    /// <see cref="From"/> when asked.</summary>
    sealed class Store(long everySteps, FitProgress<float>? from = null) : ICheckpointStore
    {
        public long EverySteps => everySteps;
        public List<FitProgress<float>> Saved { get; } = [];

        public FitProgress<T>? Load<T>(FitIdentity fit, FitProgress<T> start) where T : struct, IFloatingPointIeee754<T> =>
            from is null ? null : (FitProgress<T>)(object)Copy(from);

        public void Save<T>(FitIdentity fit, FitProgress<T> progress) where T : struct, IFloatingPointIeee754<T> =>
            Saved.Add(Copy((FitProgress<float>)(object)progress));

        static FitProgress<float> Copy(FitProgress<float> p)
        {
            var contents = p.State.OptimizerState.ToStateDict();
            var optimizer = p.State.OptimizerState.LoadStateDict(new StateDict<float>(contents.Tensors.Map(m => m.Clone()), contents.Scalars));
            var model = p.State.Model.WithParameters(p.State.Model.Parameters.Map(m => m.Clone()));
            return p with { State = p.State with { Model = model, OptimizerState = optimizer }, History = [.. p.History] };
        }
    }

    /// <summary>Fit 2 epochs of Blobs (52 samples: 7 batches of 8) under <paramref name="store"/>.</summary>
    static FitResult<float> Train(Store store, IEnumerable<IFitObserver>? observers = null, int epochs = 2, CancellationToken cancel = default)
    {
        using var scope = FitCheckpoints.Use(store);
        return Model().Fit(Blobs(), Loss.SoftmaxCrossEntropy, Optimizer(), epochs, batchSize: 8, Blobs(30, 6), new Rng(9), observers,
            cancellation: cancel);
    }

    static (int Epoch, int Batch, long Step, bool Finished, int Epochs) Where(FitProgress<float> p) =>
        (p.Epoch, p.Batch, p.State.Step, p.Finished, p.History.Count);

    [Fact]
    public void Fit_saves_every_3_steps_within_an_epoch_at_each_epochs_end_but_the_last_and_once_finished()
    {
        var store = new Store(everySteps: 3);
        var result = Train(store);
        // Steps 3, 6 | 7 (epoch 1's end: epoch 2 next) | 9, 12 | 14 (epoch 2's end, the last: saved finished only).
        Assert.Equal([(1, 3, 3, false, 0), (1, 6, 6, false, 0), (2, 0, 7, false, 1), (2, 2, 9, false, 1), (2, 5, 12, false, 1), (3, 0, 14, true, 2)],
            store.Saved.Select(Where));
        var (mid, end) = (store.Saved[1], store.Saved[2]);
        Assert.Equal((48L, 6 * 8L), (mid.Seen, (long)mid.Batch * 8));
        Assert.InRange(mid.Correct, 0, mid.Seen);
        Assert.True(mid.LossSum > 0 && mid.Seconds > 0, $"{mid.LossSum}, {mid.Seconds} s");
        Assert.Equal((0.0, 0L, 0L, 0.0), (end.LossSum, end.Correct, end.Seen, end.Seconds));   // a fresh epoch
        // Within epoch 2 the generator is recorded as the epoch began, before it drew the permutation.
        Assert.All(store.Saved[3..5], p => Assert.Equal(end.Shuffle, p.Shuffle));
        Assert.NotEqual(store.Saved[0].Shuffle, end.Shuffle);
        Assert.Equal(result.History, store.Saved[^1].History);
        Assert.Equal("FitProgress(epoch 1, batch 3, step 3)", store.Saved[0].ToString());
        Assert.Equal("FitProgress(finished after epoch 2, step 14)", store.Saved[^1].ToString());
    }

    [Fact]
    public void Without_steps_between_checkpoints_Fit_saves_at_epoch_ends_and_a_Fit_of_no_epochs_saves_it_finished_at_epoch_1()
    {
        var store = new Store(everySteps: 0);
        Train(store, epochs: 3);
        Assert.Equal([(2, 0, 7, false, 1), (3, 0, 14, false, 2), (4, 0, 21, true, 3)], store.Saved.Select(Where));
        var none = new Store(everySteps: 3);
        Train(none, epochs: 0);
        Assert.Equal([(1, 0, 0, true, 0)], none.Saved.Select(Where));
    }

    [Fact]
    public void Checkpoint_steps_that_fall_on_an_epochs_last_batch_save_once_as_the_next_epoch()
    {
        var store = new Store(everySteps: 7);   // one epoch's 7 batches: each save falls at an epoch's end
        Train(store);
        Assert.Equal([(2, 0, 7, false, 1), (3, 0, 14, true, 2)], store.Saved.Select(Where));
    }

    [Fact]
    public void A_cancelled_Fit_saves_where_it_stands_and_not_as_finished()
    {
        using var cancel = new CancellationTokenSource();
        var store = new Store(everySteps: 0);
        var result = Train(store, [new CancelAt(epoch: 2, batch: 4, cancel)], epochs: 3, cancel.Token);
        Assert.True(result.Cancelled);
        Assert.Equal([(2, 0, 7, false, 1), (2, 4, 11, false, 1)], store.Saved.Select(Where));
        var last = store.Saved[^1];
        Assert.Equal(32, last.Seen);
        Assert.True(last.Seconds > 0, $"{last.Seconds} s");
    }

    [Fact]
    public void Fit_goes_on_from_a_mid_epoch_progress_with_its_running_sums_and_seconds_as_if_never_stopped()
    {
        var recorder = new Store(everySteps: 3);
        var rng = new Rng(9);
        FitResult<float> whole;
        using (FitCheckpoints.Use(recorder))
            whole = Model().Fit(Blobs(), Loss.SoftmaxCrossEntropy, Optimizer(), 2, 8, Blobs(30, 6), rng);
        var mid = recorder.Saved[1] with { Seconds = 1000 };   // epoch 1, 6 of 7 batches done; a long time spent on them

        var seen = new Recorder();
        var goneOn = new Rng(9);
        FitResult<float> result;
        using (FitCheckpoints.Use(new Store(everySteps: 3, from: mid)))
            result = Model().Fit(Blobs(), Loss.SoftmaxCrossEntropy, Optimizer(), 2, 8, Blobs(30, 6), goneOn, observers: [seen]);

        Assert.Equal((1, 1, 6, 6L, false), seen.Continued.Select(c => (c.Fit, c.Epoch, c.Batch, c.Step, c.Finished)).Single());
        Assert.Equal([(1, 7), (2, 1), (2, 2), (2, 3), (2, 4), (2, 5), (2, 6), (2, 7)], seen.Batches.Select(b => (b.Epoch, b.Batch)));
        AssertSameState(whole.State, result.State);
        Assert.Equal(whole.History.Select(Figures), result.History.Select(Figures));
        Assert.Equal(rng.State, goneOn.State);
        // Epoch 1 carries the seconds spent before the stop; epoch 2 starts its own clock.
        Assert.True(seen.Batches[0].Elapsed.TotalSeconds >= 1000, $"{seen.Batches[0].Elapsed}");
        Assert.True(result.History[0].Seconds >= 1000 && result.History[1].Seconds < 1000, $"{result.History[0].Seconds}, {result.History[1].Seconds}");
        Assert.True(seen.Batches[1].Elapsed.TotalSeconds < 1000, $"{seen.Batches[1].Elapsed}");
    }

    [Fact]
    public void A_Fit_whose_progress_is_saved_finished_returns_its_result_without_a_step()
    {
        var recorder = new Store(everySteps: 0);
        var whole = Train(recorder);
        var seen = new Recorder();
        var again = Train(new Store(everySteps: 0, from: recorder.Saved[^1]), [seen]);
        Assert.Empty(seen.Batches);
        Assert.Empty(seen.Epochs);
        Assert.Equal((2, true), seen.Continued.Select(c => (c.History.Count, c.Finished)).Single());
        Assert.Equal(whole.History, seen.End);
        Assert.False(again.Cancelled);
        AssertSameState(whole.State, again.State);
        Assert.Equal(whole.History, again.History);
    }
}
