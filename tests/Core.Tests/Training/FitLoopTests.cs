namespace Nabla.Tests.Training;

/// <summary>What Fit's observers are told, batch by batch and epoch by epoch; how one of them, or a cancellation, stops it;
/// the observers of the flow (<see cref="FitObservers"/>); and a model with state (batch norm) trained as a fold of Step.</summary>
public class FitLoopTests
{
    /// <summary>n samples of 6 features in 3 classes (labels i mod 3).</summary>
    internal static Dataset Data(int n = 20) =>
        Dataset.Classification("train", Enumerable.Range(0, n * 6).Select(i => (float)Math.Sin(i)).ToArray(), 6,
            Enumerable.Range(0, n).Select(i => i % 3).ToArray(), 3);

    internal static Sequential<float> Model() => Sequential.Of(Layer.Dense(6, 4, new Rng(1)), Layer.Relu(), Layer.Dense(4, 3, new Rng(2)));

    /// <summary>Everything an observer is told; stops Fit after epoch <paramref name="stopAfter"/> (0: never).</summary>
    internal sealed class Recorder(int stopAfter = 0) : IFitObserver
    {
        public FitInfo? Info;
        public List<FitResumed> Continued { get; } = [];
        public List<BatchProgress> Batches { get; } = [];
        public List<EpochMetrics> Epochs { get; } = [];
        public IReadOnlyList<EpochMetrics>? End;
        public void OnFitStart(FitInfo info) => Info = info;
        public void OnResume(FitResumed resumed) => Continued.Add(resumed);
        public void OnBatchEnd(BatchProgress progress) => Batches.Add(progress);
        public bool OnEpochEnd(EpochMetrics metrics)
        {
            Epochs.Add(metrics);
            return metrics.Epoch != stopAfter;
        }
        public void OnFitEnd(IReadOnlyList<EpochMetrics> history) => End = history;
    }

    /// <summary>Cancels at the end of batch <paramref name="batch"/> of epoch <paramref name="epoch"/> (0: at the end of
    /// that epoch, once its figures are out).</summary>
    internal sealed class CancelAt(int epoch, int batch, CancellationTokenSource cancel) : IFitObserver
    {
        public void OnBatchEnd(BatchProgress progress)
        {
            if (progress.Epoch == epoch && progress.Batch == batch) cancel.Cancel();
        }
        public bool OnEpochEnd(EpochMetrics metrics)
        {
            if (metrics.Epoch == epoch && batch == 0) cancel.Cancel();
            return true;
        }
    }

    [Fact]
    public void Observers_see_each_batchs_running_mean_loss_and_accuracy_ending_at_the_epochs_figures()
    {
        var seen = new Recorder();
        var optimizer = new Sgd(0.1, Momentum: 0.5);
        var result = Model().Fit(Data(), Loss.SoftmaxCrossEntropy, optimizer, epochs: 2, batchSize: 8, null, new Rng(9), observers: [seen]);

        Assert.Equal(new FitInfo(2, 3, 8, 20, null, "softmax_cross_entropy", optimizer.ToString(), seen.Info!.Model), seen.Info);
        Assert.Equal([(1, 1), (1, 2), (1, 3), (2, 1), (2, 2), (2, 3)], seen.Batches.Select(b => (b.Epoch, b.Batch)));
        Assert.All(seen.Batches, b => Assert.Equal((2, 3), (b.Epochs, b.Batches)));
        // 8, 16 and 20 samples seen: the accuracy is a count of them over the samples seen.
        foreach (var (b, samples) in seen.Batches.Zip(new[] { 8, 16, 20, 8, 16, 20 }))
            Assert.Equal(Math.Round(b.Accuracy!.Value * samples), b.Accuracy.Value * samples, 9);
        for (var epoch = 1; epoch <= 2; epoch++)
        {
            var last = seen.Batches.Last(b => b.Epoch == epoch);
            var metrics = result.History[epoch - 1];
            Assert.Equal((metrics.Loss, metrics.Accuracy), (last.Loss, last.Accuracy));
            Assert.True(last.Elapsed > TimeSpan.Zero && last.Elapsed.TotalSeconds <= metrics.Seconds, $"{last.Elapsed} within {metrics.Seconds} s");
            Assert.True(metrics.Seconds > 0);
        }
        // Sample-weighted means: the first batch's figure is its own loss, which a running product or sum would not give.
        Assert.Equal(seen.Batches[0].Loss, Loss.SoftmaxCrossEntropy.Evaluate(Model().Forward(FirstBatch().X), FirstBatch().Y).Value, 5);
        Assert.Equal(result.History, seen.Epochs);
        Assert.Equal(result.History, seen.End);
        Assert.False(result.Cancelled);
    }

    /// <summary>The first batch of the Fit above: its shuffle draws after the step seed.</summary>
    static Batch<float> FirstBatch()
    {
        var rng = new Rng(9);
        rng.NextUInt64();
        return Batches.Of<float>(Data(), 8, rng).First();
    }

    /// <summary>A script's optimizer whose ToString gives null: plain gradient descent.</summary>
    sealed class Unnamed : IOptimizer
    {
        public IOptimizerState<T> Init<T>(Parameters<T> parameters) where T : struct, IFloatingPointIeee754<T> => new Sgd(0.1).Init(parameters);
        public (Parameters<T> Updates, IOptimizerState<T> State) Update<T>(Parameters<T> gradients, IOptimizerState<T> state, Parameters<T> parameters)
            where T : struct, IFloatingPointIeee754<T> => new Sgd(0.1).Update(gradients, state, parameters);
        public override string? ToString() => null;
    }

    [Fact]
    public void An_optimizer_without_a_name_is_reported_as_an_empty_one()
    {
        var seen = new Recorder();
        Model().Fit(Data(), Loss.SoftmaxCrossEntropy, new Unnamed(), 1, 8, null, new Rng(9), observers: [seen]);
        Assert.Equal("", seen.Info!.Optimizer);
    }

    [Fact]
    public void Regression_reports_no_accuracy()
    {
        var seen = new Recorder();
        var data = Dataset.Regression("line", Enumerable.Range(0, 12).Select(i => i / 12f).ToArray(), 1,
            Enumerable.Range(0, 12).Select(i => 2 * i / 12f).ToArray(), 1);
        var result = Sequential.Of(Layer.Dense(1, 1, new Rng(1))).Fit(data, Loss.Mse, new Sgd(0.1), 2, 5, data, new Rng(9), observers: [seen]);
        Assert.All(seen.Batches, b => Assert.Null(b.Accuracy));
        Assert.All(result.History, m => Assert.Null(m.Accuracy));
        Assert.All(result.History, m => Assert.Null(m.ValAccuracy));
        Assert.All(result.History, m => Assert.True(m.Loss > 0 && m.ValLoss > 0));
    }

    [Fact]
    public void One_observer_saying_stop_stops_Fit_after_every_observer_heard_that_epoch()
    {
        var (stopper, other) = (new Recorder(stopAfter: 2), new Recorder());
        var result = Model().Fit(Data(), Loss.SoftmaxCrossEntropy, new Sgd(0.1), 5, 8, null, new Rng(9), observers: [stopper, other]);
        Assert.Equal([1, 2], result.History.Select(m => m.Epoch));
        Assert.Equal([1, 2], other.Epochs.Select(m => m.Epoch));
        Assert.Equal(6, result.State.Step);
        Assert.False(result.Cancelled);
        Assert.Equal(result.History, other.End);
    }

    [Fact]
    public void The_flows_observers_hear_every_Fit_besides_its_own_until_disposed()
    {
        var (own, ambient) = (new Recorder(), new Recorder());
        Assert.Empty(FitObservers.Ambient);
        using (FitObservers.Add(ambient))
        {
            Assert.Equal([ambient], FitObservers.Ambient);
            Model().Fit(Data(), Loss.SoftmaxCrossEntropy, new Sgd(0.1), 2, 8, null, new Rng(9), observers: [own]);
            Model().Fit(Data(), Loss.SoftmaxCrossEntropy, new Sgd(0.1), 1, 8, null, new Rng(9));
        }
        Assert.Empty(FitObservers.Ambient);
        Model().Fit(Data(), Loss.SoftmaxCrossEntropy, new Sgd(0.1), 1, 8, null, new Rng(9));
        Assert.Equal([1, 2], own.Epochs.Select(m => m.Epoch));
        Assert.Equal([1, 2, 1], ambient.Epochs.Select(m => m.Epoch));
        Assert.Equal(own.Epochs, ambient.Epochs.Take(2));
    }

    [Fact]
    public void A_cancelled_Fit_stops_at_the_next_batch_and_reports_the_part_epoch()
    {
        using var cancel = new CancellationTokenSource();
        var seen = new Recorder();
        var result = Model().Fit(Data(), Loss.SoftmaxCrossEntropy, new Sgd(0.1), 3, 8, null, new Rng(9), cancellation: cancel.Token,
            observers: [new CancelAt(epoch: 2, batch: 1, cancel), seen]);
        Assert.True(result.Cancelled);
        Assert.Equal(4, result.State.Step);
        Assert.Equal([(1, 1), (1, 2), (1, 3), (2, 1)], seen.Batches.Select(b => (b.Epoch, b.Batch)));
        // Epoch 2's figures are those of its one batch.
        Assert.Equal([1, 2], result.History.Select(m => m.Epoch));
        Assert.Equal((seen.Batches[^1].Loss, seen.Batches[^1].Accuracy), (result.History[1].Loss, result.History[1].Accuracy));
        Assert.Equal(result.History, seen.End);
    }

    [Fact]
    public void A_Fit_cancelled_between_epochs_reports_no_empty_epoch()
    {
        using var cancel = new CancellationTokenSource();
        var seen = new Recorder();
        var result = Model().Fit(Data(), Loss.SoftmaxCrossEntropy, new Sgd(0.1), 3, 8, null, new Rng(9), cancellation: cancel.Token,
            observers: [new CancelAt(epoch: 1, batch: 0, cancel), seen]);
        Assert.True(result.Cancelled);
        Assert.Equal(3, result.State.Step);
        Assert.Equal([1], result.History.Select(m => m.Epoch));
        Assert.Equal([1], seen.Epochs.Select(m => m.Epoch));
        Assert.All(result.History, m => Assert.True(double.IsFinite(m.Loss)));
    }

    [Fact]
    public void A_Fit_continued_from_one_of_no_epochs_numbers_its_epochs_from_1()
    {
        var rng = new Rng(9);
        var none = Model().Fit(Data(), Loss.SoftmaxCrossEntropy, new Sgd(0.1), 0, 8, null, rng);
        var seen = new Recorder();
        var next = none.Fit(Data(), Loss.SoftmaxCrossEntropy, 2, 8, null, rng, observers: [seen]);
        Assert.Equal(0, seen.Info!.InitialEpoch);
        Assert.Equal([1, 2], next.History.Select(m => m.Epoch));
        Assert.Equal(6, next.State.Step);
    }

    static Sequential<float> Normalized() =>
        Sequential.Of(Layer.Dense(6, 5, new Rng(1)), Layer.BatchNorm(5), Layer.Relu(), Layer.Dense(5, 3, new Rng(2)));

    /// <summary>Keeps each epoch's model, and a copy of its batch-norm statistics as they were then.</summary>
    sealed class StateKeeper : IFitObserver
    {
        public List<(Sequential<float> Model, float[][] Then)> Kept { get; } = [];
        public bool OnEpochEnd<T>(EpochMetrics metrics, Sequential<T> model) where T : struct, IFloatingPointIeee754<T>
        {
            var m = (Sequential<float>)(object)model;
            Kept.Add((m, [.. m.State.Tensors.Select(TestSupport.Snapshot)]));
            return true;
        }
    }

    [Fact]
    public void Batch_norms_running_statistics_train_as_a_fold_of_Step_and_stay_intact_in_the_models_observers_keep()
    {
        var (data, model, keeper) = (Data(40), Normalized(), new StateKeeper());
        var fitted = model.Fit(data, Loss.SoftmaxCrossEntropy, new Adam(0.01), 3, 8, null, new Rng(9), observers: [keeper]);

        var shuffle = new Rng(9);
        var state = TrainState<float>.Create(model, new Adam(0.01), shuffle.NextUInt64());
        for (var epoch = 0; epoch < 3; epoch++)
            foreach (var batch in Batches.Of<float>(data, 8, shuffle))
                (state, _) = Train.Step(state, batch.X, batch.Y, Loss.SoftmaxCrossEntropy);
        Assert.Equal(state.Model.State.Names.ToArray(), fitted.Model.State.Names.ToArray());
        Assert.NotEmpty(state.Model.State.Tensors);
        for (var i = 0; i < state.Model.State.Count; i++)
            Assert.Equal(TestSupport.Snapshot(state.Model.State[i]), TestSupport.Snapshot(fitted.Model.State[i]));
        for (var i = 0; i < state.Model.Parameters.Count; i++)
            Assert.Equal(TestSupport.Snapshot(state.Model.Parameters[i]), TestSupport.Snapshot(fitted.Model.Parameters[i]));

        Assert.Equal(3, keeper.Kept.Count);
        foreach (var (kept, then) in keeper.Kept)
            Assert.Equal(then, kept.State.Tensors.Select(TestSupport.Snapshot));
    }
}
