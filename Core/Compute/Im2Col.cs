using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Nabla.Compute;

/// <summary>
/// Blocks of a convolution's columns matrix, to and from CHWN image batches (see <see cref="WindowGeometry"/>). The
/// columns matrix has a row r = (c·KH + kh)·KW + kw per window cell and a column (oh·OW + ow)·N + n per output value:
/// cols[r, (oh·OW + ow)·N + n] = x[c, oh·SH − PadTop + kh, ow·SW − PadLeft + kw, n], zero where that pixel is padding.
/// A block holds rows [r0, r1) for the output pixels [p0, p1) (pixel p = oh·OW + ow) as a column-major
/// ((p1 − p0)·N) × (r1 − r0) matrix with leading dimension ld: the layout a GEMM reads in place. Each pixel's N samples
/// are contiguous in x, so a block row is a sequence of N-long copies, one (count·N)-long copy per output row at
/// stride 1.
/// </summary>
static class Im2Col
{
    /// <summary>block[(r − r0)·ld + (p − p0)·N + n] = cols[r, p·N + n] for r in [r0, r1), p in [p0, p1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Gather<T>(WindowGeometry g, ReadOnlySpan<T> x, Span<T> block, int ld, int r0, int r1, int p0, int p1)
        where T : struct, IFloatingPointIeee754<T>
    {
        var n = g.N;
        if (r0 < 0 || r1 > g.Patch || p0 < 0 || p1 > g.OH * g.OW || x.Length < g.InputLength || (long)(r1 - r0 - 1) * ld + (p1 - p0) * n > block.Length)
            throw new ArgumentException($"Im2Col.Gather: rows [{r0}, {r1}), pixels [{p0}, {p1}) with ld {ld} do not fit {g}.");
        ref var x0 = ref MemoryMarshal.GetReference(x);
        ref var b0 = ref MemoryMarshal.GetReference(block);
        var (ohFirst, ohLast) = (p0 / g.OW, (p1 - 1) / g.OW);
        // Divisions hoisted out of the row loop (they cost as much as a 1-pixel block's copies): the valid output columns
        // per window column, and the window cell of row r0, stepped along.
        Span<(int Start, int End)> valid = stackalloc (int, int)[g.KW];
        for (var kw = 0; kw < g.KW; kw++) valid[kw] = Valid(kw - g.PadLeft, g.StrideW, g.W, g.OW);
        var (cell, kwNext) = (r0 / g.KW, r0 % g.KW);
        for (var r = r0; r < r1; r++)
        {
            var (c, kh, kw) = (cell / g.KH, cell % g.KH, kwNext);
            if (++kwNext == g.KW) (cell, kwNext) = (cell + 1, 0);
            ref var column = ref Unsafe.Add(ref b0, (nint)(r - r0) * ld);
            var (validStart, validEnd) = valid[kw];
            for (var oh = ohFirst; oh <= ohLast; oh++)
            {
                // This output row's pixels inside [p0, p1): ow in [owStart, owEnd), at column offset (oh·OW + owStart − p0)·N.
                var (owStart, owEnd) = (oh == ohFirst ? p0 - oh * g.OW : 0, oh == ohLast ? p1 - oh * g.OW : g.OW);
                ref var line = ref Unsafe.Add(ref column, (oh * g.OW + owStart - p0) * n);
                var ih = oh * g.StrideH - g.PadTop + kh;
                var (vs, ve) = ih < 0 || ih >= g.H ? (owEnd, owEnd) : (Math.Max(owStart, validStart), Math.Min(owEnd, validEnd));
                if (vs >= ve) { Clear(ref line, (owEnd - owStart) * n); continue; }
                if (vs > owStart) Clear(ref line, (vs - owStart) * n);
                if (ve < owEnd) Clear(ref Unsafe.Add(ref line, (ve - owStart) * n), (owEnd - ve) * n);
                ref var source = ref Unsafe.Add(ref x0, ((c * g.H + ih) * g.W + vs * g.StrideW - g.PadLeft + kw) * n);
                ref var target = ref Unsafe.Add(ref line, (vs - owStart) * n);
                if (g.StrideW == 1) Copy(ref source, ref target, (ve - vs) * n);
                else
                    for (var ow = vs; ow < ve; ow++)
                        Copy(ref Unsafe.Add(ref source, (ow - vs) * g.StrideW * n), ref Unsafe.Add(ref target, (ow - vs) * n), n);
            }
        }
    }

    /// <summary>col2im, the adjoint of <see cref="Gather"/>, for the rows of channels [c0, c1): dx[c, ih, iw, n] += the
    /// block's value of every window cell that reads that pixel, for the output pixels [p0, p1). The block holds rows
    /// [c0·KH·KW, c1·KH·KW). Within a call the sums run over c, kh, kw, oh, ow in that order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Scatter<T>(WindowGeometry g, ReadOnlySpan<T> block, int ld, Span<T> dx, int c0, int c1, int p0, int p1)
        where T : struct, IFloatingPointIeee754<T>
    {
        var n = g.N;
        var cells = g.KH * g.KW;
        if (c0 < 0 || c1 > g.C || p0 < 0 || p1 > g.OH * g.OW || dx.Length < g.InputLength || (long)((c1 - c0) * cells - 1) * ld + (p1 - p0) * n > block.Length)
            throw new ArgumentException($"Im2Col.Scatter: channels [{c0}, {c1}), pixels [{p0}, {p1}) with ld {ld} do not fit {g}.");
        ref var b0 = ref MemoryMarshal.GetReference(block);
        ref var d0 = ref MemoryMarshal.GetReference(dx);
        var (ohFirst, ohLast) = (p0 / g.OW, (p1 - 1) / g.OW);
        Span<(int Start, int End)> valid = stackalloc (int, int)[g.KW];
        for (var kw = 0; kw < g.KW; kw++) valid[kw] = Valid(kw - g.PadLeft, g.StrideW, g.W, g.OW);
        for (var c = c0; c < c1; c++)
            for (var kh = 0; kh < g.KH; kh++)
                for (var kw = 0; kw < g.KW; kw++)
                {
                    ref var column = ref Unsafe.Add(ref b0, (nint)(((c - c0) * g.KH + kh) * g.KW + kw) * ld);
                    var (validStart, validEnd) = valid[kw];
                    for (var oh = ohFirst; oh <= ohLast; oh++)
                    {
                        var (owStart, owEnd) = (oh == ohFirst ? p0 - oh * g.OW : 0, oh == ohLast ? p1 - oh * g.OW : g.OW);
                        var ih = oh * g.StrideH - g.PadTop + kh;
                        var (vs, ve) = (Math.Max(owStart, validStart), Math.Min(owEnd, validEnd));
                        if (ih < 0 || ih >= g.H || vs >= ve) continue;
                        ref var source = ref Unsafe.Add(ref column, (oh * g.OW + vs - p0) * n);   // the block's value for output pixel (oh, vs)
                        ref var target = ref Unsafe.Add(ref d0, ((c * g.H + ih) * g.W + vs * g.StrideW - g.PadLeft + kw) * n);
                        if (g.StrideW == 1) AddInto(ref source, ref target, (ve - vs) * n);
                        else
                            for (var ow = vs; ow < ve; ow++)
                                AddInto(ref Unsafe.Add(ref source, (ow - vs) * n), ref Unsafe.Add(ref target, (ow - vs) * g.StrideW * n), n);
                    }
                }
    }

    // Runs here are often one pixel's N samples (256 bytes at N = 64), where a call to memmove, a span slice or an empty
    // Clear costs as much as the copy: gathering LeNet's conv2 columns in 1-pixel blocks took 1.1 ms with spans and
    // Span.CopyTo per run, against the GEMM's 2.8 ms (thread CPU time). Callers check the bounds once per call.

    // target[i] = source[i] for i < count.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Copy<T>(ref T source, ref T target, int count) where T : struct
    {
        var i = 0;
        if (Avx512F.IsSupported)
            for (; i + Vector512<T>.Count <= count; i += Vector512<T>.Count) Vector512.LoadUnsafe(ref source, (nuint)i).StoreUnsafe(ref target, (nuint)i);
        if (Vector256.IsHardwareAccelerated)
            for (; i + Vector256<T>.Count <= count; i += Vector256<T>.Count) Vector256.LoadUnsafe(ref source, (nuint)i).StoreUnsafe(ref target, (nuint)i);
        for (; i < count; i++) Unsafe.Add(ref target, i) = Unsafe.Add(ref source, i);
    }

    // target[i] = 0 for i < count.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Clear<T>(ref T target, int count) where T : struct
    {
        var i = 0;
        if (Avx512F.IsSupported)
            for (; i + Vector512<T>.Count <= count; i += Vector512<T>.Count) Vector512<T>.Zero.StoreUnsafe(ref target, (nuint)i);
        if (Vector256.IsHardwareAccelerated)
            for (; i + Vector256<T>.Count <= count; i += Vector256<T>.Count) Vector256<T>.Zero.StoreUnsafe(ref target, (nuint)i);
        for (; i < count; i++) Unsafe.Add(ref target, i) = default;
    }

    // target[i] += source[i] for i < count (the same sum in every lane as in the scalar tail).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void AddInto<T>(ref T source, ref T target, int count) where T : struct, IFloatingPointIeee754<T>
    {
        var i = 0;
        if (Avx512F.IsSupported)
            for (; i + Vector512<T>.Count <= count; i += Vector512<T>.Count)
                (Vector512.LoadUnsafe(ref target, (nuint)i) + Vector512.LoadUnsafe(ref source, (nuint)i)).StoreUnsafe(ref target, (nuint)i);
        if (Vector256.IsHardwareAccelerated)
            for (; i + Vector256<T>.Count <= count; i += Vector256<T>.Count)
                (Vector256.LoadUnsafe(ref target, (nuint)i) + Vector256.LoadUnsafe(ref source, (nuint)i)).StoreUnsafe(ref target, (nuint)i);
        for (; i < count; i++) Unsafe.Add(ref target, i) += Unsafe.Add(ref source, i);
    }

    /// <summary>The output positions [start, end) whose input position o·stride + offset lies in [0, size): the rest read
    /// padding.</summary>
    public static (int Start, int End) Valid(int offset, int stride, int size, int outputs)
    {
        // o·stride + offset ≥ 0  ⇔  o ≥ ⌈−offset / stride⌉;   o·stride + offset ≤ size − 1  ⇔  o ≤ ⌊(size − 1 − offset) / stride⌋.
        var start = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
        var last = size - 1 - offset;
        var end = last < 0 ? 0 : Math.Min(outputs, last / stride + 1);
        return (start, Math.Max(start, end));
    }
}
