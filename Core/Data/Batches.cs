using System.Runtime.CompilerServices;
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
        var x = Kernels.Fresh<T>(indices.Length, data.FeatureCount);   // inside Fit: last step's buffers, all overwritten
        var y = Kernels.Fresh<T>(indices.Length, data.TargetCount);
        Fill(Kernels.Values(x), data.Features, data.FeatureCount, indices);
        Fill(Kernels.Values(y), data.Targets, data.TargetCount, indices);
        return new(x, y, data.Labels is null ? null : indices.Select(i => data.Labels[i]).ToArray(), indices);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot: skip tier-0 JIT (see Core/Tensors/README.md)
    static void Fill<T>(T[] destination, float[] source, int width, int[] indices) where T : struct, IFloatingPointIeee754<T>
    {
        // Row-major samples into a column-major batch, eight samples at a time: each column then receives eight
        // adjacent values per pass (one cache line touched, not eight), and the eight source rows stream in order.
        var rows = indices.Length;
        Span<int> starts = stackalloc int[8];
        for (var r0 = 0; r0 < rows; r0 += 8)
        {
            var count = Math.Min(8, rows - r0);
            for (var r = 0; r < count; r++) starts[r] = indices[r0 + r] * width;
            if (typeof(T) == typeof(float) && count == 8)
            {
                // The common case without per-element conversion or bounds checks.
                var target = System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(destination.AsSpan());
                int s0 = starts[0], s1 = starts[1], s2 = starts[2], s3 = starts[3], s4 = starts[4], s5 = starts[5], s6 = starts[6], s7 = starts[7];
                for (var j = 0; j < width; j++)
                {
                    var column = target.Slice(j * rows + r0, 8);
                    column[0] = source[s0 + j]; column[1] = source[s1 + j]; column[2] = source[s2 + j]; column[3] = source[s3 + j];
                    column[4] = source[s4 + j]; column[5] = source[s5 + j]; column[6] = source[s6 + j]; column[7] = source[s7 + j];
                }
                continue;
            }
            for (var j = 0; j < width; j++)
            {
                var column = destination.AsSpan(j * rows + r0, count);
                for (var r = 0; r < count; r++) column[r] = T.CreateTruncating(source[starts[r] + j]);
            }
        }
    }
}
