using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace Nabla.Compute;

/// <summary>
/// 2-D convolution (PyTorch's conv2d: cross-correlation) over CHWN image batches (see <see cref="WindowGeometry"/>) as
/// im2col plus GEMMs through the backend in force (<see cref="Backend.Current"/>). With cols the (C·KH·KW) × (OH·OW·N)
/// columns matrix (<see cref="Im2Col"/>) and W the row-major Cout × (C·KH·KW) weights (PyTorch's (out, in, kh, kw)
/// order), y = W·cols + b read row-major is the column-major N × (Cout·OH·OW) output batch: no transposes. Backward:
/// dW = dY·colsᵀ, dx = col2im(Wᵀ·dY), db = Σ of each output channel's block of dY. The columns matrix is never built
/// whole: each task builds an L2-sized block of it in a per-thread buffer and hands it to a single-threaded GEMM that
/// reads it in place. Work is cut by problem size only and every sum runs in a fixed order, so results do not depend
/// on the thread count. Runs in float or double.
/// </summary>
public static unsafe class Conv2DKernels
{
    // A block of the columns matrix holds at most this many values (256 KB of floats): with the weights' panel and the
    // output tile it stays in L2 while the GEMM reads it. Conv2 of LeNet (800 cells), one thread, thread CPU time,
    // three alternating rounds: 152, 153, 153 GFLOP/s for 64-row blocks against 74, 78, 80 for one packed product.
    const int BlockValues = 128 * 1024;
    // Window cells per channel group in the backward products (a task's share of W): the dx product ran at 100–103
    // GFLOP/s with 200-cell groups against 90–95 with 100-cell ones (same measurement). The dx product reads a block of
    // dY rows copied together first (k = Cout steps 4·N·OH·OW bytes apart otherwise): 137–148 GFLOP/s against 106–109.
    const int GroupCells = 200;

    /// <summary>y = W ⋆ x + b (PyTorch's conv2d). x: the CHWN input batch (N·C·H·W values); weights: Cout·C·KH·KW values
    /// in PyTorch's (out, in, kh, kw) order (the storage of a column-major (C·KH·KW) × Cout matrix); bias: Cout values or
    /// empty for none; y: the CHWN output batch, N·Cout·OH·OW values, overwritten.</summary>
    public static void Forward<T>(WindowGeometry g, int outChannels, ReadOnlySpan<T> x, ReadOnlySpan<T> weights,
        ReadOnlySpan<T> bias, Span<T> y) where T : struct, IFloatingPointIeee754<T>
    {
        Check(g, outChannels, x.Length, weights.Length, bias.Length, y.Length, "y");
        fixed (byte* px = MemoryMarshal.AsBytes(x), pw = MemoryMarshal.AsBytes(weights), pb = MemoryMarshal.AsBytes(bias), py = MemoryMarshal.AsBytes(y))
            Job<T>.Get().Forward(g, outChannels, px, pw, bias.IsEmpty ? null : pb, py);
    }

    /// <summary>The gradients of <see cref="Forward"/> from dy (N·Cout·OH·OW values, CHWN): dx = col2im(Wᵀ·dY) (N·C·H·W
    /// values, or empty to skip it, as for a first layer), dWeights = dY·colsᵀ (Cout·C·KH·KW, PyTorch's order), dBias =
    /// Σ dY per output channel (Cout values, or empty). All overwritten.</summary>
    public static void Backward<T>(WindowGeometry g, int outChannels, ReadOnlySpan<T> x, ReadOnlySpan<T> weights,
        ReadOnlySpan<T> dy, Span<T> dx, Span<T> dWeights, Span<T> dBias) where T : struct, IFloatingPointIeee754<T>
    {
        Check(g, outChannels, x.Length, weights.Length, dBias.Length, dy.Length, "dy");
        if (dWeights.Length != weights.Length) Fail(g, $"dWeights has {dWeights.Length} values; it needs {weights.Length} (Cout·C·KH·KW)");
        if (!dx.IsEmpty && dx.Length != g.InputLength) Fail(g, $"dx has {dx.Length} values; it needs {g.InputLength} (N·C·H·W), or none to skip it");
        if (!dBias.IsEmpty) PerChannel<T>.Run(PerChannel<T>.Op.SumInto, dy, dBias, outChannels, g.OH * g.OW * g.N);
        // A first layer's few weights (the GEMM's register tiles would be mostly padding): direct, see SmallConv.
        if (SmallConv.Fits(g, outChannels)) SmallConv.Weights(g, outChannels, x, dy, dWeights);
        else WeightsThroughGemm(g, outChannels, x, dy, dWeights);
        if (dx.IsEmpty) return;
        fixed (byte* pw = MemoryMarshal.AsBytes(weights), pdy = MemoryMarshal.AsBytes(dy), pdx = MemoryMarshal.AsBytes(dx))
            Job<T>.Get().Inputs(g, outChannels, pw, pdy, pdx);
    }

    /// <summary>dWeights = dY·colsᵀ through the backend's GEMM, whatever the size (<see cref="Backward"/> takes a direct
    /// path for few weights; tests compare both).</summary>
    internal static void WeightsThroughGemm<T>(WindowGeometry g, int outChannels, ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dWeights)
        where T : struct, IFloatingPointIeee754<T>
    {
        fixed (byte* px = MemoryMarshal.AsBytes(x), pdy = MemoryMarshal.AsBytes(dy), pdw = MemoryMarshal.AsBytes(dWeights))
            Job<T>.Get().Weights(g, outChannels, px, pdy, pdw);
    }

    static void Check(WindowGeometry g, int outChannels, int x, int weights, int bias, int y, string yName)
    {
        if (outChannels < 1) Fail(g, $"{outChannels} output channels; there must be at least 1");
        if (x != g.InputLength) Fail(g, $"x has {x} values; it needs {g.InputLength} (N·C·H·W)");
        if (weights != outChannels * g.Patch) Fail(g, $"the weights have {weights} values; {outChannels} output channels need {outChannels * g.Patch} (Cout·C·KH·KW)");
        if (bias != 0 && bias != outChannels) Fail(g, $"the bias has {bias} values; it needs {outChannels} (one per output channel) or none");
        if (y != g.OutputLength(outChannels)) Fail(g, $"{yName} has {y} values; it needs {g.OutputLength(outChannels)} (N·Cout·OH·OW)");
    }

    // The message is built only when a check fails: these checks run at every call of a training step.
    static void Fail(WindowGeometry g, string message) => throw new ArgumentException($"Conv2D kernel, {g}: {message}.");

    /// <summary>One convolution's tasks. Forward: a task per block of output pixels (im2col block, product, bias).
    /// Weights: dWᵀ (Cout × K) = dYᵀ·cols, dY transposed once (it is K/N times smaller than cols), then a task per
    /// channel group and pixel range, each summing its pixel blocks into its own slice of a partial dWᵀ; the partials are
    /// added in a fixed order. Inputs: a task per channel group, each computing its block of Wᵀ·dY pixel block by pixel
    /// block and adding it into its channels of dx (disjoint between tasks).</summary>
    sealed class Job<T> : Fork where T : struct, IFloatingPointIeee754<T>
    {
        enum Phase { Forward, TransposeDy, Weights, Inputs }

        [ThreadStatic] static Job<T>? cached;
        public static Job<T> Get() => cached ??= new();

        WindowGeometry g = null!;
        GemmBackend backend = null!;   // read on the calling thread: tasks on helper threads do not see its Backend.Using scope
        Phase phase;
        int outChannels, patch, columns, pixels, perBlock, channelsPerGroup, groups, splits, tasks;
        bool inPlace;
        byte* x, w, b, y, dy, dx, dyT, partials;

        void Setup(WindowGeometry g, int outChannels)
        {
            (this.g, this.outChannels, patch, pixels, backend) = (g, outChannels, g.Patch, g.OH * g.OW, Backend.Current);
            columns = pixels * g.N;
            inPlace = g is { KH: 1, KW: 1, StrideH: 1, StrideW: 1, PadTop: 0, PadLeft: 0, PadBottom: 0, PadRight: 0 };
            // Channel groups for the backward products: about GroupCells window cells each, and at least min(C, 4) groups.
            channelsPerGroup = Math.Clamp(Math.Min(GroupCells / (g.KH * g.KW), (g.C + 3) / 4), 1, g.C);
            groups = (g.C + channelsPerGroup - 1) / channelsPerGroup;
        }

        void Go(Phase phase, int tasks)
        {
            (this.phase, this.tasks) = (phase, tasks);
            Start(tasks);
        }

        public void Forward(WindowGeometry g, int outChannels, byte* x, byte* w, byte* b, byte* y)
        {
            Setup(g, outChannels);
            this.x = x; this.w = w; this.b = b; this.y = y;
            perBlock = Math.Clamp(BlockValues / (g.N * patch), 1, pixels);
            try { Go(Phase.Forward, (pixels + perBlock - 1) / perBlock); }
            finally { this.g = null!; }
        }

        public void Weights(WindowGeometry g, int outChannels, byte* x, byte* dy, byte* dWeights)
        {
            Setup(g, outChannels);
            this.x = x; this.dy = dy;
            // Pixel ranges per group: enough tasks for the workers when there are few groups, none smaller than ~0.5 MFLOP.
            var flop = 2.0 * outChannels * patch * columns;
            splits = groups >= 4 ? 1 : (int)Math.Clamp(Math.Min((4 + groups - 1) / groups, flop / groups / 5e5), 1, Math.Min(8, pixels));
            perBlock = Math.Clamp(BlockValues / (g.N * channelsPerGroup * g.KH * g.KW), 1, pixels);
            var transposed = ThreadBuffers<T>.Get(ThreadBuffers<T>.Slot.Transposed, columns * outChannels);
            var partial = ThreadBuffers<T>.Get(ThreadBuffers<T>.Slot.Partials, splits * outChannels * patch);
            fixed (byte* pt = MemoryMarshal.AsBytes(transposed), pp = MemoryMarshal.AsBytes(partial))
            {
                dyT = pt;
                partials = pp;
                try
                {
                    Go(Phase.TransposeDy, Math.Clamp(columns * outChannels / BlockValues, 1, (columns + 255) / 256));
                    Go(Phase.Weights, groups * splits);
                }
                finally { this.g = null!; }
                // dW[co, r] = Σ_s partial_s[r·Cout + co], in split order.
                var result = new Span<T>(dWeights, outChannels * patch);
                var sums = new ReadOnlySpan<T>(pp, splits * outChannels * patch);
                for (var co = 0; co < outChannels; co++)
                    for (var r = 0; r < patch; r++)
                    {
                        var sum = sums[r * outChannels + co];
                        for (var s = 1; s < splits; s++) sum += sums[(s * patch + r) * outChannels + co];
                        result[co * patch + r] = sum;
                    }
            }
        }

        public void Inputs(WindowGeometry g, int outChannels, byte* w, byte* dy, byte* dx)
        {
            Setup(g, outChannels);
            this.w = w; this.dy = dy; this.dx = dx;
            perBlock = Math.Clamp(BlockValues / (g.N * (channelsPerGroup * g.KH * g.KW + outChannels)), 1, pixels);
            try { Go(Phase.Inputs, groups); }
            finally { this.g = null!; }
        }

        protected override void Run(int task)
        {
            switch (phase)
            {
                case Phase.Forward: ForwardBlock(task); break;
                case Phase.TransposeDy: TransposeDy(task); break;
                case Phase.Weights: WeightsTask(task); break;
                default: InputsTask(task); break;
            }
        }

        static Span<T> Values(byte* p, int length) => new(p, length);

        // y[:, block rows] = W·cols_block + b, for output pixels [p0, p1).
        void ForwardBlock(int task)
        {
            var (p0, p1) = (task * perBlock, Math.Min(pixels, (task + 1) * perBlock));
            var n = g.N;
            var m = (p1 - p0) * n;
            var xs = Values(x, g.InputLength);
            var ys = Values(y, columns * outChannels);
            ReadOnlySpan<T> a;
            int lda;
            if (inPlace)
            {
                a = xs[(p0 * n)..];
                lda = columns;
            }
            else
            {
                lda = ThreadBuffers<T>.Aligned(m);
                var block = ThreadBuffers<T>.Get(ThreadBuffers<T>.Slot.Chunk, lda * patch);
                Im2Col.Gather<T>(g, xs, block, lda, 0, patch, p0, p1);
                a = block;
            }
            // Column-major y (columns × Cout), rows [p0·N, p1·N): colsᵀ block (m × K) · Wᵀ (K × Cout).
            Gemm(backend, false, false, m, outChannels, patch, a, lda, Values(w, outChannels * patch), patch, T.Zero, ys[(p0 * n)..], columns, 1);
            if (b is null) return;
            var bias = Values(b, outChannels);
            for (var co = 0; co < outChannels; co++) AddScalar(ys.Slice(co * columns + p0 * n, m), bias[co]);
        }

        // dyT[p·Cout + co] = dy[co·columns + p] for p in this task's range: dY (Cout × columns) transposed.
        void TransposeDy(int task)
        {
            var (start, end) = Range(task, tasks, (columns + 7) / 8);
            (start, end) = (start * 8, Math.Min(columns, end * 8));
            var source = Values(dy, columns * outChannels);
            var target = Values(dyT, columns * outChannels);
            var co = 0;
            if (typeof(T) == typeof(float) && Avx.IsSupported)
                for (; co + 8 <= outChannels; co += 8)
                {
                    var p = start;
                    for (; p + 8 <= end; p += 8)
                    {
                        var s = (float*)dy + (nint)co * columns + p;
                        Transpose8x8.Store(Avx.LoadVector256(s), Avx.LoadVector256(s + columns), Avx.LoadVector256(s + 2 * columns),
                            Avx.LoadVector256(s + 3 * columns), Avx.LoadVector256(s + 4 * columns), Avx.LoadVector256(s + 5 * columns),
                            Avx.LoadVector256(s + 6 * columns), Avx.LoadVector256(s + 7 * columns), (float*)dyT + (nint)p * outChannels + co, outChannels);
                    }
                    for (; p < end; p++)
                        for (var i = co; i < co + 8; i++) target[p * outChannels + i] = source[i * columns + p];
                }
            for (; co < outChannels; co++)
                for (var p = start; p < end; p++) target[p * outChannels + co] = source[co * columns + p];
        }

        // Group gi, pixel range s: partial_s[:, group's cells] = Σ over its pixel blocks of dYᵀ_block (Cout × m) · cols_block (m × Kg).
        void WeightsTask(int task)
        {
            var (gi, s) = (task / splits, task % splits);
            var (c0, c1) = (gi * channelsPerGroup, Math.Min(g.C, (gi + 1) * channelsPerGroup));
            var cells = g.KH * g.KW;
            var (r0, kg) = (c0 * cells, (c1 - c0) * cells);
            var (pStart, pEnd) = Range(s, splits, pixels);
            var n = g.N;
            var xs = Values(x, g.InputLength);
            var transposed = Values(dyT, columns * outChannels);
            var partial = Values(partials + (nint)s * outChannels * patch * Unsafe.SizeOf<T>(), outChannels * patch);
            for (var p0 = pStart; p0 < pEnd; p0 += perBlock)
            {
                var p1 = Math.Min(pEnd, p0 + perBlock);
                var m = (p1 - p0) * n;
                ReadOnlySpan<T> bBlock;
                int ldb;
                if (inPlace)
                {
                    bBlock = xs[(c0 * columns + p0 * n)..];
                    ldb = columns;
                }
                else
                {
                    ldb = ThreadBuffers<T>.Aligned(m);
                    var block = ThreadBuffers<T>.Get(ThreadBuffers<T>.Slot.Chunk, ldb * kg);
                    Im2Col.Gather<T>(g, xs, block, ldb, r0, r0 + kg, p0, p1);
                    bBlock = block;
                }
                Gemm(backend, false, false, outChannels, kg, m, transposed[(p0 * n * outChannels)..], outChannels, bBlock, ldb,
                    p0 == pStart ? T.Zero : T.One, partial[(r0 * outChannels)..], outChannels, 1);
            }
        }

        // Group gi: dx[its channels] = col2im of (Wᵀ·dY)[its cells, :], pixel block by pixel block.
        void InputsTask(int gi)
        {
            var (c0, c1) = (gi * channelsPerGroup, Math.Min(g.C, (gi + 1) * channelsPerGroup));
            var cells = g.KH * g.KW;
            var (r0, kg) = (c0 * cells, (c1 - c0) * cells);
            var n = g.N;
            var gradients = Values(dy, columns * outChannels);
            var weights = Values(w, outChannels * patch);
            var dxs = Values(dx, g.InputLength);
            var plane = g.H * g.W * n;
            if (!inPlace) dxs.Slice(c0 * plane, (c1 - c0) * plane).Clear();
            for (var p0 = 0; p0 < pixels; p0 += perBlock)
            {
                var p1 = Math.Min(pixels, p0 + perBlock);
                var m = (p1 - p0) * n;
                // Column-major dcols block (m × Kg) = dY block (m × Cout, rows of column-major dY) · W[:, group]ᵀ (Cout × Kg).
                if (inPlace)
                {
                    Gemm(backend, false, true, m, kg, outChannels, gradients[(p0 * n)..], columns, weights[r0..], patch, T.Zero, dxs[(c0 * columns + p0 * n)..], columns, 1);
                    continue;
                }
                var ld = ThreadBuffers<T>.Aligned(m);
                var rows = ThreadBuffers<T>.Get(ThreadBuffers<T>.Slot.Rows, ld * outChannels);
                for (var co = 0; co < outChannels; co++) gradients.Slice(co * columns + p0 * n, m).CopyTo(rows[(co * ld)..]);
                var block = ThreadBuffers<T>.Get(ThreadBuffers<T>.Slot.Chunk, ld * kg);
                Gemm(backend, false, true, m, kg, outChannels, rows, ld, weights[r0..], patch, T.Zero, block, ld, 1);
                Im2Col.Scatter<T>(g, block, ld, dxs, c0, c1, p0, p1);
            }
        }
    }

    static void AddScalar<T>(Span<T> values, T value) where T : struct, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float)) TensorPrimitives.Add(MemoryMarshal.Cast<T, float>(values), Unsafe.As<T, float>(ref value), MemoryMarshal.Cast<T, float>(values));
        else if (typeof(T) == typeof(double)) TensorPrimitives.Add(MemoryMarshal.Cast<T, double>(values), Unsafe.As<T, double>(ref value), MemoryMarshal.Cast<T, double>(values));
        else TensorPrimitives.Add(values, value, values);
    }

    /// <summary>C = op(A)·op(B) + β·C on <paramref name="backend"/> with <paramref name="threads"/> threads, T = float or double.</summary>
    internal static void Gemm<T>(GemmBackend backend, bool transA, bool transB, int m, int n, int k, ReadOnlySpan<T> a, int lda,
        ReadOnlySpan<T> b, int ldb, T beta, Span<T> c, int ldc, int threads) where T : struct, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
            backend.Gemm(transA, transB, m, n, k, 1f, MemoryMarshal.Cast<T, float>(a), lda, MemoryMarshal.Cast<T, float>(b), ldb,
                Unsafe.As<T, float>(ref beta), MemoryMarshal.Cast<T, float>(c), ldc, threads);
        else if (typeof(T) == typeof(double))
            backend.Gemm(transA, transB, m, n, k, 1.0, MemoryMarshal.Cast<T, double>(a), lda, MemoryMarshal.Cast<T, double>(b), ldb,
                Unsafe.As<T, double>(ref beta), MemoryMarshal.Cast<T, double>(c), ldc, threads);
        else
            throw new NotSupportedException($"Conv2D kernels run in float or double, not {typeof(T).Name}.");
    }
}
