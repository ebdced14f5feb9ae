namespace Nabla.Tests.Training;

/// <summary>Fit's reported epoch loss and accuracy against a recomputation over the whole training set.</summary>
public class EpochLossTests
{
    [Fact]
    public void The_epoch_loss_is_the_mean_over_samples_not_over_batches()
    {
        // With a learning rate of 0 the model never changes, so the epoch's loss must equal the loss of the whole
        // training set at once. Ten samples in batches of 4 (4, 4, 2): a mean of batch means would weigh the last two
        // samples double.
        var rng = new Rng(21);
        var features = Enumerable.Range(0, 30).Select(_ => (float)rng.Uniform(-2, 2)).ToArray();
        var labels = Enumerable.Range(0, 10).Select(i => i % 3).ToArray();
        var data = Dataset.Classification("ten", features, 3, labels, 3);
        var model = Sequential.Of<double>(Layer<double>.Dense(3, 3, new Rng(2)) with { Bias = Kernels.FromRowMajor<double>(1, 3, [0.5, -1, 0.2]) });
        var fit = model.Fit(data, Loss.SoftmaxCrossEntropy, new Sgd(LearningRate: 0), epochs: 2, batchSize: 4, validation: data, new Rng(3));

        var x = Kernels.FromRowMajor<double>(10, 3, [.. features.Select(v => (double)v)]);
        var y = Kernels.FromRowMajor<double>(10, 3, [.. data.Targets.Select(v => (double)v)]);
        var output = model.Forward(x);
        var loss = Loss.SoftmaxCrossEntropy.Evaluate(output, y).Value;
        var accuracy = Metrics.Accuracy(Loss.SoftmaxCrossEntropy.Activate(output), labels);
        Assert.InRange(accuracy, 0.05, 0.95);   // neither all right nor all wrong, so accuracy can be checked too
        foreach (var epoch in fit.History)
        {
            TestSupport.AssertClose(loss, epoch.Loss, 1e-12, $"epoch {epoch.Epoch} loss");
            TestSupport.AssertClose(loss, epoch.ValLoss!.Value, 1e-12, $"epoch {epoch.Epoch} val_loss");
            Assert.Equal(accuracy, epoch.Accuracy);
            Assert.Equal(accuracy, epoch.ValAccuracy);
        }
    }
}
