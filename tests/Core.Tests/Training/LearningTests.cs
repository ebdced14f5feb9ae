namespace Nabla.Tests.Training;

/// <summary>A small MLP learns real MNIST: 5,000 training images, tested on 1,000 it never saw.</summary>
public class LearningTests
{
    static readonly Lazy<(Dataset Train, Dataset Test)> Subset = new(() =>
    {
        var (train, test) = Mnist.Load(TestSupport.DataPath("mnist"), limit: 5000);
        return (train, test.Take(1000));
    });

    static FitResult<float> TrainMlp(long seed, int epochs, int images)
    {
        var rng = Rng.Seeded(seed);
        var model = Sequential.Of(
            Layer.Dense(784, 128, Init.He, rng), Layer.Relu(),
            Layer.Dense(128, 10, Init.Xavier, rng));
        return model.Fit(Subset.Value.Train.Take(images), Loss.SoftmaxCrossEntropy, new Sgd(LearningRate: 0.1),
            epochs, batchSize: 32, validation: Subset.Value.Test, rng);
    }

    [Fact]
    public void Mlp_reaches_90_percent_on_unseen_mnist_digits()
    {
        var result = TrainMlp(seed: 1, epochs: 10, images: 5000);
        Assert.True(result.Last.ValAccuracy >= 0.90, $"test accuracy {result.Last.ValAccuracy:P2} < 90%");
        Assert.True(result.History[0].Loss > result.Last.Loss, "the training loss did not fall");
    }

    [Fact]
    public void Same_seed_gives_bit_identical_weights_and_another_seed_does_not()
    {
        var a = TrainMlp(seed: 7, epochs: 1, images: 1000).Model.Parameters;
        var b = TrainMlp(seed: 7, epochs: 1, images: 1000).Model.Parameters;
        var c = TrainMlp(seed: 8, epochs: 1, images: 1000).Model.Parameters;
        for (var i = 0; i < a.Count; i++) Assert.Equal(TestSupport.Snapshot(a[i]), TestSupport.Snapshot(b[i]));
        Assert.NotEqual(TestSupport.Snapshot(a[0]), TestSupport.Snapshot(c[0]));
    }
}
