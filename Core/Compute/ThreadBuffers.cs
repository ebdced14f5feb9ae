namespace Nabla.Compute;

/// <summary>Per-thread working buffers for the image kernels, grown on demand and kept (no allocation per call in
/// steady state): pinned, and 64-byte aligned so that a GEMM reading a block in place finds every column on cache-line
/// boundaries. Each thread has one buffer per <see cref="Slot"/>, so a kernel's caller and its tasks never share one.</summary>
static unsafe class ThreadBuffers<T> where T : struct
{
    public enum Slot { Chunk, Rows, Transposed, Partials }

    [ThreadStatic] static T[]?[]? arrays;

    /// <summary>A span of <paramref name="length"/> values (contents undefined) in this thread's buffer for
    /// <paramref name="slot"/>, starting on a 64-byte boundary; valid until this thread asks for the slot again.</summary>
    public static Span<T> Get(Slot slot, int length)
    {
        var all = arrays ??= new T[]?[4];
        var size = System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        var pad = 64 / size;
        ref var array = ref all[(int)slot];
        if (array is null || array.Length < length + pad) array = GC.AllocateUninitializedArray<T>(Math.Max(length + pad, 1024), pinned: true);
        fixed (byte* p = System.Runtime.InteropServices.MemoryMarshal.AsBytes(array.AsSpan()))
            return array.AsSpan((int)((64 - (nint)p % 64) % 64 / size), length);
    }

    /// <summary>Rounds a column length up to whole cache lines, so consecutive columns of a block stay aligned.</summary>
    public static int Aligned(int length)
    {
        var unit = 64 / System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        return (length + unit - 1) / unit * unit;
    }
}
