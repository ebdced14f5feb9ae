namespace Nabla.Tests.Training;

/// <summary>A second Fit from a FitResult goes on as Keras's second fit does: the optimizer's state and schedule continue,
/// and the epochs are numbered on.</summary>
public class FitContinuationTests
{
    /// <summary>Three classes of 6-feature noise with a learnable signal, 52 samples (the last batch of 8 is partial).</summary>
    internal static Dataset Blobs(int count = 52, ulong seed = 5)
    {
        var rng = new Rng(seed);
        var labels = Enumerable.Range(0, count).Select(_ => rng.NextInt(3)).ToArray();
        var x = new float[count * 6];
        for (var i = 0; i < count; i++)
            for (var j = 0; j < 6; j++)
                x[i * 6 + j] = (float)(rng.Normal() + (j % 3 == labels[i] ? 1.5 : 0));
        return Dataset.Classification("blobs", x, 6, labels, 3);
    }

    /// <summary>Dropout (step randomness), L2 on a weight, Adam on a cosine schedule: every part of the state that must go on.</summary>
    internal static Sequential<float> Model(ulong seed = 1)
    {
        var rng = new Rng(seed);
        return Sequential.Of(
            Layer.Dense(6, 16, Init.He, rng) with { WeightRegularizer = Regularizer.L2(1e-3) }, Layer.Relu(), Layer.Dropout(0.25),
            Layer.Dense(16, 3, rng));
    }

    internal static IOptimizer Optimizer() => new Adam(new CosineDecay(0.02, DecaySteps: 40, WarmupSteps: 5));

    internal static void AssertSameState(TrainState<float> expected, TrainState<float> actual)
    {
        Assert.Equal(expected.Step, actual.Step);
        Assert.Equal(expected.Seed, actual.Seed);
        var (p, q) = (expected.Model.Parameters, actual.Model.Parameters);
        Assert.Equal(p.Names.ToArray(), q.Names.ToArray());
        for (var i = 0; i < p.Count; i++) Assert.Equal(TestSupport.Snapshot(p[i]), TestSupport.Snapshot(q[i]));
        var (a, b) = (expected.OptimizerState.ToStateDict(), actual.OptimizerState.ToStateDict());
        Assert.Equal(a.Scalars.ToArray(), b.Scalars.ToArray());
        Assert.Equal(a.Tensors.Names.ToArray(), b.Tensors.Names.ToArray());
        for (var i = 0; i < a.Tensors.Count; i++) Assert.Equal(TestSupport.Snapshot(a.Tensors[i]), TestSupport.Snapshot(b.Tensors[i]));
    }

    /// <summary>The figures of an epoch without its timing.</summary>
    internal static object Figures(EpochMetrics m) => m with { Seconds = 0 };

    [Fact]
    public void Fit_for_3_epochs_then_2_more_from_its_result_trains_exactly_as_Fit_for_5()
    {
        var (data, validation) = (Blobs(), Blobs(30, 6));
        var whole = Model().Fit(data, Loss.SoftmaxCrossEntropy, Optimizer(), epochs: 5, batchSize: 8, validation, new Rng(9));

        var rng = new Rng(9);
        var first = Model().Fit(data, Loss.SoftmaxCrossEntropy, Optimizer(), epochs: 3, batchSize: 8, validation, rng);
        var second = first.Fit(data, Loss.SoftmaxCrossEntropy, epochs: 2, batchSize: 8, validation, rng);

        AssertSameState(whole.State, second.State);
        Assert.Equal([4, 5], second.History.Select(m => m.Epoch));   // numbered on
        Assert.Equal(whole.History.Skip(3).Select(Figures), second.History.Select(Figures));
        // The schedule went on: the last epoch's rate is the one 35 updates in, not 14 (a restarted schedule's).
        Assert.Equal(5 * 7, second.State.OptimizerState.ToStateDict().Scalar("count"));
        Assert.Equal(whole.History[^1].LearningRate, second.History[^1].LearningRate);
    }

    [Fact]
    public void A_continued_Fit_reports_its_epochs_numbered_on_to_observers()
    {
        var data = Blobs();
        var rng = new Rng(9);
        var first = Model().Fit(data, Loss.SoftmaxCrossEntropy, Optimizer(), epochs: 2, batchSize: 8, null, rng);
        var seen = new Seen();
        first.Fit(data, Loss.SoftmaxCrossEntropy, epochs: 2, batchSize: 8, null, rng, observers: [seen]);
        Assert.Equal(2, seen.Info!.InitialEpoch);
        Assert.Equal(4, seen.Info.LastEpoch);
        Assert.Equal([3, 4], seen.Epochs);
        Assert.Equal((3, 4), seen.LastBatch);   // epoch 3 of 4, as Keras shows "Epoch 3/4"
    }

    sealed class Seen : IFitObserver
    {
        public FitInfo? Info;
        public List<int> Epochs = [];
        public (int Epoch, int Epochs) LastBatch;
        public void OnFitStart(FitInfo info) => Info = info;
        public void OnBatchEnd(BatchProgress progress) { if (progress.Epoch == 3) LastBatch = (progress.Epoch, progress.Epochs); }
        public bool OnEpochEnd(EpochMetrics metrics)
        {
            Epochs.Add(metrics.Epoch);
            return true;
        }
    }
}
