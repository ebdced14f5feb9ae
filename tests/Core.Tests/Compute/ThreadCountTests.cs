namespace Nabla.Tests.Compute;

/// <summary>Results never depend on the thread count: work is split by problem size, and each element of a product is
/// summed in the same order whichever thread computes it.</summary>
public class ThreadCountTests
{
    static readonly Lazy<Dataset> Images = new(() => Mnist.Load(TestSupport.DataPath("mnist"), limit: 6000).Train);

    static Parameters<float> OneEpoch(GemmBackend backend, int threads)
    {
        using var _ = Backend.Using(backend, threads);
        var rng = Rng.Seeded(11);
        var model = Sequential.Of(
            Layer.Flatten(), Layer.Dense(784, 128, Init.He, rng), Layer.Relu(),
            Layer.Dense(128, 10, Init.Xavier, rng));
        return model.Fit(Images.Value, Loss.SoftmaxCrossEntropy, new Sgd(LearningRate: 0.1), epochs: 1, batchSize: 64,
            validation: null, rng).Model.Parameters;
    }

    [Fact]
    public void One_mnist_epoch_on_1_and_2_threads_gives_bit_identical_weights_on_every_backend()
    {
        foreach (var backend in new GemmBackend?[] { Backend.Managed, Backend.OpenBlas }.OfType<GemmBackend>())
        {
            var one = OneEpoch(backend, threads: 1);
            var two = OneEpoch(backend, threads: 2);
            for (var i = 0; i < one.Count; i++)
                Assert.True(TestSupport.Snapshot(one[i]).SequenceEqual(TestSupport.Snapshot(two[i])),
                    $"{backend.Description}: tensor {i} ({Shape.Of(one[i])}) differs between 1 and 2 threads");
        }
    }

    // A CNN through every image kernel: the direct dW of a first layer's few weights, batch norm, a second convolution
    // whose 1,152 weights take the GEMM path, max pooling.
    static Parameters<float> OneCnnEpoch(GemmBackend backend, int threads)
    {
        using var _ = Backend.Using(backend, threads);
        var rng = Rng.Seeded(13);
        var model = Sequential.Of(
            Layer.Conv2D(1, 8, 3, rng), Layer.BatchNorm(8), Layer.Relu(), Layer.MaxPool2D(2),
            Layer.Conv2D(8, 16, 3, rng), Layer.Relu(), Layer.MaxPool2D(2),
            Layer.Flatten(), Layer.Dense(400, 10, Init.Xavier, rng));
        return model.Fit(Images.Value.Take(640), Loss.SoftmaxCrossEntropy, new Sgd(0.01, Momentum: 0.9), epochs: 1, batchSize: 64,
            validation: null, rng).Model.Parameters;
    }

    [Fact]
    public void One_cnn_epoch_on_1_and_2_threads_gives_bit_identical_weights_on_every_backend()
    {
        foreach (var backend in new GemmBackend?[] { Backend.Managed, Backend.OpenBlas }.OfType<GemmBackend>())
        {
            var one = OneCnnEpoch(backend, threads: 1);
            var two = OneCnnEpoch(backend, threads: 2);
            for (var i = 0; i < one.Count; i++)
                Assert.True(TestSupport.Snapshot(one[i]).SequenceEqual(TestSupport.Snapshot(two[i])),
                    $"{backend.Description}: CNN tensor {i} ({Shape.Of(one[i])}) differs between 1 and 2 threads");
        }
    }

    [Fact]
    public void Products_split_into_many_tasks_are_bit_identical_on_1_2_and_3_threads()
    {
        var rng = new Rng(12);
        var (m, n, k) = (784, 128, 64);   // dW = xᵀ·dy: ten tasks
        var a = Enumerable.Range(0, m * k).Select(_ => (float)rng.Uniform(-1, 1)).ToArray();
        var b = Enumerable.Range(0, k * n).Select(_ => (float)rng.Uniform(-1, 1)).ToArray();
        float[] Product(int threads)
        {
            var c = new float[m * n];
            Backend.Managed.Gemm(true, false, m, n, k, 1f, a, k, b, k, 0f, c, m, threads);
            return c;
        }
        var single = Product(1);
        Assert.Equal(single, Product(2));
        Assert.Equal(single, Product(3));
    }
}
