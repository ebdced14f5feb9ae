using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using MathNet.Numerics.LinearAlgebra;

namespace Nabla.Data;

/// <summary>One mini-batch: X (size × features), Y (size × targets), the labels when classifying, and which
/// samples of the dataset these are.</summary>
public sealed record Batch<T>(Matrix<T> X, Matrix<T> Y, int[]? Labels, int[] Indices) where T : struct, IFloatingPointIeee754<T>
{
    /// <summary>The number of samples: X's rows.</summary>
    public int Size => X.RowCount;
    /// <summary>Prints the shapes, never the values: "Batch(64×784, 64×10)".</summary>
    public override string ToString() => $"Batch({Shape.Of(X)}, {Shape.Of(Y)})";
}

/// <summary>Mini-batches over a dataset, shuffled by a seeded generator or in order; the last partial batch is kept.</summary>
public static class Batches
{
    /// <summary>Number of batches of <paramref name="batchSize"/> (the last may be smaller).</summary>
    public static int Count(int samples, int batchSize) => (samples + batchSize - 1) / batchSize;

    /// <summary>The batches of one epoch: a fresh permutation from <paramref name="shuffle"/>, or dataset order when null;
    /// from batch <paramref name="firstBatch"/> (0-based) on. The permutation is drawn whole either way, so batch k is the
    /// same batch and the generator ends where it would after the whole epoch (how Fit resumes an epoch mid-way).
    /// <paramref name="classIndices"/>: Y holds each sample's label (batch × 1) instead of its target row, for the sparse losses.</summary>
    public static IEnumerable<Batch<T>> Of<T>(Dataset data, int batchSize, Rng? shuffle = null, bool classIndices = false, int firstBatch = 0)
        where T : struct, IFloatingPointIeee754<T>
    {
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "Batch size must be positive.");
        if (firstBatch < 0) throw new ArgumentOutOfRangeException(nameof(firstBatch), firstBatch, "The first batch must be ≥ 0.");
        var order = shuffle?.Permutation(data.Count) ?? Enumerable.Range(0, data.Count).ToArray();
        for (var start = (int)Math.Min((long)firstBatch * batchSize, order.Length); start < order.Length; start += batchSize)
            yield return Gather<T>(data, order.AsSpan(start, Math.Min(batchSize, order.Length - start)).ToArray(), classIndices);
    }

    /// <summary>The samples at <paramref name="indices"/> as one batch (row-major storage into column-major matrices);
    /// with <paramref name="classIndices"/>, Y is the labels as one column.</summary>
    public static Batch<T> Gather<T>(Dataset data, int[] indices, bool classIndices = false) where T : struct, IFloatingPointIeee754<T>
    {
        if (classIndices && data.Labels is null)
            throw new ArgumentException($"{data.Name} has no class labels to batch (its targets are real values).");
        var x = Kernels.Uninitialized<T>(indices.Length, data.FeatureCount);   // inside Fit: last step's buffers, all overwritten
        var y = Kernels.Uninitialized<T>(indices.Length, classIndices ? 1 : data.TargetCount);
        Fill(Kernels.Values(x), data.Features, data.FeatureCount, indices);
        if (classIndices)
        {
            var ys = Kernels.Values(y);
            for (var r = 0; r < indices.Length; r++) ys[r] = T.CreateTruncating(data.Labels![indices[r]]);
        }
        else Fill(Kernels.Values(y), data.Targets, data.TargetCount, indices);
        return new(x, y, data.Labels is null ? null : LabelsAt(data.Labels, indices), indices);
    }

    static int[] LabelsAt(int[] labels, int[] indices)
    {
        var result = new int[indices.Length];
        for (var r = 0; r < indices.Length; r++) result[r] = labels[indices[r]];
        return result;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot: skip tier-0 JIT (see Core/Tensors/README.md)
    static void Fill<T>(T[] destination, float[] source, int width, int[] indices) where T : struct, IFloatingPointIeee754<T>
    {
        // Row-major samples into a column-major batch, eight samples at a time: each column then receives eight
        // adjacent values per pass (one cache line touched, not eight), and the eight source rows stream in order.
        Span<int> starts = stackalloc int[8];
        // Stryker disable once Equality : equivalent; at r0 = rows a block would copy 0 samples
        for (var r0 = 0; r0 < indices.Length; r0 += 8)
            FillBlock(destination, source, width, indices, r0, starts);
    }

    // Samples r0 … r0 + 7 (fewer at the end) of Fill; starts: scratch for their row offsets in source.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void FillBlock<T>(T[] destination, float[] source, int width, int[] indices, int r0, Span<int> starts)
        where T : struct, IFloatingPointIeee754<T>
    {
        var rows = indices.Length;
        var count = Math.Min(8, rows - r0);
        for (var r = 0; r < count; r++) starts[r] = indices[r0 + r] * width;
        var j = 0;
        if (typeof(T) == typeof(float) && count == 8 && Avx.IsSupported)
            j = Transpose8(MemoryMarshal.Cast<T, float>(destination.AsSpan()), rows, r0, source, starts, width);
        for (; j < width; j++)
        {
            var column = destination.AsSpan(j * rows + r0, count);
            for (var r = 0; r < count; r++) column[r] = T.CreateTruncating(source[starts[r] + j]);
        }
    }

    /// <summary>Columns 0 … (width rounded down to 8) of eight source rows into rows r0 … r0 + 7 of a column-major
    /// target, as 8 × 8 blocks transposed in AVX registers; returns how many columns it did.</summary>
    static unsafe int Transpose8(Span<float> target, int rows, int r0, float[] source, ReadOnlySpan<int> starts, int width)
    {
        var done = width & ~7;
        if (done == 0) return 0;
        foreach (var start in starts)   // every index is checked once here, so the loads below stay in bounds
            if ((uint)start > (uint)(source.Length - width)) throw new IndexOutOfRangeException();
        // Stryker disable once Arithmetic,Statement : equivalent; Gather's target holds rows × width values, so the last block always fits
        if ((uint)((done - 1) * rows + r0 + 8) > (uint)target.Length) throw new IndexOutOfRangeException();
        fixed (float* s = source, t = target)
        {
            float* s0 = s + starts[0], s1 = s + starts[1], s2 = s + starts[2], s3 = s + starts[3];
            float* s4 = s + starts[4], s5 = s + starts[5], s6 = s + starts[6], s7 = s + starts[7];
            for (var j = 0; j < done; j += 8)
            {
                Vector256<float> a0 = Avx.LoadVector256(s0 + j), a1 = Avx.LoadVector256(s1 + j), a2 = Avx.LoadVector256(s2 + j), a3 = Avx.LoadVector256(s3 + j);
                Vector256<float> a4 = Avx.LoadVector256(s4 + j), a5 = Avx.LoadVector256(s5 + j), a6 = Avx.LoadVector256(s6 + j), a7 = Avx.LoadVector256(s7 + j);
                Transpose8x8.Store(a0, a1, a2, a3, a4, a5, a6, a7, t + (nint)j * rows + r0, rows);
            }
        }
        return done;
    }
}
