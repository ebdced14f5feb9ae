namespace Nabla.Tests.Data;

public class BatchesTests
{
    static Dataset Numbers(int n) =>
        Dataset.Classification("numbers", Enumerable.Range(0, n * 2).Select(i => (float)i).ToArray(), 2,
            Enumerable.Range(0, n).Select(i => i % 3).ToArray(), 3);

    [Fact]
    public void Every_sample_once_per_epoch_and_the_last_partial_batch_kept()
    {
        var batches = Batches.Of<float>(Numbers(10), 4, new Rng(3)).ToArray();
        Assert.Equal([4, 4, 2], batches.Select(b => b.Size));
        Assert.Equal(Enumerable.Range(0, 10), batches.SelectMany(b => b.Indices).Order());
        var first = batches[0];
        for (var r = 0; r < first.Size; r++)
        {
            Assert.Equal(first.Indices[r] * 2, first.X[r, 0]);            // rows follow their sample
            Assert.Equal(1f, first.Y[r, first.Indices[r] % 3]);            // one-hot target
            Assert.Equal(first.Indices[r] % 3, first.Labels![r]);
        }
    }

    [Theory]   // widths and batch sizes around the 8 × 8 blocks of the vectorized transpose, float and double
    [InlineData(784, 64)]
    [InlineData(17, 13)]
    [InlineData(8, 8)]
    [InlineData(7, 9)]
    [InlineData(1, 3)]
    public void Gather_puts_each_sample_in_its_row(int width, int size)
    {
        var count = 3 * size + 5;
        var features = Enumerable.Range(0, count * width).Select(i => i * 0.5f - 7).ToArray();
        var data = Dataset.Classification("grid", features, width, Enumerable.Range(0, count).Select(i => i % 4).ToArray(), 4);
        var indices = new Rng(9).Permutation(count)[..size];
        var floats = Batches.Gather<float>(data, indices);
        var doubles = Batches.Gather<double>(data, indices);
        for (var r = 0; r < size; r++)
            for (var j = 0; j < width; j++)
            {
                Assert.Equal(features[indices[r] * width + j], floats.X[r, j]);
                Assert.Equal(features[indices[r] * width + j], doubles.X[r, j]);
            }
    }

    [Fact]
    public void Shuffle_is_seeded()
    {
        var a = Batches.Of<float>(Numbers(50), 8, new Rng(1)).SelectMany(b => b.Indices).ToArray();
        var b = Batches.Of<float>(Numbers(50), 8, new Rng(1)).SelectMany(b => b.Indices).ToArray();
        var c = Batches.Of<float>(Numbers(50), 8, new Rng(2)).SelectMany(b => b.Indices).ToArray();
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.Equal(Enumerable.Range(0, 50), Batches.Of<float>(Numbers(50), 8).SelectMany(b => b.Indices));
    }

    [Fact]
    public void Split_partitions_the_samples()
    {
        var (train, validation) = Numbers(20).Split(0.25, new Rng(5));
        Assert.Equal(15, train.Count);
        Assert.Equal(5, validation.Count);
        var all = train.Features.Concat(validation.Features).Order().ToArray();
        Assert.Equal(Numbers(20).Features, all);
    }

    [Fact]
    public void Scaling_maps_to_the_unit_interval()
    {
        var scaled = Numbers(5).ScaledTo01();
        Assert.Equal(0f, scaled.Features.Min());
        Assert.Equal(1f, scaled.Features.Max());
    }

    [Fact]
    public void Scaling_to_the_unit_interval_is_linear()
    {
        var data = Dataset.Regression("r", [2f, 4f, 10f, 7f], 2, [0f, 0f], 1);
        Assert.Equal([0f, 0.25f, 1f, 0.625f], data.ScaledTo01().Features);
        Assert.Equal([1f, 2f, 5f, 3.5f], data.Scaled(0.5f).Features);
        Assert.Equal([0f, 0f], Dataset.Regression("c", [3f, 3f], 1, [0f, 0f], 1).ScaledTo01().Features);   // constant: 0
    }
}
