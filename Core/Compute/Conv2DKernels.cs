using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Nabla.Compute;

/// <summary>
/// 2-D convolution (PyTorch's conv2d: cross-correlation) over CHWN image batches (see <see cref="WindowGeometry"/>), as
/// im2col plus one GEMM through the backend in force (<see cref="Backend.Current"/>). With cols the row-major
/// (C·KH·KW) × (OH·OW·N) columns matrix (<see cref="Im2Col"/>) and W the row-major Cout × (C·KH·KW) weights (PyTorch's
/// (out, in, kh, kw) order), y = W·cols + b is, read row-major, the column-major N × (Cout·OH·OW) output batch: no
/// transposes. Backward: dW = dY·colsᵀ, dcols = Wᵀ·dY, dx = col2im(dcols), db = row sums of dY. Results do not depend
/// on the thread count.
/// </summary>
public static unsafe class Conv2DKernels
{
    /// <summary>Scratch values <see cref="Forward"/> and <see cref="Backward"/> need: C·KH·KW·OH·OW·N for the columns
    /// matrix, 0 for a 1 × 1 window at stride 1 without padding (x itself is then the columns matrix).</summary>
    public static int ScratchLength(WindowGeometry g) => ReadsInPlace(g) ? 0 : checked(g.Patch * g.OH * g.OW * g.N);

    /// <summary>y = W ⋆ x + b (PyTorch's conv2d). x: the CHWN input batch (N·C·H·W values); weights: Cout·C·KH·KW values
    /// in PyTorch's (out, in, kh, kw) order (the storage of a column-major (C·KH·KW) × Cout matrix); bias: Cout values or
    /// empty for none; y: the CHWN output batch, N·Cout·OH·OW values, overwritten. Scratch: at least
    /// <see cref="ScratchLength"/> values, or empty to rent them from a pool.</summary>
    public static void Forward<T>(WindowGeometry g, int outChannels, ReadOnlySpan<T> x, ReadOnlySpan<T> weights,
        ReadOnlySpan<T> bias, Span<T> y, Span<T> scratch = default) where T : struct, IFloatingPointIeee754<T>
    {
        Check(g, outChannels, x.Length, weights.Length, bias.Length, y.Length, "y", scratch.Length);
        var (k, p) = (g.Patch, g.OH * g.OW * g.N);
        using var rented = scratch.IsEmpty && !ReadsInPlace(g) ? new Scratch<T>(ScratchLength(g)) : default;
        var cols = ReadsInPlace(g) ? x : Columns(g, x, scratch.IsEmpty ? rented.Span : scratch);
        // y (row-major Cout × P) = W·cols, i.e. column-major yᵀ (P × Cout) = colsᵀ (P × K) · Wᵀ (K × Cout).
        Gemm(false, false, p, outChannels, k, cols, p, weights, k, T.Zero, y, p);
        if (!bias.IsEmpty) PerChannel<T>.Run(PerChannel<T>.Op.AddBias, y, bias, outChannels, p);
    }

    /// <summary>The gradients of <see cref="Forward"/> from dy (N·Cout·OH·OW values, CHWN): dx = col2im(Wᵀ·dY) (N·C·H·W
    /// values, or empty to skip it, as for a first layer), dWeights = dY·colsᵀ (Cout·C·KH·KW, PyTorch's order), dBias =
    /// Σ dY per output channel (Cout values, or empty). All overwritten. Scratch as for <see cref="Forward"/>.</summary>
    public static void Backward<T>(WindowGeometry g, int outChannels, ReadOnlySpan<T> x, ReadOnlySpan<T> weights,
        ReadOnlySpan<T> dy, Span<T> dx, Span<T> dWeights, Span<T> dBias, Span<T> scratch = default)
        where T : struct, IFloatingPointIeee754<T>
    {
        Check(g, outChannels, x.Length, weights.Length, dBias.Length, dy.Length, "dy", scratch.Length);
        Require(dWeights.Length == weights.Length, g, $"dWeights has {dWeights.Length} values; it needs {weights.Length} (Cout·C·KH·KW)");
        Require(dx.IsEmpty || dx.Length == g.InputLength, g, $"dx has {dx.Length} values; it needs {g.InputLength} (N·C·H·W), or none to skip it");
        var (k, p) = (g.Patch, g.OH * g.OW * g.N);
        if (!dBias.IsEmpty) PerChannel<T>.Run(PerChannel<T>.Op.SumInto, dy, dBias, outChannels, p);
        using var rented = scratch.IsEmpty && !ReadsInPlace(g) ? new Scratch<T>(ScratchLength(g)) : default;
        var buffer = scratch.IsEmpty ? rented.Span : scratch;
        // dW (row-major Cout × K) = dY·colsᵀ, i.e. column-major dWᵀ (K × Cout) = cols (K × P, stored as colsᵀ) · dYᵀ (P × Cout).
        var cols = ReadsInPlace(g) ? x : Columns(g, x, buffer);
        Gemm(true, false, k, outChannels, p, cols, p, dy, p, T.Zero, dWeights, k);
        if (dx.IsEmpty) return;
        // dcols (row-major K × P) = Wᵀ·dY, i.e. column-major dcolsᵀ (P × K) = dYᵀ (P × Cout) · W (Cout × K, stored as Wᵀ).
        if (ReadsInPlace(g)) { Gemm(false, true, p, k, outChannels, dy, p, weights, k, T.Zero, dx, p); return; }
        var dcols = buffer[..ScratchLength(g)];
        Gemm(false, true, p, k, outChannels, dy, p, weights, k, T.Zero, dcols, p);
        ColumnsBack(g, dcols, dx);
    }

    static bool ReadsInPlace(WindowGeometry g) =>
        g is { KH: 1, KW: 1, StrideH: 1, StrideW: 1, PadTop: 0, PadLeft: 0, PadBottom: 0, PadRight: 0 };

    static void Check(WindowGeometry g, int outChannels, int x, int weights, int bias, int y, string yName, int scratch)
    {
        Require(outChannels >= 1, g, $"{outChannels} output channels; there must be at least 1");
        Require(x == g.InputLength, g, $"x has {x} values; it needs {g.InputLength} (N·C·H·W)");
        Require(weights == outChannels * g.Patch, g,
            $"the weights have {weights} values; {outChannels} output channels need {outChannels * g.Patch} (Cout·C·KH·KW)");
        Require(bias == 0 || bias == outChannels, g, $"the bias has {bias} values; it needs {outChannels} (one per output channel) or none");
        Require(y == g.OutputLength(outChannels), g, $"{yName} has {y} values; it needs {g.OutputLength(outChannels)} (N·Cout·OH·OW)");
        Require(scratch == 0 || scratch >= ScratchLength(g), g, $"the scratch has {scratch} values; it needs {ScratchLength(g)} (or none, to use a pooled one)");
    }

    static void Require(bool condition, WindowGeometry g, string message)
    {
        if (!condition) throw new ArgumentException($"Conv2D kernel, {g}: {message}.");
    }

    // cols ← im2col(x), in row blocks on the workers.
    static ReadOnlySpan<T> Columns<T>(WindowGeometry g, ReadOnlySpan<T> x, Span<T> scratch) where T : struct, IFloatingPointIeee754<T>
    {
        var cols = scratch[..ScratchLength(g)];
        fixed (byte* px = MemoryMarshal.AsBytes(x), pc = MemoryMarshal.AsBytes(cols))
            ColumnsJob<T>.Get().Gather(g, px, x.Length, pc, cols.Length);
        return cols;
    }

    // dx ← col2im(dcols), one task per group of input channels (their regions of dx are disjoint).
    static void ColumnsBack<T>(WindowGeometry g, ReadOnlySpan<T> dcols, Span<T> dx) where T : struct, IFloatingPointIeee754<T>
    {
        fixed (byte* pc = MemoryMarshal.AsBytes(dcols), px = MemoryMarshal.AsBytes(dx))
            ColumnsJob<T>.Get().Scatter(g, pc, dcols.Length, px, dx.Length);
    }

    sealed class ColumnsJob<T> : Fork where T : struct, IFloatingPointIeee754<T>
    {
        [ThreadStatic] static ColumnsJob<T>? cached;
        public static ColumnsJob<T> Get() => cached ??= new();

        WindowGeometry? g;
        byte* image, cols;
        int imageLength, colsLength, units, tasks;
        bool gather;

        public void Gather(WindowGeometry g, byte* x, int xLength, byte* cols, int colsLength) =>
            Go(g, x, xLength, cols, colsLength, gather: true, units: g.Patch, unitSize: (long)g.OH * g.OW * g.N);

        public void Scatter(WindowGeometry g, byte* cols, int colsLength, byte* dx, int dxLength) =>
            Go(g, dx, dxLength, cols, colsLength, gather: false, units: g.C, unitSize: (long)g.KH * g.KW * g.OH * g.OW * g.N);

        void Go(WindowGeometry g, byte* image, int imageLength, byte* cols, int colsLength, bool gather, int units, long unitSize)
        {
            (this.g, this.imageLength, this.colsLength, this.gather, this.units) = (g, imageLength, colsLength, gather, units);
            this.image = image;
            this.cols = cols;
            tasks = TasksFor(units, unitSize);
            try { Start(tasks); }
            finally { this.g = null; }
        }

        protected override void Run(int task)
        {
            var (start, end) = Range(task, tasks, units);
            if (gather) Im2Col.Gather(g!, new ReadOnlySpan<T>(image, imageLength), new Span<T>(cols, colsLength), start, end);
            else Im2Col.Scatter(g!, new ReadOnlySpan<T>(cols, colsLength), new Span<T>(image, imageLength), start, end);
        }
    }

    /// <summary>C = op(A)·op(B) + β·C through the backend in force, for T = float or double.</summary>
    internal static void Gemm<T>(bool transA, bool transB, int m, int n, int k, ReadOnlySpan<T> a, int lda,
        ReadOnlySpan<T> b, int ldb, T beta, Span<T> c, int ldc) where T : struct, IFloatingPointIeee754<T>
    {
        var backend = Backend.Current;
        if (typeof(T) == typeof(float))
            backend.Gemm(transA, transB, m, n, k, 1f, MemoryMarshal.Cast<T, float>(a), lda, MemoryMarshal.Cast<T, float>(b), ldb,
                Unsafe.As<T, float>(ref beta), MemoryMarshal.Cast<T, float>(c), ldc, Backend.Threads);
        else if (typeof(T) == typeof(double))
            backend.Gemm(transA, transB, m, n, k, 1.0, MemoryMarshal.Cast<T, double>(a), lda, MemoryMarshal.Cast<T, double>(b), ldb,
                Unsafe.As<T, double>(ref beta), MemoryMarshal.Cast<T, double>(c), ldc, Backend.Threads);
        else
            throw new NotSupportedException($"Conv2D kernels run in float or double, not {typeof(T).Name}.");
    }
}
