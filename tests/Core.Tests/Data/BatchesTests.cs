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

    [Theory]
    [InlineData(10, 4, 3)]
    [InlineData(8, 4, 2)]
    [InlineData(9, 4, 3)]
    [InlineData(1, 4, 1)]
    [InlineData(0, 4, 0)]
    [InlineData(9, 1, 9)]
    public void Count_includes_the_last_partial_batch(int samples, int batchSize, int batches)
    {
        Assert.Equal(batches, Batches.Count(samples, batchSize));
        Assert.Equal(batches, Batches.Of<float>(Numbers(samples), batchSize).Count());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void A_batch_size_below_1_is_refused(int batchSize)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Batches.Of<float>(Numbers(5), batchSize).First());
        Assert.Equal("batchSize", e.ParamName);
        Assert.Equal(batchSize, e.ActualValue);
        Assert.StartsWith("Batch size must be positive.", e.Message);
    }

    [Fact]
    public void Batches_start_at_the_first_batch_asked_for()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Batches.Of<float>(Numbers(5), 2, firstBatch: -1).First());
        Assert.Equal("firstBatch", e.ParamName);
        Assert.StartsWith("The first batch must be ≥ 0.", e.Message);
        Assert.Equal([[4, 5, 6, 7], [8, 9]], Batches.Of<float>(Numbers(10), 4, firstBatch: 1).Select(b => b.Indices));
        Assert.Equal([[8, 9]], Batches.Of<float>(Numbers(10), 4, firstBatch: 2).Select(b => b.Indices));
        Assert.Empty(Batches.Of<float>(Numbers(10), 4, firstBatch: 3));
        // Shuffled: batch k of a resumed epoch is batch k of the whole epoch.
        Assert.Equal(Batches.Of<float>(Numbers(10), 4, new Rng(2)).Skip(1).Select(b => b.Indices),
            Batches.Of<float>(Numbers(10), 4, new Rng(2), firstBatch: 1).Select(b => b.Indices));
    }

    [Fact]
    public void Class_indices_are_the_labels_and_need_labels()
    {
        var batch = Batches.Gather<float>(Numbers(5), [4, 2], classIndices: true);
        Assert.Equal([1f, 2f], batch.Y.Column(0).ToArray());
        Assert.Equal("Batch(2×2, 2×1)", batch.ToString());
        var regression = Dataset.Regression("heights", new float[4], 2, new float[2], 1);
        var e = Assert.Throws<ArgumentException>(() => Batches.Gather<float>(regression, [0], classIndices: true));
        Assert.Equal("heights has no class labels to batch (its targets are real values).", e.Message);
        Assert.Equal("Batch(3×2, 3×3)", Batches.Gather<float>(Numbers(5), [0, 1, 2]).ToString());
    }

    [Theory]   // in the vectorized 8 × 8 blocks (width 16) and the scalar columns (width 3)
    [InlineData(16, 10)]
    [InlineData(16, -1)]
    [InlineData(3, 10)]
    public void An_index_outside_the_dataset_is_refused_not_read(int width, int index)
    {
        var data = Dataset.Unlabeled("u", new float[10 * width], width);   // no targets or labels: only X reads the index
        int[] indices = [0, 1, 2, 3, 4, 5, 6, index];
        Assert.Throws<IndexOutOfRangeException>(() => Batches.Gather<float>(data, indices));
    }
}
