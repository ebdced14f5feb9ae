using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Nabla.Compute;

/// <summary>
/// dW = dY·colsᵀ for a convolution with few weights (Cout·C·KH·KW ≤ <see cref="MaxWeights"/>: a CNN's first layer),
/// computed directly from x without a columns matrix: dW[co, r] = Σ_p Σ_n dY[co, p, n]·x(r, p, n), SIMD across the
/// batch. There the GEMM's 32 × 8 register tiles would be mostly padding (m and n of 8 to 32): LeNet's conv1 dW ran
/// at 42–45 GFLOP/s and the tiny CNN's at 7, one thread, thread CPU time. A 4 × 6 tile of vector accumulators
/// (output channels × window cells) takes 24 fused multiply-adds per 10 loads; pixels go in blocks of 16 whose
/// partial sums stay in vectors until the end. Tasks own pixel ranges cut by size; their partials and the lanes are
/// added in a fixed order, so results do not depend on the thread count.
/// </summary>
static unsafe class SmallConv
{
    /// <summary>The most weights (Cout·C·KH·KW) this path takes; larger convolutions go through the GEMM.</summary>
    public const int MaxWeights = 1024;

    const int BlockPixels = 16, TileChannels = 4, TileCells = 6;

    public static bool Fits(WindowGeometry g, int outChannels) => outChannels * g.Patch <= MaxWeights;

    /// <summary>dW (Cout × C·KH·KW, row-major: PyTorch's order) = Σ over pixels and samples of dY·cols, overwritten.</summary>
    public static void Weights<T>(WindowGeometry g, int outChannels, ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dW)
        where T : struct, IFloatingPointIeee754<T>
    {
        switch (LaneWidth.Widest)
        {
            case 512: Job<T, Lanes512<T>>.Get().Run(g, outChannels, x, dy, dW); break;
            case 256: Job<T, Lanes256<T>>.Get().Run(g, outChannels, x, dy, dW); break;
            default: Job<T, Lane<T>>.Get().Run(g, outChannels, x, dy, dW); break;
        }
    }

    sealed class Job<T, TL> : Fork where T : struct, IFloatingPointIeee754<T> where TL : struct, ILanes<TL, T>
    {
        [ThreadStatic] static Job<T, TL>? cached;
        public static Job<T, TL> Get() => cached ??= new();

        WindowGeometry g = null!;
        int outChannels, patch, pixels, columns, vectorEnd, tasks;
        byte* x, dy, partials;

        // Per task: a vector of lanes per (co, r), then one scalar per (co, r) for the samples past the last whole vector.
        int TaskValues => outChannels * patch * (TL.Count + 1);

        public void Run(WindowGeometry g, int outChannels, ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dW)
        {
            (this.g, this.outChannels, patch, pixels) = (g, outChannels, g.Patch, g.OH * g.OW);
            columns = pixels * g.N;
            vectorEnd = TL.Count == 1 ? 0 : g.N - g.N % TL.Count;
            // Pixel ranges of about 1 MFLOP each (a size rule), at most 16.
            tasks = (int)Math.Clamp(2.0 * outChannels * patch * columns / 1e6, 1, Math.Min(16, pixels));
            var sums = ThreadBuffers<T>.Get(ThreadBuffers<T>.Slot.Partials, tasks * TaskValues);
            fixed (byte* px = MemoryMarshal.AsBytes(x), pdy = MemoryMarshal.AsBytes(dy), pp = MemoryMarshal.AsBytes(sums))
            {
                this.x = px;
                this.dy = pdy;
                partials = pp;
                try { Start(tasks); }
                finally { this.g = null!; }
            }
            // dW[co, r] = Σ_task (Σ lanes + tail), in task order.
            var cells = outChannels * patch;
            for (var i = 0; i < cells; i++)
            {
                var total = T.Zero;
                for (var t = 0; t < tasks; t++)
                {
                    var part = sums.Slice(t * TaskValues, TaskValues);
                    total += (TL.Count == 1 ? T.Zero : TL.Sum(TL.Load(in part[i * TL.Count]))) + part[cells * TL.Count + i];
                }
                dW[i] = total;
            }
        }

        protected override void Run(int task)
        {
            var n = g.N;
            var (pStart, pEnd) = Range(task, tasks, pixels);
            var part = new Span<T>(partials + (nint)task * TaskValues * Unsafe.SizeOf<T>(), TaskValues);
            part.Clear();
            var xs = new ReadOnlySpan<T>(x, g.InputLength);
            var gradients = new ReadOnlySpan<T>(dy, columns * outChannels);
            // Where each (pixel, cell) of a block reads x: the start of its N-sample run, or −1 for padding (reads zeros).
            var offsets = ThreadBuffers<int>.Get(ThreadBuffers<int>.Slot.Chunk, BlockPixels * patch);
            Span<int> corners = stackalloc int[BlockPixels];
            var zeros = ThreadBuffers<T>.Get(ThreadBuffers<T>.Slot.Rows, n);
            zeros.Clear();
            ref var vectors = ref MemoryMarshal.GetReference(part);
            ref var tails = ref part[outChannels * patch * TL.Count];
            // Per window cell: its row and column in the window and the offset of its run relative to the window's corner
            // (integer divisions per pixel and cell cost as much as the products at these sizes).
            Span<int> cellH = stackalloc int[patch], cellW = stackalloc int[patch], cellOffset = stackalloc int[patch];
            for (var r = 0; r < patch; r++)
            {
                (cellH[r], cellW[r]) = (r / g.KW % g.KH, r % g.KW);
                cellOffset[r] = ((r / (g.KH * g.KW) * g.H + cellH[r]) * g.W + cellW[r]) * n;
            }
            for (var b0 = pStart; b0 < pEnd; b0 += BlockPixels)
            {
                var b1 = Math.Min(pEnd, b0 + BlockPixels);
                var (oh, ow) = (b0 / g.OW, b0 % g.OW);
                for (var p = b0; p < b1; p++)
                {
                    var (top, left) = (oh * g.StrideH - g.PadTop, ow * g.StrideW - g.PadLeft);
                    var corner = (top * g.W + left) * n;
                    var row = offsets.Slice((p - b0) * patch, patch);
                    var inside = true;
                    for (var r = 0; r < patch; r++)
                    {
                        var (ih, iw) = (top + cellH[r], left + cellW[r]);
                        var outside = (uint)ih >= (uint)g.H || (uint)iw >= (uint)g.W;
                        row[r] = outside ? -1 : corner + cellOffset[r];
                        inside &= !outside;
                    }
                    corners[p - b0] = inside ? corner : -1;   // a window wholly inside the image: runs at corner + cellOffset[r]
                    if (++ow == g.OW) (oh, ow) = (oh + 1, 0);
                }
                for (var co = 0; co < outChannels; co += TileChannels)
                    for (var r = 0; r < patch; r += TileCells)
                    {
                        if (vectorEnd > 0) Tile<TL>(ref vectors, xs, gradients, zeros, offsets, corners, cellOffset, b0, b1, co, r, 0, vectorEnd);
                        if (vectorEnd < n) Tile<Lane<T>>(ref tails, xs, gradients, zeros, offsets, corners, cellOffset, b0, b1, co, r, vectorEnd, n);
                    }
            }
        }

        // sums[(co·K + r)·V.Count …] += Σ over pixels [b0, b1) and samples [nStart, nEnd) of dY[co, p, n]·x(r, p, n), for
        // the tile's channels co0 … co0 + 3 and cells r0 … r0 + 5 (rows past the edge repeat the first and are not stored).
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void Tile<TV>(ref T sums, ReadOnlySpan<T> xs, ReadOnlySpan<T> gradients, ReadOnlySpan<T> zeros, ReadOnlySpan<int> offsets,
            ReadOnlySpan<int> corners, ReadOnlySpan<int> cellOffset, int b0, int b1, int co0, int r0, int nStart, int nEnd) where TV : struct, ILanes<TV, T>
        {
            var (channels, cells) = (Math.Min(TileChannels, outChannels - co0), Math.Min(TileCells, patch - r0));
            int Co(int i) => co0 + (i < channels ? i : 0);
            int R(int j) => r0 + (j < cells ? j : 0);
            int At(int i, int j) => (Co(i) * patch + R(j)) * TV.Count;
            TV a00 = TV.Load(in Unsafe.Add(ref sums, At(0, 0))), a01 = TV.Load(in Unsafe.Add(ref sums, At(0, 1))), a02 = TV.Load(in Unsafe.Add(ref sums, At(0, 2))),
                a03 = TV.Load(in Unsafe.Add(ref sums, At(0, 3))), a04 = TV.Load(in Unsafe.Add(ref sums, At(0, 4))), a05 = TV.Load(in Unsafe.Add(ref sums, At(0, 5)));
            TV a10 = TV.Load(in Unsafe.Add(ref sums, At(1, 0))), a11 = TV.Load(in Unsafe.Add(ref sums, At(1, 1))), a12 = TV.Load(in Unsafe.Add(ref sums, At(1, 2))),
                a13 = TV.Load(in Unsafe.Add(ref sums, At(1, 3))), a14 = TV.Load(in Unsafe.Add(ref sums, At(1, 4))), a15 = TV.Load(in Unsafe.Add(ref sums, At(1, 5)));
            TV a20 = TV.Load(in Unsafe.Add(ref sums, At(2, 0))), a21 = TV.Load(in Unsafe.Add(ref sums, At(2, 1))), a22 = TV.Load(in Unsafe.Add(ref sums, At(2, 2))),
                a23 = TV.Load(in Unsafe.Add(ref sums, At(2, 3))), a24 = TV.Load(in Unsafe.Add(ref sums, At(2, 4))), a25 = TV.Load(in Unsafe.Add(ref sums, At(2, 5)));
            TV a30 = TV.Load(in Unsafe.Add(ref sums, At(3, 0))), a31 = TV.Load(in Unsafe.Add(ref sums, At(3, 1))), a32 = TV.Load(in Unsafe.Add(ref sums, At(3, 2))),
                a33 = TV.Load(in Unsafe.Add(ref sums, At(3, 3))), a34 = TV.Load(in Unsafe.Add(ref sums, At(3, 4))), a35 = TV.Load(in Unsafe.Add(ref sums, At(3, 5)));
            ref var x0 = ref MemoryMarshal.GetReference(xs);
            ref var z0 = ref MemoryMarshal.GetReference(zeros);
            ref var g0 = ref MemoryMarshal.GetReference(gradients);
            // Hoisted out of the pixel loop: the tile's cell offsets and dY rows (a pixel adds its corner and its column).
            int o0 = cellOffset[R(0)], o1 = cellOffset[R(1)], o2 = cellOffset[R(2)], o3 = cellOffset[R(3)], o4 = cellOffset[R(4)], o5 = cellOffset[R(5)];
            ref var g00 = ref Unsafe.Add(ref g0, Co(0) * columns);
            ref var g01 = ref Unsafe.Add(ref g0, Co(1) * columns);
            ref var g02 = ref Unsafe.Add(ref g0, Co(2) * columns);
            ref var g03 = ref Unsafe.Add(ref g0, Co(3) * columns);
            var n = g.N;
            for (var p = b0; p < b1; p++)
            {
                var corner = corners[p - b0];
                var row = (p - b0) * patch;
                ref var s0 = ref corner >= 0 ? ref Unsafe.Add(ref x0, corner + o0) : ref Source(ref x0, ref z0, offsets[row + R(0)]);
                ref var s1 = ref corner >= 0 ? ref Unsafe.Add(ref x0, corner + o1) : ref Source(ref x0, ref z0, offsets[row + R(1)]);
                ref var s2 = ref corner >= 0 ? ref Unsafe.Add(ref x0, corner + o2) : ref Source(ref x0, ref z0, offsets[row + R(2)]);
                ref var s3 = ref corner >= 0 ? ref Unsafe.Add(ref x0, corner + o3) : ref Source(ref x0, ref z0, offsets[row + R(3)]);
                ref var s4 = ref corner >= 0 ? ref Unsafe.Add(ref x0, corner + o4) : ref Source(ref x0, ref z0, offsets[row + R(4)]);
                ref var s5 = ref corner >= 0 ? ref Unsafe.Add(ref x0, corner + o5) : ref Source(ref x0, ref z0, offsets[row + R(5)]);
                ref var d0 = ref Unsafe.Add(ref g00, p * n);
                ref var d1 = ref Unsafe.Add(ref g01, p * n);
                ref var d2 = ref Unsafe.Add(ref g02, p * n);
                ref var d3 = ref Unsafe.Add(ref g03, p * n);
                for (var s = nStart; s < nEnd; s += TV.Count)
                {
                    TV e0 = TV.Load(in Unsafe.Add(ref d0, s)), e1 = TV.Load(in Unsafe.Add(ref d1, s)), e2 = TV.Load(in Unsafe.Add(ref d2, s)), e3 = TV.Load(in Unsafe.Add(ref d3, s));
                    var v = TV.Load(in Unsafe.Add(ref s0, s));
                    a00 = TV.MultiplyAdd(e0, v, a00); a10 = TV.MultiplyAdd(e1, v, a10); a20 = TV.MultiplyAdd(e2, v, a20); a30 = TV.MultiplyAdd(e3, v, a30);
                    v = TV.Load(in Unsafe.Add(ref s1, s));
                    a01 = TV.MultiplyAdd(e0, v, a01); a11 = TV.MultiplyAdd(e1, v, a11); a21 = TV.MultiplyAdd(e2, v, a21); a31 = TV.MultiplyAdd(e3, v, a31);
                    v = TV.Load(in Unsafe.Add(ref s2, s));
                    a02 = TV.MultiplyAdd(e0, v, a02); a12 = TV.MultiplyAdd(e1, v, a12); a22 = TV.MultiplyAdd(e2, v, a22); a32 = TV.MultiplyAdd(e3, v, a32);
                    v = TV.Load(in Unsafe.Add(ref s3, s));
                    a03 = TV.MultiplyAdd(e0, v, a03); a13 = TV.MultiplyAdd(e1, v, a13); a23 = TV.MultiplyAdd(e2, v, a23); a33 = TV.MultiplyAdd(e3, v, a33);
                    v = TV.Load(in Unsafe.Add(ref s4, s));
                    a04 = TV.MultiplyAdd(e0, v, a04); a14 = TV.MultiplyAdd(e1, v, a14); a24 = TV.MultiplyAdd(e2, v, a24); a34 = TV.MultiplyAdd(e3, v, a34);
                    v = TV.Load(in Unsafe.Add(ref s5, s));
                    a05 = TV.MultiplyAdd(e0, v, a05); a15 = TV.MultiplyAdd(e1, v, a15); a25 = TV.MultiplyAdd(e2, v, a25); a35 = TV.MultiplyAdd(e3, v, a35);
                }
            }
            // Store the valid part; a repeated row or cell holds a duplicate sum and is dropped.
            void Put(ref T s, int i, int j, TV value)
            {
                if (i < channels && j < cells) TV.Store(value, ref Unsafe.Add(ref s, ((co0 + i) * patch + r0 + j) * TV.Count));
            }
            Put(ref sums, 0, 0, a00); Put(ref sums, 0, 1, a01); Put(ref sums, 0, 2, a02); Put(ref sums, 0, 3, a03); Put(ref sums, 0, 4, a04); Put(ref sums, 0, 5, a05);
            Put(ref sums, 1, 0, a10); Put(ref sums, 1, 1, a11); Put(ref sums, 1, 2, a12); Put(ref sums, 1, 3, a13); Put(ref sums, 1, 4, a14); Put(ref sums, 1, 5, a15);
            Put(ref sums, 2, 0, a20); Put(ref sums, 2, 1, a21); Put(ref sums, 2, 2, a22); Put(ref sums, 2, 3, a23); Put(ref sums, 2, 4, a24); Put(ref sums, 2, 5, a25);
            Put(ref sums, 3, 0, a30); Put(ref sums, 3, 1, a31); Put(ref sums, 3, 2, a32); Put(ref sums, 3, 3, a33); Put(ref sums, 3, 4, a34); Put(ref sums, 3, 5, a35);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static ref T Source(ref T x0, ref T zeros, int offset) => ref offset < 0 ? ref zeros : ref Unsafe.Add(ref x0, offset);
    }
}
