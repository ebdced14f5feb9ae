using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Nabla.Compute;

/// <summary>
/// Image batches (CHWN, see <see cref="WindowGeometry"/>) to and from the columns matrix of a convolution: cols is the
/// row-major (C·KH·KW) × (OH·OW·N) matrix with cols[(c·KH + kh)·KW + kw, (oh·OW + ow)·N + n] =
/// x[c, oh·SH − PadTop + kh, ow·SW − PadLeft + kw, n], zero where that pixel is padding. Because each pixel's N samples
/// are contiguous, a row of cols is a sequence of N-long copies (one (OW·N)-long copy per output row at stride 1).
/// </summary>
static class Im2Col
{
    /// <summary>Rows [rowStart, rowEnd) of cols from x (see the class summary).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Gather<T>(WindowGeometry g, ReadOnlySpan<T> x, Span<T> cols, int rowStart, int rowEnd) where T : struct
    {
        var n = g.N;
        var columns = g.OH * g.OW * n;
        for (var r = rowStart; r < rowEnd; r++)
        {
            var (c, kh, kw) = (r / (g.KH * g.KW), r / g.KW % g.KH, r % g.KW);
            var row = cols.Slice(r * columns, columns);
            var (owStart, owEnd) = Valid(kw - g.PadLeft, g.StrideW, g.W, g.OW);
            for (var oh = 0; oh < g.OH; oh++)
            {
                var line = row.Slice(oh * g.OW * n, g.OW * n);
                var ih = oh * g.StrideH - g.PadTop + kh;
                if (ih < 0 || ih >= g.H || owStart >= owEnd) { line.Clear(); continue; }
                line[..(owStart * n)].Clear();
                line[(owEnd * n)..].Clear();
                var source = x.Slice(((c * g.H + ih) * g.W) * n, g.W * n);
                var iw0 = owStart * g.StrideW - g.PadLeft + kw;
                if (g.StrideW == 1)
                    source.Slice(iw0 * n, (owEnd - owStart) * n).CopyTo(line.Slice(owStart * n));
                else
                    for (int ow = owStart, iw = iw0; ow < owEnd; ow++, iw += g.StrideW)
                        source.Slice(iw * n, n).CopyTo(line.Slice(ow * n, n));
            }
        }
    }

    /// <summary>Channels [channelStart, channelEnd) of dx = Σ over every window position of its cols row (col2im, the
    /// adjoint of <see cref="Gather"/>): dx is overwritten; within a channel the sum runs over kh, kw, oh, ow in that
    /// order, whichever task runs it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Scatter<T>(WindowGeometry g, ReadOnlySpan<T> cols, Span<T> dx, int channelStart, int channelEnd)
        where T : struct, IFloatingPointIeee754<T>
    {
        var n = g.N;
        var columns = g.OH * g.OW * n;
        var plane = g.H * g.W * n;
        dx.Slice(channelStart * plane, (channelEnd - channelStart) * plane).Clear();
        for (var c = channelStart; c < channelEnd; c++)
            for (var kh = 0; kh < g.KH; kh++)
                for (var kw = 0; kw < g.KW; kw++)
                {
                    var row = cols.Slice(((c * g.KH + kh) * g.KW + kw) * columns, columns);
                    var (owStart, owEnd) = Valid(kw - g.PadLeft, g.StrideW, g.W, g.OW);
                    if (owStart >= owEnd) continue;
                    for (var oh = 0; oh < g.OH; oh++)
                    {
                        var ih = oh * g.StrideH - g.PadTop + kh;
                        if (ih < 0 || ih >= g.H) continue;
                        var target = dx.Slice(((c * g.H + ih) * g.W) * n, g.W * n);
                        var line = row.Slice(oh * g.OW * n, g.OW * n);
                        var iw0 = owStart * g.StrideW - g.PadLeft + kw;
                        if (g.StrideW == 1)
                            AddInto(line.Slice(owStart * n, (owEnd - owStart) * n), target.Slice(iw0 * n));
                        else
                            for (int ow = owStart, iw = iw0; ow < owEnd; ow++, iw += g.StrideW)
                                AddInto(line.Slice(ow * n, n), target.Slice(iw * n, n));
                    }
                }
    }

    // target[i] += source[i] for i < source.Length.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void AddInto<T>(ReadOnlySpan<T> source, Span<T> target) where T : struct, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            var t = MemoryMarshal.Cast<T, float>(target)[..source.Length];
            System.Numerics.Tensors.TensorPrimitives.Add(t, MemoryMarshal.Cast<T, float>(source), t);
        }
        else if (typeof(T) == typeof(double))
        {
            var t = MemoryMarshal.Cast<T, double>(target)[..source.Length];
            System.Numerics.Tensors.TensorPrimitives.Add(t, MemoryMarshal.Cast<T, double>(source), t);
        }
        else
            for (var i = 0; i < source.Length; i++) target[i] += source[i];
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
