using Nabla.Serialization;
using static Nabla.Tests.Training.FitContinuationTests;

namespace Nabla.Tests.Serialization;

/// <summary>Checkpoints in a run folder: exact to the bit through the file, replaced atomically, and a run killed at random
/// moments (between steps, or part-way through writing a checkpoint) and resumed each time finishes exactly as the
/// uninterrupted run.</summary>
public sealed class CheckpointFolderTests : IDisposable
{
    readonly string _folder = Directory.CreateTempSubdirectory("nabla-checkpoints-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>What a SIGKILL does to the in-process run: nothing after it runs.</summary>
    sealed class Killed : Exception;

    /// <summary>Kills the run after a number of steps, or (Write) part-way through the first checkpoint write after them.</summary>
    sealed class Kill(int afterSteps, bool inWrite, int atByte) : IFitObserver
    {
        int _steps;
        bool _armed;
        public bool InWrite => inWrite;
        int AtByte => atByte;

        public void OnBatchEnd(BatchProgress progress)
        {
            if (++_steps < afterSteps) return;
            if (!inWrite) throw new Killed();
            _armed = true;
        }

        public Stream Wrap(Stream file) => new Cut(file, this);

        // Passes bytes through until the kill, which lands atByte bytes into the first write after it is armed.
        sealed class Cut(Stream inner, Kill kill) : Stream
        {
            long _written;
            public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
            public override void Write(ReadOnlySpan<byte> buffer)
            {
                if (kill._armed && _written + buffer.Length >= kill.AtByte)
                {
                    var part = (int)Math.Max(0, kill.AtByte - _written);
                    inner.Write(buffer[..part]);
                    inner.Flush();   // the partial file on disk, as a kill leaves it
                    throw new Killed();
                }
                inner.Write(buffer);
                _written += buffer.Length;
            }
            public override void Flush() => inner.Flush();
            public override bool CanRead => false;
            public override bool CanSeek => false;
            public override bool CanWrite => true;
            public override long Length => throw new NotSupportedException();
            public override long Position { get => _written; set => throw new NotSupportedException(); }
            public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
            public override void SetLength(long value) => throw new NotSupportedException();
        }
    }

    sealed class Resumes : IFitObserver
    {
        public List<FitResumed> Seen { get; } = [];
        public void OnResume(FitResumed resumed) => Seen.Add(resumed);
    }

    /// <summary>A layer with state (batch norm's running mean, in miniature): the identity, which keeps an exponential
    /// moving average of its inputs' column means as it trains. The checkpoint must carry it as it carries parameters.</summary>
    sealed record RunningMean(Matrix<float> Mean) : ILayer<float>
    {
        public Matrix<float> Forward(Matrix<float> x, SampleShape input) => x;
        public Trace<float> ForwardTrain(Matrix<float> x, SampleShape input, Rng rng) =>
            new(x, input, x) { State = [Mean * 0.9f + x.ColumnSums().ToRowMatrix() * (0.1f / x.RowCount)] };
        public Backprop<float> Backward(Trace<float> trace, Matrix<float> dy, bool needInputGradient = true) =>
            new(NoGradient<float>.Instance, needInputGradient ? dy : null);
        public IReadOnlyList<Matrix<float>> State => [Mean];
        public IReadOnlyList<string> StateNames => ["running_mean"];
        public ILayer<float> WithState(IReadOnlyList<Matrix<float>> state) => new RunningMean(state[0]);
    }

    // FitContinuationTests' model (dropout, L2) with a layer that has state.
    static Sequential<float> StatefulModel()
    {
        var rng = new Rng(1);
        return Sequential.Of(
            Layer.Dense(6, 16, Init.He, rng) with { WeightRegularizer = Regularizer.L2(1e-3) }, Layer.Relu(),
            new RunningMean(Matrix<float>.Build.Dense(1, 16)), Layer.Dropout(0.25), Layer.Dense(16, 3, rng));
    }

    // Early stopping that never stops (patience beyond the run) still has state to carry: its best epoch and model.
    static EarlyStopping Stopping() => new("val_loss", Patience: 100);

    /// <summary>The script a run executes: everything from the seed, as a rerun of the script would build it.</summary>
    static FitResult<float> Run(ICheckpointStore? store, IFitObserver[] observers, string? best = null)
    {
        if (best is not null) observers = [.. observers, new ModelCheckpoint(best, saveWeightsOnly: true)];   // a layer of the test's own
        using var scope = store is null ? null : FitCheckpoints.Use(store);
        return StatefulModel().Fit(Blobs(), Loss.SoftmaxCrossEntropy, Optimizer(), epochs: 6, batchSize: 8, Blobs(30, 6), new Rng(9),
            observers: observers, earlyStopping: Stopping());
    }

    [Fact]
    public void Killed_at_five_random_moments_and_resumed_each_time_a_run_ends_bit_identical_to_the_uninterrupted_one()
    {
        var whole = Run(null, [], Path.Combine(_folder, "whole-best.safetensors"));
        var draw = new Rng(2026);
        // 42 steps in all; kills after at most 7 steps each cannot reach the end. The second kill always lands in a write.
        var kills = Enumerable.Range(0, 5).Select(i => new Kill(1 + draw.NextInt(7), inWrite: i == 1 || draw.NextInt(2) == 0, atByte: 1 + draw.NextInt(2000))).ToArray();
        CheckpointSummary? lastComplete = null;
        var path = Path.Combine(_folder, "checkpoint-1.safetensors");
        var best = Path.Combine(_folder, "best.safetensors");   // Keras's ModelCheckpoint(save_best_only) beside the run
        foreach (var kill in kills)
        {
            var store = new CheckpointFolder(_folder, everySteps: 3, kill.Wrap);
            store.Saved += (_, summary) => lastComplete = summary;
            var resumes = new Resumes();
            var expected = lastComplete;
            Assert.Throws<Killed>(() => Run(store, [kill, resumes], best));
            // Each run after a kill goes on from the last complete checkpoint (none before the first save).
            Assert.Equal(expected?.Step, resumes.Seen.SingleOrDefault()?.Step);
            // A kill in a write leaves the partial file beside the last complete checkpoint, which still loads as it was.
            Assert.Equal(kill.InWrite, File.Exists(path + CheckpointFolder.TemporarySuffix));
            if (lastComplete is not null) Assert.Equal(lastComplete, CheckpointFile.Describe(path));
        }
        var final = new Resumes();
        var finalStore = new CheckpointFolder(_folder, everySteps: 3);
        Assert.Equal(kills[^1].InWrite ? 1 : 0, finalStore.RemovedTemporaryFiles);
        var resumed = Run(finalStore, [final], best);

        AssertSameState(whole.State, resumed.State);
        Assert.Equal(TestSupport.Snapshot(whole.Model.State["2.running_mean"]), TestSupport.Snapshot(resumed.Model.State["2.running_mean"]));
        Assert.NotEqual(0f, whole.Model.State["2.running_mean"][0, 0]);
        Assert.Equal(whole.History.Select(Figures), resumed.History.Select(Figures));
        Assert.Equal(whole.EarlyStopping!.BestEpoch, resumed.EarlyStopping!.BestEpoch);
        Assert.Empty(Directory.GetFiles(_folder, "*" + CheckpointFolder.TemporarySuffix));
        // The best epoch's model (early stopping's best, by the same val_loss), saved across the kills as without them.
        Assert.Equal(File.ReadAllBytes(Path.Combine(_folder, "whole-best.safetensors")), File.ReadAllBytes(best));
        using var bestModel = new MemoryStream();
        ModelFile.SaveWeights(whole.EarlyStopping.BestModel!, bestModel);
        Assert.Equal(bestModel.ToArray(), File.ReadAllBytes(best));
        Assert.Equal(lastComplete!.Step, Assert.Single(final.Seen).Step);
    }

    [Fact]
    public void A_checkpoint_round_trips_every_part_of_the_progress_exactly()
    {
        var store = new CheckpointFolder(_folder, everySteps: 5);
        var whole = Run(store, []);
        var finished = CheckpointFile.Read(store.PathOf(1), Identity(), Start());
        Assert.True(finished.Finished);
        AssertSameState(whole.State, finished.State);
        Assert.Equal(whole.History, finished.History);   // seconds and learning rates too, to the bit
        var best = finished.EarlyStopping!;
        Assert.Equal((whole.EarlyStopping!.BestEpoch, whole.EarlyStopping.Best, whole.EarlyStopping.Wait), (best.BestEpoch, best.Best, best.Wait));
        for (var i = 0; i < whole.EarlyStopping.BestModel!.Parameters.Count; i++)
            Assert.Equal(TestSupport.Snapshot(whole.EarlyStopping.BestModel.Parameters[i]), TestSupport.Snapshot(best.BestModel!.Parameters[i]));
    }

    [Fact]
    public void A_checkpoint_of_another_starting_point_or_other_settings_is_refused_naming_what_differs()
    {
        var store = new CheckpointFolder(_folder);
        Run(store, []);
        var identity = Identity();
        var other = Assert.Throws<DataFormatException>(() => CheckpointFile.Read(store.PathOf(1), identity with { Fingerprint = new string('0', 64) }, Start()));
        Assert.Contains("another starting point", other.Message);
        var settings = Assert.Throws<DataFormatException>(() =>
            CheckpointFile.Read(store.PathOf(1), identity with { Info = identity.Info with { BatchSize = 16 } }, Start()));
        Assert.Contains("batch size: expected 16", settings.Message);
    }

    // The identity Fit 1 of Run has, and where it starts: what Fit itself computes before asking the store.
    static FitIdentity Identity()
    {
        var recorder = new Recorder();
        using (FitCheckpoints.Use(recorder))
            StatefulModel().Fit(Blobs(), Loss.SoftmaxCrossEntropy, Optimizer(), epochs: 6, batchSize: 8, Blobs(30, 6), new Rng(9), earlyStopping: Stopping());
        return recorder.Asked!;
    }

    static FitProgress<float> Start()
    {
        var rng = new Rng(9);
        var model = StatefulModel() with { InputShape = Blobs().SampleShape };
        var state = TrainState<float>.Create(model, Optimizer(), rng.NextUInt64());
        return FitProgress<float>.Start(state, 1, rng.State, Stopping().Start<float>(true, true));
    }

    sealed class Recorder : ICheckpointStore
    {
        public long EverySteps => 0;
        public FitIdentity? Asked { get; private set; }
        public FitProgress<T>? Load<T>(FitIdentity fit, FitProgress<T> start) where T : struct, IFloatingPointIeee754<T>
        {
            Asked ??= fit;
            return null;
        }
        public void Save<T>(FitIdentity fit, FitProgress<T> progress) where T : struct, IFloatingPointIeee754<T> { }
    }
}
