using MathNet.Numerics.LinearAlgebra;

namespace Nabla.Data;

/// <summary>One mini-batch: X (size × features), Y (size × targets), the labels when classifying, and which
/// samples of the dataset these are.</summary>
public sealed record Batch<T>(Matrix<T> X, Matrix<T> Y, int[]? Labels, int[] Indices) where T : struct, IFloatingPointIeee754<T>
{
    public int Size => X.RowCount;
    public override string ToString() => $"Batch({Shape.Of(X)}, {Shape.Of(Y)})";
}

/// <summary>Mini-batches over a dataset, shuffled by a seeded generator or in order; the last partial batch is kept.</summary>
public static class Batches
{
    /// <summary>Number of batches of <paramref name="batchSize"/> (the last may be smaller).</summary>
    public static int Count(int samples, int batchSize) => (samples + batchSize - 1) / batchSize;

    /// <summary>The batches of one epoch: a fresh permutation from <paramref name="shuffle"/>, or dataset order when null.</summary>
    public static IEnumerable<Batch<T>> Of<T>(Dataset data, int batchSize, Rng? shuffle = null) where T : struct, IFloatingPointIeee754<T>
    {
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "Batch size must be positive.");
        var order = shuffle?.Permutation(data.Count) ?? Enumerable.Range(0, data.Count).ToArray();
        for (var start = 0; start < order.Length; start += batchSize)
            yield return Gather<T>(data, order.AsSpan(start, Math.Min(batchSize, order.Length - start)).ToArray());
    }

    /// <summary>The samples at <paramref name="indices"/> as one batch (row-major storage into column-major matrices).</summary>
    public static Batch<T> Gather<T>(Dataset data, int[] indices) where T : struct, IFloatingPointIeee754<T>
    {
        var x = Matrix<T>.Build.Dense(indices.Length, data.FeatureCount);
        var y = Matrix<T>.Build.Dense(indices.Length, data.TargetCount);
        Fill(Kernels.Values(x), data.Features, data.FeatureCount, indices);
        Fill(Kernels.Values(y), data.Targets, data.TargetCount, indices);
        return new(x, y, data.Labels is null ? null : indices.Select(i => data.Labels[i]).ToArray(), indices);
    }

    static void Fill<T>(T[] destination, float[] source, int width, int[] indices) where T : struct, IFloatingPointIeee754<T>
    {
        var rows = indices.Length;
        for (var r = 0; r < rows; r++)
        {
            var row = source.AsSpan(indices[r] * width, width);   // contiguous read; strided write into column-major
            for (var j = 0; j < width; j++) destination[j * rows + r] = T.CreateTruncating(row[j]);
        }
    }
}
