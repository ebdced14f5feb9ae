using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace Nabla.Compute;

/// <summary>
/// GEMM by the system's OpenBLAS (cblas_sgemm / cblas_dgemm through P/Invoke function pointers), loaded at run time
/// when installed (Debian: <c>apt-get install libopenblas0-pthread</c>). <see cref="TryLoad"/> returns null when the
/// library is absent, and Nabla falls back to the managed backend.
/// </summary>
public sealed unsafe partial class OpenBlasBackend : GemmBackend
{
    const int ColumnMajor = 102, NoTrans = 111, Trans = 112;

    readonly delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> sgemm;
    readonly delegate* unmanaged<int, int, int, int, int, int, double, double*, int, double*, int, double, double*, int, void> dgemm;
    readonly string description;

    OpenBlasBackend(nint library, string path)
    {
        sgemm = (delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)NativeLibrary.GetExport(library, "cblas_sgemm");
        dgemm = (delegate* unmanaged<int, int, int, int, int, int, double, double*, int, double*, int, double, double*, int, void>)NativeLibrary.GetExport(library, "cblas_dgemm");
        var config = NativeLibrary.TryGetExport(library, "openblas_get_config", out var get)
            ? Marshal.PtrToStringAnsi(((delegate* unmanaged<nint>)get)()) : null;
        description = $"openblas ({config ?? "cblas"}, {path})";
        // OpenBLAS's own threading gives results that change with the thread count (measured: one MNIST epoch's
        // weights differ between 1 and 2 threads), and its spinning pool fights ours. So it runs single-threaded and
        // Nabla splits C into column blocks by problem size, one sgemm per block, on its own workers.
        if (NativeLibrary.TryGetExport(library, "openblas_set_num_threads", out var set)) ((delegate* unmanaged<int, void>)set)(1);
    }

    /// <summary>Where Nabla looks for OpenBLAS, first match wins: $NABLA_OPENBLAS, then the usual library names.</summary>
    public static IReadOnlyList<string> Candidates { get; } =
    [
        .. Environment.GetEnvironmentVariable("NABLA_OPENBLAS") is { Length: > 0 } path ? [path] : Array.Empty<string>(),
        "libopenblas.so.0", "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0", "/usr/lib/aarch64-linux-gnu/openblas-pthread/libopenblas.so.0",
        "libopenblas.so", "libopenblas.dylib", "/opt/homebrew/opt/openblas/lib/libopenblas.dylib", "libopenblas.dll",
    ];

    /// <summary>The backend over the first of <paramref name="candidates"/> (default <see cref="Candidates"/>) that loads
    /// and exports cblas_sgemm and cblas_dgemm; null when none does.</summary>
    public static OpenBlasBackend? TryLoad(IEnumerable<string>? candidates = null)
    {
        ChooseKernelIfUnset();
        foreach (var path in candidates ?? Candidates)
        {
            if (!NativeLibrary.TryLoad(path, out var library)) continue;
            if (NativeLibrary.TryGetExport(library, "cblas_sgemm", out _) && NativeLibrary.TryGetExport(library, "cblas_dgemm", out _))
                return new OpenBlasBackend(library, path);
            NativeLibrary.Free(library);
        }
        return null;
    }

    /// <summary>OpenBLAS picks its kernels from the CPU model when it loads, and a build older than the CPU falls back to
    /// its slowest, SSE3 kernels ("Prescott"): Debian 12's 0.3.21 does so on Intel's 2023 Xeons (family 6, model 207),
    /// where a one-thread 1024³ sgemm ran at 12–13 GFLOP/s against 60–68 with the AVX-512 kernel (NumPy on the same library,
    /// best of 8, three alternating rounds). So when the user has not chosen a kernel
    /// (OPENBLAS_CORETYPE), Nabla names the widest one this CPU runs before the library loads. A kernel set explicitly
    /// is left alone.</summary>
    static void ChooseKernelIfUnset()
    {
        if (!OperatingSystem.IsLinux() || Native.Getenv("OPENBLAS_CORETYPE") != 0) return;
        var kernel = Avx512F.IsSupported && Avx512BW.IsSupported && Avx512DQ.IsSupported && Avx512F.VL.IsSupported ? "SkylakeX"
            : Avx2.IsSupported && Fma.IsSupported ? "Haswell" : null;
        // The native environment, not .NET's copy of it: OpenBLAS reads getenv when it loads.
        if (kernel is not null) Native.Setenv("OPENBLAS_CORETYPE", kernel, 0);
    }

    static partial class Native
    {
        [LibraryImport("libc", EntryPoint = "getenv", StringMarshalling = StringMarshalling.Utf8)]
        internal static partial nint Getenv(string name);

        [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int Setenv(string name, string value, int overwrite);
    }

    /// <inheritdoc/>
    public override string Name => "openblas";

    /// <inheritdoc/>
    public override string Description => description;

    /// <inheritdoc/>
    public override void Gemm(bool transA, bool transB, int m, int n, int k, float alpha, ReadOnlySpan<float> a, int lda,
        ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc, int threads) =>
        Run(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, threads);

    /// <inheritdoc/>
    public override void Gemm(bool transA, bool transB, int m, int n, int k, double alpha, ReadOnlySpan<double> a, int lda,
        ReadOnlySpan<double> b, int ldb, double beta, Span<double> c, int ldc, int threads) =>
        Run(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, threads);

    void Run<T>(bool transA, bool transB, int m, int n, int k, T alpha, ReadOnlySpan<T> a, int lda,
        ReadOnlySpan<T> b, int ldb, T beta, Span<T> c, int ldc, int threads) where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckSizes<T>(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        if (m == 0 || n == 0) return;
        fixed (T* pa = a, pb = b, pc = c)
        {
            var blocks = new Blocks<T>(this, transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
            Workers.Run(blocks.Count, threads, blocks.Run);
        }
    }

    /// <summary>C cut into column blocks by size alone: a power of two of them, about 4 MFLOP each (at most 16, each at
    /// least 8 columns wide, and at least 512 wide when A is large); block j is op(A)·op(B)[:, block j], one
    /// single-threaded OpenBLAS call.</summary>
    sealed class Blocks<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        readonly OpenBlasBackend blas;
        readonly bool transA, transB;
        readonly int m, n, k, lda, ldb, ldc, width;
        readonly double alpha, beta;   // exact for float too; avoids boxing T on every call
        readonly T* a, b, c;

        public int Count { get; }

        public Blocks(OpenBlasBackend blas, bool transA, bool transB, int m, int n, int k, T alpha, T* a, int lda, T* b, int ldb, T beta, T* c, int ldc)
        {
            (this.blas, this.transA, this.transB, this.m, this.n, this.k, this.lda, this.ldb, this.ldc) =
                (blas, transA, transB, m, n, k, lda, ldb, ldc);
            (this.alpha, this.beta) = (double.CreateTruncating(alpha), double.CreateTruncating(beta));
            this.a = a;
            this.b = b;
            this.c = c;
            // Each call packs all of op(A): when A is large, a block gets at least 512 columns to pay for that.
            var most = (long)m * k > 256 * 1024 ? Math.Max(1, n / 512) : 16;
            var blocks = (int)Math.Clamp(Math.Min(2.0 * m * n * k / 4e6, n / 8), 1, most);
            blocks = 1 << BitOperations.Log2((uint)blocks);
            width = (n + blocks - 1) / blocks;
            Count = (n + width - 1) / width;
        }

        public void Run(int block)
        {
            var j0 = block * width;
            var columns = Math.Min(width, n - j0);
            // Column j0 of op(B): column j0 of B, or row j0 of a transposed B.
            var bBlock = b + (transB ? j0 : (nint)j0 * ldb);
            var cBlock = c + (nint)j0 * ldc;
            int ta = transA ? Trans : NoTrans, tb = transB ? Trans : NoTrans;
            if (typeof(T) == typeof(float))
                blas.sgemm(ColumnMajor, ta, tb, m, columns, k, (float)alpha, (float*)a, lda, (float*)bBlock, ldb, (float)beta, (float*)cBlock, ldc);
            else
                blas.dgemm(ColumnMajor, ta, tb, m, columns, k, alpha, (double*)a, lda, (double*)bBlock, ldb, beta, (double*)cBlock, ldc);
        }
    }
}
