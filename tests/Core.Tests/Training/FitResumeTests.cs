using static Nabla.Tests.Training.FitContinuationTests;

namespace Nabla.Tests.Training;

/// <summary>Fit under a checkpoint store: what it saves, and that a Fit given any of those saves finishes exactly as the
/// uninterrupted Fit did. The store here keeps copies in memory; the file format is tested in Serialization.</summary>
public class FitResumeTests
{
    /// <summary>Keeps a deep copy of every progress saved (Fit's own tensors may be recycled after the save returns), and
    /// gives back <see cref="Resume"/> when asked.</summary>
    internal sealed class MemoryStore(long everySteps) : ICheckpointStore
    {
        public long EverySteps => everySteps;
        public List<(FitIdentity Fit, FitProgress<float> Progress)> Saved { get; } = [];
        public FitProgress<float>? Resume { get; init; }
        public FitIdentity? Asked { get; private set; }

        public FitProgress<T>? Load<T>(FitIdentity fit, FitProgress<T> start) where T : struct, IFloatingPointIeee754<T>
        {
            Asked = fit;
            return Resume is null ? null : (FitProgress<T>)(object)Copy(Resume);
        }

        public void Save<T>(FitIdentity fit, FitProgress<T> progress) where T : struct, IFloatingPointIeee754<T> =>
            Saved.Add((fit, Copy((FitProgress<float>)(object)progress)));
    }

    static Sequential<float> Copy(Sequential<float> model) => model.WithParameters(model.Parameters.Map(m => m.Clone()));

    static FitProgress<float> Copy(FitProgress<float> p)
    {
        var contents = p.State.OptimizerState.ToStateDict();
        var optimizer = p.State.OptimizerState.LoadStateDict(new StateDict<float>(contents.Tensors.Map(m => m.Clone()), contents.Scalars));
        return p with
        {
            State = p.State with { Model = Copy(p.State.Model), OptimizerState = optimizer },
            History = [.. p.History],
            EarlyStopping = p.EarlyStopping is { } s ? s with { BestModel = s.BestModel is { } best ? Copy(best) : null } : null,
        };
    }

    static FitResult<float> Train(ICheckpointStore? store, int epochs, EarlyStopping? stopping, Rng rng, CancellationToken cancel = default)
    {
        using var scope = store is null ? null : FitCheckpoints.Use(store);
        return Model().Fit(Blobs(), Loss.SoftmaxCrossEntropy, Optimizer(), epochs, batchSize: 8, Blobs(30, 6), rng,
            cancellation: cancel, earlyStopping: stopping);
    }

    public static TheoryData<string> Cases() => ["plain", "early stopping"];

    static EarlyStopping? Stopping(string name) => name == "plain" ? null : new EarlyStopping("val_loss", Patience: 1);

    [Theory, MemberData(nameof(Cases))]
    public void A_Fit_resumed_from_any_of_its_checkpoints_finishes_exactly_as_the_uninterrupted_one(string name)
    {
        var rng = new Rng(9);
        var recorder = new MemoryStore(everySteps: 3);
        var whole = Train(recorder, epochs: 6, Stopping(name), rng);
        var saved = recorder.Saved;
        // Every 3 steps within an epoch (7 batches), each epoch's end, and the finished result; all of them as Fit 1.
        Assert.True(saved.Count >= 3 * whole.History.Count, $"{saved.Count} checkpoints for {whole.History.Count} epochs");
        Assert.All(saved, s => Assert.Equal(1, s.Fit.Number));
        Assert.Contains(saved, s => s.Progress.Batch > 0);
        Assert.True(saved[^1].Progress.Finished);
        Assert.Single(saved, s => s.Progress.Finished);

        foreach (var (_, progress) in saved)
        {
            var resumedRng = new Rng(9);
            var resumed = Train(new MemoryStore(3) { Resume = progress }, epochs: 6, Stopping(name), resumedRng);
            AssertSameState(whole.State, resumed.State);
            Assert.Equal(whole.History.Select(Figures), resumed.History.Select(Figures));
            Assert.Equal(rng.State, resumedRng.State);   // the script's generator ends where it would have
            Assert.Equal(whole.EarlyStopping?.BestEpoch, resumed.EarlyStopping?.BestEpoch);
        }
    }

    [Fact]
    public void A_cancelled_Fit_saves_where_it_stopped_and_resumes_from_the_next_batch()
    {
        var whole = Train(null, epochs: 3, null, new Rng(9));
        using var cancel = new CancellationTokenSource();
        var recorder = new MemoryStore(everySteps: 0);
        var rng = new Rng(9);
        using (FitCheckpoints.Use(recorder))
            Model().Fit(Blobs(), Loss.SoftmaxCrossEntropy, Optimizer(), 3, 8, Blobs(30, 6), rng, cancellation: cancel.Token,
                observers: [new CancelAt(epoch: 2, batch: 4, cancel)]);
        var last = recorder.Saved[^1].Progress;
        Assert.False(last.Finished);
        Assert.Equal((2, 4, 11L), (last.Epoch, last.Batch, last.State.Step));

        var resumed = Train(new MemoryStore(0) { Resume = last }, epochs: 3, null, new Rng(9));
        AssertSameState(whole.State, resumed.State);
        Assert.Equal(whole.History.Select(Figures), resumed.History.Select(Figures));
    }

    sealed class CancelAt(int epoch, int batch, CancellationTokenSource cancel) : IFitObserver
    {
        public void OnBatchEnd(BatchProgress progress)
        {
            if (progress.Epoch == epoch && progress.Batch == batch) cancel.Cancel();
        }
    }

    [Fact]
    public void Fits_are_numbered_in_call_order_and_fingerprinted_by_where_they_start()
    {
        var store = new MemoryStore(0);
        var rng = new Rng(9);
        using (FitCheckpoints.Use(store))
        {
            var first = Model().Fit(Blobs(), Loss.SoftmaxCrossEntropy, Optimizer(), 1, 8, null, rng);
            first.Fit(Blobs(), Loss.SoftmaxCrossEntropy, 1, 8, null, rng);
        }
        Assert.Equal([1, 2], store.Saved.Select(s => s.Fit.Number).Distinct());
        Assert.Equal(1, store.Saved[^1].Fit.Info.InitialEpoch);

        // The same start gives the same fingerprint; another initial model, seed or data does not.
        string FingerprintOf(Sequential<float> model, Dataset data, ulong seed)
        {
            var s = new MemoryStore(0);
            using (FitCheckpoints.Use(s)) model.Fit(data, Loss.SoftmaxCrossEntropy, Optimizer(), 0, 8, null, new Rng(seed));
            return s.Asked!.Fingerprint;
        }
        var reference = FingerprintOf(Model(1), Blobs(), 9);
        Assert.Equal(reference, FingerprintOf(Model(1), Blobs(), 9));
        Assert.NotEqual(reference, FingerprintOf(Model(2), Blobs(), 9));
        Assert.NotEqual(reference, FingerprintOf(Model(1), Blobs(), 10));
        Assert.NotEqual(reference, FingerprintOf(Model(1), Blobs(52, 7), 9));
    }
}
