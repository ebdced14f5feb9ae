using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Nabla.Compute;

/// <summary>The vector width of the managed GEMM's micro-kernel: 512-bit (AVX-512), 256-bit (AVX2 + FMA) or scalar.</summary>
public enum SimdWidth
{
    /// <summary>One element at a time: any CPU.</summary>
    Scalar = 0,

    /// <summary>Vector256 with FMA (AVX2): 8 floats or 4 doubles per register.</summary>
    V256 = 256,

    /// <summary>Vector512 (AVX-512F): 16 floats or 8 doubles per register.</summary>
    V512 = 512,
}

/// <summary>
/// Nabla's own GEMM in C#: C = α·op(A)·op(B) + β·C, column-major, cut into MR × NR register tiles computed by a
/// SIMD micro-kernel (<see cref="GemmKernels"/>), with cache blocking over k (KC) and packing where the operands'
/// layout or size asks for it. Work is split into tiles by problem size only, and every element of C is summed in
/// the same order whichever thread computes it, so results do not depend on the thread count.
/// </summary>
public sealed unsafe class ManagedGemmBackend(SimdWidth width) : GemmBackend
{
    /// <summary>The widest micro-kernel this CPU runs: 512-bit with AVX-512, 256-bit with AVX2 and FMA, else scalar.</summary>
    /// <remarks>Asks Avx512F, not Vector512.IsHardwareAccelerated: .NET reports the latter false on Xeons that lower their
    /// clock under 512-bit load (this machine's), though it still emits AVX-512 for Vector512 code, which a GEMM wants.</remarks>
    public static SimdWidth Widest { get; } =
        Avx512F.IsSupported ? SimdWidth.V512
        : Vector256.IsHardwareAccelerated && Fma.IsSupported ? SimdWidth.V256
        : SimdWidth.Scalar;

    /// <summary>The managed backend with the widest kernel this CPU runs.</summary>
    public ManagedGemmBackend() : this(Widest) { }

    /// <summary>The micro-kernel's vector width.</summary>
    public SimdWidth Width { get; } = width switch
    {
        SimdWidth.V512 when Widest != SimdWidth.V512 => throw new PlatformNotSupportedException("This CPU has no AVX-512: use SimdWidth.V256 or Scalar."),
        SimdWidth.V256 when Widest == SimdWidth.Scalar => throw new PlatformNotSupportedException("This CPU has no AVX2/FMA: use SimdWidth.Scalar."),
        _ => width,
    };

    /// <inheritdoc/>
    public override string Name => "managed";

    /// <inheritdoc/>
    public override string Description => $"managed (C#, {Tile<float>(Width).Mr}×{Tile<float>(Width).Nr} " +
        (Width == SimdWidth.Scalar ? "scalar" : $"{(int)Width}-bit") + " micro-kernel)";

    /// <inheritdoc/>
    public override void Gemm(bool transA, bool transB, int m, int n, int k, float alpha, ReadOnlySpan<float> a, int lda,
        ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc, int threads) =>
        Run(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, threads);

    /// <inheritdoc/>
    public override void Gemm(bool transA, bool transB, int m, int n, int k, double alpha, ReadOnlySpan<double> a, int lda,
        ReadOnlySpan<double> b, int ldb, double beta, Span<double> c, int ldc, int threads) =>
        Run(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, threads);

    // Register tile MR × NR per width: 16 (512-bit: 2 vectors × 8 columns) or 12 (256-bit: 2 × 6) accumulators leave
    // registers for the A vectors and the broadcast B value.
    internal static (int Mr, int Nr) Tile<T>(SimdWidth width) where T : unmanaged => width switch
    {
        SimdWidth.V512 => (2 * Vector512<T>.Count, 8),
        SimdWidth.V256 => (2 * Vector256<T>.Count, 6),
        _ => (4, 4),
    };

    // Cache blocking. A KC-deep B sliver (NR × KC, 16 KB) stays in L1 while the micro-kernel sweeps the A slivers of
    // an MC × KC block (512 KB) that stays in L2. 784 (MNIST's width) splits into two even 392-deep blocks. Measured
    // against 384 × 192, alternating runs on one thread: 64×784·784×128 about 10% faster, 1024³ 69 → 73 GFLOP/s.
    const int KcMax = 512, McMax = 256;
    // Operands at most this many elements are read in place (no packing): at the MLP's sizes a pack costs as much
    // as the product (measured), and the prefetcher follows 8 column streams well.
    const long PackAbove = 256 * 1024;

    void Run<T>(bool transA, bool transB, int m, int n, int k, T alpha, ReadOnlySpan<T> a, int lda,
        ReadOnlySpan<T> b, int ldb, T beta, Span<T> c, int ldc, int threads) where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckSizes<T>(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == T.Zero)
        {
            for (var j = 0; j < n; j++)
            {
                var column = c.Slice(j * ldc, m);
                if (beta == T.Zero) column.Clear();
                else foreach (ref var v in column) v *= beta;
            }
            return;
        }
        fixed (T* pa = a, pb = b, pc = c)
        {
            var job = Job<T>.For(Width, transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
            if (job.SharedPackLength == 0)
            {
                job.Start(threads);
                return;
            }
            fixed (T* shared = Buffers<T>.Shared(job.SharedPackLength))
            {
                job.PackShared(shared);
                job.Start(threads);
            }
        }
    }

    /// <summary>One product cut into independent tasks, each an MC × NC block of C summed over all of k.</summary>
    sealed class Job<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        // One job per calling thread, refilled for each product (a training step makes several), with its task delegate
        // made once: a product allocates nothing. A product never runs inside another on the same thread.
        [ThreadStatic] static Job<T>? cached;
        readonly Action<int> runTask;

        SimdWidth width;
        bool transA, transB, packA, packB, sharedA;
        int m, n, k, lda, ldb, ldc, mr, nr, mc, nc, kc, columnBlocks, rowBlocks;
        T alpha, beta;
        T* a, b, c;
        T* shared;   // all of op(A) in slivers, packed once before the tasks start (sharedA)

        Job() => runTask = RunTask;

        public int Tasks { get; private set; }

        /// <summary>This thread's job, set up for C = α·op(A)·op(B) + β·C.</summary>
        public static Job<T> For(SimdWidth width, bool transA, bool transB, int m, int n, int k, T alpha, T* a, int lda, T* b, int ldb, T beta, T* c, int ldc)
        {
            var job = cached ??= new Job<T>();
            job.Set(width, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
            return job;
        }

        /// <summary>Runs the tasks on up to <paramref name="threads"/> threads (one task runs here, without a fork).</summary>
        public void Start(int threads)
        {
            if (Tasks == 1) RunTask(0);
            else Workers.Run(Tasks, threads, runTask);
        }

        /// <summary>Elements of the buffer that <see cref="PackShared"/> fills; 0 when A is read in place or packed per task.</summary>
        public int SharedPackLength => sharedA ? (m + mr - 1) / mr * mr * k : 0;

        void Set(SimdWidth width, bool transA, bool transB, int m, int n, int k, T alpha, T* a, int lda, T* b, int ldb, T beta, T* c, int ldc)
        {
            shared = null;
            (this.width, this.transA, this.transB, this.m, this.n, this.k, this.alpha, this.lda, this.ldb, this.beta, this.ldc) =
                (width, transA, transB, m, n, k, alpha, lda, ldb, beta, ldc);
            this.a = a;
            this.b = b;
            this.c = c;
            (mr, nr) = Tile<T>(width);
            // Aᵀ has no contiguous MR-row slivers: always pack it. Large operands are packed for cache locality.
            packA = transA || (long)m * k > PackAbove;
            packB = (long)k * n > PackAbove;
            // A read in place wants whole slivers on cache-line boundaries. With a ragged row count (63, a batch of 100)
            // its columns start off a line, so most vector loads straddle two, and every task packed the ragged sliver
            // again: such an A is packed once, for all tasks, before they start (`bench ragged --threads 1`: 63 rows run
            // at a median 0.70 of 64 rows' GFLOP/s packed this way, 0.57 read in place).
            sharedA = !packA && m >= mr && (m % mr != 0 || lda * sizeof(T) % 64 != 0);
            kc = Even(k, KcMax, 1);
            // Large B (packed): a task is a 256-column block of C over all rows, so each block of B is packed once and
            // stays in cache while the task sweeps MC-row blocks of A. Packed A with B read in place (dW = xᵀ·dy):
            // 64-row blocks over all of n, so each block of Aᵀ is packed exactly once. A read in place (x·W, dy·Wᵀ):
            // 64-column blocks, so even a 64 × 128 output makes two tasks.
            (mc, nc) = packB ? (Even(m, McMax, mr), Even(n, 256 / nr * nr, nr))
                : packA ? (Even(m, 64, mr), n)
                : (Even(m, McMax, mr), Even(n, 64 / nr * nr, nr));
            columnBlocks = (n + nc - 1) / nc;
            rowBlocks = packB ? 1 : (m + mc - 1) / mc;
            // Too little work to be worth a second thread: one task (a size rule, never a core-count rule).
            Tasks = 2.0 * m * n * k < 2e6 ? 1 : rowBlocks * columnBlocks;
            if (Tasks == 1) (mc, nc, columnBlocks, rowBlocks) = (packB ? mc : m, n, 1, 1);
        }

        // Blocks of at most max (a multiple of unit), evened out so the last block is not a sliver.
        static int Even(int total, int max, int unit)
        {
            var blocks = (total + max - 1) / max;
            var size = (total + blocks - 1) / blocks;
            return (size + unit - 1) / unit * unit;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot: skip tier-0 JIT (see Core/Tensors/README.md)
        public void RunTask(int task)
        {
            // This task's rows: one MC block, or (packed B) all of them, swept MC rows at a time.
            var (rowStart, rowEnd) = packB ? (0, m) : (task / columnBlocks * mc, Math.Min(m, (task / columnBlocks + 1) * mc));
            var j0 = task % columnBlocks * nc;
            var nCur = Math.Min(nc, n - j0);
            var aBuffer = Buffers<T>.A(packA ? (mc + mr) * kc : sharedA ? 0 : mr * kc);
            var bBuffer = Buffers<T>.B(packB ? (nCur + nr) * kc : 0);
            var offsets = stackalloc nint[8];
            fixed (T* aPack = aBuffer, bPack = bBuffer)
            {
                for (var p0 = 0; p0 < k; p0 += kc)
                {
                    var kCur = Math.Min(kc, k - p0);
                    var first = p0 == 0;
                    if (packB) PackB(bPack, j0, nCur, p0, kCur);
                    for (var i0 = rowStart; i0 < rowEnd; i0 += mc)
                    {
                        var mCur = Math.Min(mc, rowEnd - i0);
                        var tailRows = mCur % mr;
                        var aBlock = aPack;
                        if (sharedA) aBlock = shared + (nint)p0 * ((m + mr - 1) / mr * mr) + (nint)(i0 / mr) * kCur * mr;
                        else if (packA) PackA(aPack, i0, mCur, p0, kCur);
                        else if (tailRows != 0) PackA(aPack, i0 + mCur - tailRows, tailRows, p0, kCur);   // only the ragged sliver
                        Tiles(aBlock, bPack, offsets, i0, mCur, j0, nCur, p0, kCur, first);
                    }
                }
            }
        }

        // Every MR × NR tile of the block C[i0 .. i0 + mCur, j0 .. j0 + nCur] for steps p0 .. p0 + kCur of k.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot: skip tier-0 JIT (see Core/Tensors/README.md)
        void Tiles(T* aPack, T* bPack, nint* offsets, int i0, int mCur, int j0, int nCur, int p0, int kCur, bool first)
        {
            for (var js = 0; js < nCur; js += nr)
            {
                var columns = Math.Min(nr, nCur - js);
                T* bSliver;
                nint bStep;
                if (packB)
                {
                    bSliver = bPack + (nint)(js / nr) * kCur * nr;
                    bStep = nr;
                    for (var jj = 0; jj < nr; jj++) offsets[jj] = jj;
                }
                else if (transB)
                {
                    bSliver = b + (nint)p0 * ldb + j0 + js;
                    bStep = ldb;
                    for (var jj = 0; jj < nr; jj++) offsets[jj] = jj < columns ? jj : 0;   // past the edge: reread column 0
                }
                else
                {
                    bSliver = b + (nint)(j0 + js) * ldb + p0;
                    bStep = 1;
                    for (var jj = 0; jj < nr; jj++) offsets[jj] = jj < columns ? (nint)jj * ldb : 0;
                }
                for (var @is = 0; @is < mCur; @is += mr)
                {
                    var rows = Math.Min(mr, mCur - @is);
                    T* aSliver;
                    nint aStep;
                    if (packA || sharedA) { aSliver = aPack + (nint)(@is / mr) * kCur * mr; aStep = mr; }
                    else if (rows == mr) { aSliver = a + (nint)p0 * lda + i0 + @is; aStep = lda; }
                    else { aSliver = aPack; aStep = mr; }
                    var cTile = c + (nint)(j0 + js) * ldc + i0 + @is;
                    var tile = new GemmTile<T>(kCur, aSliver, aStep, bSliver, bStep, offsets, cTile, ldc, rows, columns,
                        alpha, first ? beta : T.One, first && beta == T.Zero);
                    switch (width)
                    {
                        case SimdWidth.V512: GemmKernels.Kernel512(tile); break;
                        case SimdWidth.V256: GemmKernels.Kernel256(tile); break;
                        default: GemmKernels.KernelScalar(tile); break;
                    }
                }
            }
        }

        /// <summary>Packs all of op(A) into <paramref name="buffer"/> (<see cref="SharedPackLength"/> elements): KC block
        /// by KC block, each as MR-row slivers. The tasks then read it in place of A.</summary>
        public void PackShared(T* buffer)
        {
            shared = buffer;
            var rows = (m + mr - 1) / mr * mr;
            for (var p0 = 0; p0 < k; p0 += kc) PackA(buffer + (nint)p0 * rows, 0, m, p0, Math.Min(kc, k - p0));
        }

        // op(A)[i0.., p0..] into MR-row slivers, p-major inside a sliver, rows past the edge zero.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot: skip tier-0 JIT (see Core/Tensors/README.md)
        void PackA(T* destination, int i0, int rows, int p0, int kCur)
        {
            for (var s = 0; s < rows; s += mr)
            {
                var sliver = destination + (nint)(s / mr) * kCur * mr;
                var valid = Math.Min(mr, rows - s);
                if (transA)
                {
                    // op(A)(i, p) = A(p, i): each row of op(A) is a contiguous column of A. Full groups of 8 rows are
                    // transposed 8 × 8 in registers (4× faster than element by element, measured on dW = xᵀ·dy).
                    var done = 0;
                    if (typeof(T) == typeof(float) && Avx.IsSupported)
                        for (; done + 8 <= valid; done += 8)
                            Transpose8((float*)(a + (nint)(i0 + s + done) * lda + p0), lda, (float*)(sliver + done), mr, kCur);
                    for (var ii = done; ii < mr; ii++)
                    {
                        if (ii >= valid) { for (var p = 0; p < kCur; p++) sliver[p * mr + ii] = T.Zero; continue; }
                        var source = a + (nint)(i0 + s + ii) * lda + p0;
                        for (var p = 0; p < kCur; p++) sliver[p * mr + ii] = source[p];
                    }
                }
                else
                {
                    for (var p = 0; p < kCur; p++)
                    {
                        var source = a + (nint)(p0 + p) * lda + i0 + s;
                        var target = sliver + (nint)p * mr;
                        new ReadOnlySpan<T>(source, valid).CopyTo(new Span<T>(target, valid));
                        if (valid < mr) new Span<T>(target + valid, mr - valid).Clear();
                    }
                }
            }
        }

        // op(B)[p0.., j0..] into NR-column slivers, p-major inside a sliver, columns past the edge zero.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot: skip tier-0 JIT (see Core/Tensors/README.md)
        void PackB(T* destination, int j0, int columns, int p0, int kCur)
        {
            for (var s = 0; s < columns; s += nr)
            {
                var sliver = destination + (nint)(s / nr) * kCur * nr;
                var valid = Math.Min(nr, columns - s);
                if (!transB && valid == 8 && nr == 8 && typeof(T) == typeof(float) && Avx.IsSupported)
                {
                    // Eight contiguous columns of B become eight-wide rows: 8 × 8 transposes in registers.
                    Transpose8((float*)(b + (nint)(j0 + s) * ldb + p0), ldb, (float*)sliver, nr, kCur);
                    continue;
                }
                for (var jj = 0; jj < nr; jj++)
                {
                    if (jj >= valid) { for (var p = 0; p < kCur; p++) sliver[p * nr + jj] = T.Zero; continue; }
                    var j = j0 + s + jj;
                    if (transB)
                        for (var p = 0; p < kCur; p++) sliver[p * nr + jj] = b[(nint)(p0 + p) * ldb + j];
                    else
                    {
                        var source = b + (nint)j * ldb + p0;
                        for (var p = 0; p < kCur; p++) sliver[p * nr + jj] = source[p];
                    }
                }
            }
        }
    }

    // destination[p·ld + r] = source[r·lda + p] for r < 8, p < k: eight columns of A become eight-wide rows.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot: skip tier-0 JIT (see Core/Tensors/README.md)
    static void Transpose8(float* source, int lda, float* destination, int ld, int k)
    {
        var p = 0;
        for (; p + 8 <= k; p += 8)
        {
            var s = source + p;
            Vector256<float> r0 = Avx.LoadVector256(s), r1 = Avx.LoadVector256(s + lda), r2 = Avx.LoadVector256(s + 2 * lda),
                r3 = Avx.LoadVector256(s + 3 * lda), r4 = Avx.LoadVector256(s + 4 * lda), r5 = Avx.LoadVector256(s + 5 * lda),
                r6 = Avx.LoadVector256(s + 6 * lda), r7 = Avx.LoadVector256(s + 7 * lda);
            Transpose8x8.Store(r0, r1, r2, r3, r4, r5, r6, r7, destination + (nint)p * ld, ld);
        }
        for (; p < k; p++)
            for (var r = 0; r < 8; r++) destination[(nint)p * ld + r] = source[(nint)r * lda + p];
    }

    /// <summary>Per-thread packing buffers, grown on demand and kept: no allocation per product in steady state.</summary>
    static class Buffers<T> where T : unmanaged
    {
        [ThreadStatic] static T[]? a, b, shared;

        public static T[] A(int length) => Grow(ref a, length);
        public static T[] B(int length) => Grow(ref b, length);
        public static T[] Shared(int length) => Grow(ref shared, length);

        static T[] Grow(ref T[]? buffer, int length)
        {
            if (buffer is null || buffer.Length < length) buffer = GC.AllocateUninitializedArray<T>(Math.Max(length, 64), pinned: true);
            return buffer;
        }
    }
}
