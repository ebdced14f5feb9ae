using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Nabla.Compute;

/// <summary>
/// Max and average pooling over CHWN image batches (see <see cref="WindowGeometry"/>), as PyTorch's max_pool2d and
/// avg_pool2d compute them. Each pixel's N samples are contiguous, so a window's cells are N-long runs and the kernels
/// are SIMD across the batch: every lane computes exactly what a scalar loop would, and results are exact (max) or in a
/// fixed summation order (average), whatever the thread count. Channels are split into tasks by size.
/// Global average pooling is <see cref="AverageForward"/> with the whole image as the window
/// (<c>WindowGeometry.Valid(n, c, h, w, h, w)</c>): its N × C output is column-major N × C.
/// </summary>
public static unsafe class PoolingKernels
{
    /// <summary>y[n, c, oh, ow] = max over the window's real pixels of x (padding never wins); argmax receives the
    /// winner's offset in the window, kh·KW + kw, stored as a T (exact). Ties go to the first cell in row-major window
    /// order and a NaN wins over any number, as in PyTorch. x: N·C·H·W values; y and argmax: N·C·OH·OW each, overwritten.</summary>
    public static void MaxForward<T>(WindowGeometry g, ReadOnlySpan<T> x, Span<T> y, Span<T> argmax) where T : struct, IFloatingPointIeee754<T>
    {
        Check(g, x.Length, "x", y.Length, "y");
        if (argmax.Length != y.Length) Fail(g, $"argmax has {argmax.Length} values; it needs {y.Length} (N·C·OH·OW)");
        if (!g.WindowsTouchInput) Fail(g, "some windows hold padding only; pad less than the window on every side");
        Job<T>.Run(Job<T>.Op.MaxForward, g, x, y, argmax);
    }

    /// <summary>dx = the gradient of <see cref="MaxForward"/>: each dy value goes to the pixel its window's argmax names
    /// (summed where windows overlap). dy and argmax: N·C·OH·OW values; dx: N·C·H·W values, overwritten.</summary>
    public static void MaxBackward<T>(WindowGeometry g, ReadOnlySpan<T> dy, ReadOnlySpan<T> argmax, Span<T> dx) where T : struct, IFloatingPointIeee754<T>
    {
        Check(g, dx.Length, "dx", dy.Length, "dy");
        if (argmax.Length != dy.Length) Fail(g, $"argmax has {argmax.Length} values; it needs {dy.Length} (N·C·OH·OW)");
        Job<T>.Run(Job<T>.Op.MaxBackward, g, dy, dx, argmax);
    }

    /// <summary>y[n, c, oh, ow] = (Σ over the window of x, padding counting as 0) / (KH·KW): PyTorch's avg_pool2d with
    /// count_include_pad=True, its default. x: N·C·H·W values; y: N·C·OH·OW values, overwritten.</summary>
    public static void AverageForward<T>(WindowGeometry g, ReadOnlySpan<T> x, Span<T> y) where T : struct, IFloatingPointIeee754<T>
    {
        Check(g, x.Length, "x", y.Length, "y");
        Job<T>.Run(Job<T>.Op.AverageForward, g, x, y, default);
    }

    /// <summary>dx = the gradient of <see cref="AverageForward"/>: dy / (KH·KW) added to every real pixel of its window.
    /// dy: N·C·OH·OW values; dx: N·C·H·W values, overwritten.</summary>
    public static void AverageBackward<T>(WindowGeometry g, ReadOnlySpan<T> dy, Span<T> dx) where T : struct, IFloatingPointIeee754<T>
    {
        Check(g, dx.Length, "dx", dy.Length, "dy");
        Job<T>.Run(Job<T>.Op.AverageBackward, g, dy, dx, default);
    }

    static void Check(WindowGeometry g, int input, string inputName, int output, string outputName)
    {
        if (input != g.InputLength) Fail(g, $"{inputName} has {input} values; it needs {g.InputLength} (N·C·H·W)");
        if (output != g.OutputLength(g.C)) Fail(g, $"{outputName} has {output} values; it needs {g.OutputLength(g.C)} (N·C·OH·OW)");
    }

    // The message is built only when a check fails: these checks run at every call of a training step.
    static void Fail(WindowGeometry g, string message) => throw new ArgumentException($"Pooling kernel, {g}: {message}.");

    sealed class Job<T> : Fork where T : struct, IFloatingPointIeee754<T>
    {
        public enum Op { MaxForward, MaxBackward, AverageForward, AverageBackward }

        [ThreadStatic] static Job<T>? cached;

        Op op;
        WindowGeometry? g;
        byte* source, target, indices;
        int tasks;

        // Forward: source = x, target = y. Backward: source = dy, target = dx. indices: argmax (max pooling only).
        public static void Run(Op op, WindowGeometry g, ReadOnlySpan<T> source, Span<T> target, ReadOnlySpan<T> indices)
        {
            var job = cached ??= new();
            fixed (byte* s = MemoryMarshal.AsBytes(source), t = MemoryMarshal.AsBytes(target), i = MemoryMarshal.AsBytes(indices))
            {
                (job.op, job.g) = (op, g);
                job.source = s;
                job.target = t;
                job.indices = i;
                job.tasks = TasksFor(g.C, (long)g.N * g.H * g.W);
                try { job.Start(job.tasks); }
                finally { job.g = null; }
            }
        }

        protected override void Run(int task)
        {
            var g = this.g!;
            var (start, end) = Range(task, tasks, g.C);
            var (inputs, outputs) = (g.InputLength, g.OutputLength(g.C));
            var backward = op is Op.MaxBackward or Op.AverageBackward;
            var x = new Span<T>(backward ? target : source, inputs);
            var y = new Span<T>(backward ? source : target, outputs);
            var argmax = new Span<T>(indices, op is Op.MaxForward or Op.MaxBackward ? outputs : 0);
            if (backward) x.Slice(start * g.H * g.W * g.N, (end - start) * g.H * g.W * g.N).Clear();
            // The widest lanes over the first multiple of their count of samples, then one lane at a time.
            var vectorEnd = LaneWidth.Widest switch
            {
                512 => g.N - g.N % Lanes512<T>.Count,
                256 => g.N - g.N % Lanes256<T>.Count,
                _ => 0,
            };
            if (vectorEnd > 0)
            {
                if (LaneWidth.Widest == 512) Channels<Lanes512<T>>(g, x, y, argmax, start, end, 0, vectorEnd);
                else Channels<Lanes256<T>>(g, x, y, argmax, start, end, 0, vectorEnd);
            }
            if (vectorEnd < g.N) Channels<Lane<T>>(g, x, y, argmax, start, end, vectorEnd, g.N);
        }

        // Channels [start, end), samples [nStart, nEnd) (a multiple of TL's count), every output pixel.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void Channels<TL>(WindowGeometry g, Span<T> x, Span<T> y, Span<T> argmax, int start, int end, int nStart, int nEnd)
            where TL : struct, ILanes<TL, T>
        {
            var n = g.N;
            var count = TL.Splat(T.CreateTruncating(g.KH * g.KW));
            ref var x0 = ref MemoryMarshal.GetReference(x);
            ref var y0 = ref MemoryMarshal.GetReference(y);
            ref var a0 = ref MemoryMarshal.GetReference(argmax);
            for (var c = start; c < end; c++)
                for (var oh = 0; oh < g.OH; oh++)
                {
                    var top = oh * g.StrideH - g.PadTop;
                    var (khStart, khEnd) = (Math.Max(0, -top), Math.Min(g.KH, g.H - top));
                    for (var ow = 0; ow < g.OW; ow++)
                    {
                        var left = ow * g.StrideW - g.PadLeft;
                        var (kwStart, kwEnd) = (Math.Max(0, -left), Math.Min(g.KW, g.W - left));
                        var output = ((c * g.OH + oh) * g.OW + ow) * n;
                        // x's run of window cell (kh, kw): pixel (top + kh, left + kw) of channel c.
                        var corner = ((c * g.H + top) * g.W + left) * n;
                        for (var s = nStart; s < nEnd; s += TL.Count)
                        {
                            ref var yRun = ref Unsafe.Add(ref y0, output + s);
                            switch (op)
                            {
                                case Op.MaxForward:
                                {
                                    var best = TL.Load(in Unsafe.Add(ref x0, corner + (khStart * g.W + kwStart) * n + s));
                                    var where = TL.Splat(T.CreateTruncating(khStart * g.KW + kwStart));
                                    for (var kh = khStart; kh < khEnd; kh++)
                                        for (var kw = kh == khStart ? kwStart + 1 : kwStart; kw < kwEnd; kw++)
                                        {
                                            var v = TL.Load(in Unsafe.Add(ref x0, corner + (kh * g.W + kw) * n + s));
                                            var take = TL.GreaterOrNaN(v, best);
                                            best = TL.Select(take, v, best);
                                            where = TL.Select(take, TL.Splat(T.CreateTruncating(kh * g.KW + kw)), where);
                                        }
                                    TL.Store(best, ref yRun);
                                    TL.Store(where, ref Unsafe.Add(ref a0, output + s));
                                    break;
                                }
                                case Op.MaxBackward:
                                {
                                    var dy = TL.Load(in yRun);
                                    var where = TL.Load(in Unsafe.Add(ref a0, output + s));
                                    var zero = TL.Splat(T.Zero);
                                    for (var kh = khStart; kh < khEnd; kh++)
                                        for (var kw = kwStart; kw < kwEnd; kw++)
                                        {
                                            ref var dx = ref Unsafe.Add(ref x0, corner + (kh * g.W + kw) * n + s);
                                            var mine = TL.Equal(where, TL.Splat(T.CreateTruncating(kh * g.KW + kw)));
                                            TL.Store(TL.Add(TL.Load(in dx), TL.Select(mine, dy, zero)), ref dx);
                                        }
                                    break;
                                }
                                case Op.AverageForward:
                                {
                                    var sum = TL.Splat(T.Zero);
                                    for (var kh = khStart; kh < khEnd; kh++)
                                        for (var kw = kwStart; kw < kwEnd; kw++)
                                            sum = TL.Add(sum, TL.Load(in Unsafe.Add(ref x0, corner + (kh * g.W + kw) * n + s)));
                                    TL.Store(TL.Divide(sum, count), ref yRun);
                                    break;
                                }
                                default:
                                {
                                    var share = TL.Divide(TL.Load(in yRun), count);
                                    for (var kh = khStart; kh < khEnd; kh++)
                                        for (var kw = kwStart; kw < kwEnd; kw++)
                                        {
                                            ref var dx = ref Unsafe.Add(ref x0, corner + (kh * g.W + kw) * n + s);
                                            TL.Store(TL.Add(TL.Load(in dx), share), ref dx);
                                        }
                                    break;
                                }
                            }
                        }
                    }
                }
        }
    }
}
