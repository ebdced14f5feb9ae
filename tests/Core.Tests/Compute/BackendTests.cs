namespace Nabla.Tests.Compute;

/// <summary>The GEMM seam: every backend and kernel width computes C = α·op(A)·op(B) + β·C like a plain double loop,
/// the backends agree, MathNet's products reach the seam, and a missing OpenBLAS falls back cleanly.</summary>
public class BackendTests
{
    /// <summary>Every managed kernel this CPU runs, and OpenBLAS when installed.</summary>
    public static IEnumerable<GemmBackend> All()
    {
        foreach (var width in new[] { SimdWidth.Scalar, SimdWidth.V256, SimdWidth.V512 })
            if (width <= ManagedGemmBackend.Widest) yield return new ManagedGemmBackend(width);
        if (Backend.OpenBlas is { } openBlas) yield return openBlas;
    }

    // Shapes around the tile edges (MR 32/16/4, NR 8/6/4), KC blocks (512), MC blocks (256), MNIST's 784, a ragged A
    // packed once for all tasks over two KC blocks (65 × 600), and the one-element and empty-k cases.
    static readonly (int M, int N, int K)[] Shapes =
    [
        (1, 1, 1), (1, 7, 3), (5, 1, 9), (31, 9, 17), (33, 13, 40), (64, 10, 128), (64, 128, 784), (200, 70, 400),
        (97, 131, 385), (65, 20, 600), (7, 5, 0),
    ];

    [Fact]
    public void Every_backend_matches_a_plain_loop_for_every_transpose_shape_and_beta()
    {
        var rng = new Rng(3);
        foreach (var backend in All())
            foreach (var (m, n, k) in Shapes)
                foreach (var (transA, transB) in new[] { (false, false), (true, false), (false, true), (true, true) })
                    foreach (var (alpha, beta) in new[] { (1.0, 0.0), (0.5, 2.0), (-1.0, 1.0) })
                    {
                        var (a, lda) = (Random(rng, m * k), transA ? Math.Max(1, k) : m);
                        var (b, ldb) = (Random(rng, k * n), transB ? n : Math.Max(1, k));
                        var c = Random(rng, m * n);
                        if (beta == 0) c[0] = float.NaN;   // β = 0 must overwrite, as BLAS does, not propagate NaN
                        var expected = Reference(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c);
                        backend.Gemm(transA, transB, m, n, k, (float)alpha, a, lda, b, ldb, (float)beta, c, m, threads: 2);
                        for (var i = 0; i < c.Length; i++)
                            Assert.True(Math.Abs(c[i] - expected[i]) <= 1e-5 * (1 + k) * (1 + Math.Abs(expected[i])),
                                $"{backend.Description}: {m}×{k}·{k}×{n} transA={transA} transB={transB} α={alpha} β={beta}: " +
                                $"C[{i % m},{i / m}] = {c[i]}, expected {expected[i]}");
                    }
    }

    [Fact]   // large enough to pack B (k·n > 256K): several column tasks, MC row blocks, KC steps, ragged edges everywhere
    public void Large_packed_products_match_a_plain_loop_and_do_not_depend_on_the_thread_count()
    {
        var rng = new Rng(5);
        var (m, n, k) = (200, 530, 520);
        foreach (var (transA, transB) in new[] { (false, false), (true, false), (false, true), (true, true) })
        {
            var (a, lda) = (Random(rng, m * k), transA ? k : m);
            var (b, ldb) = (Random(rng, k * n), transB ? n : k);
            var c = Random(rng, m * n);
            var expected = Reference(transA, transB, m, n, k, 0.5, a, lda, b, ldb, 2.0, c);
            foreach (var backend in All().Where(b => b is not ManagedGemmBackend { Width: SimdWidth.Scalar }))   // same blocking, slow
            {
                var (one, three) = ((float[])c.Clone(), (float[])c.Clone());
                backend.Gemm(transA, transB, m, n, k, 0.5f, a, lda, b, ldb, 2f, one, m, threads: 1);
                backend.Gemm(transA, transB, m, n, k, 0.5f, a, lda, b, ldb, 2f, three, m, threads: 3);
                Assert.Equal(one, three);
                for (var i = 0; i < c.Length; i++)
                    Assert.True(Math.Abs(one[i] - expected[i]) <= 1e-5 * (1 + k) * (1 + Math.Abs(expected[i])),
                        $"{backend.Description}: transA={transA} transB={transB}: C[{i % m},{i / m}] = {one[i]}, expected {expected[i]}");
            }
        }
    }

    [Fact]
    public void Double_products_match_a_plain_loop_to_double_precision()
    {
        var rng = new Rng(4);
        foreach (var backend in All())
        {
            var (m, n, k) = (37, 19, 401);
            var a = Enumerable.Range(0, m * k).Select(_ => rng.Uniform(-1, 1)).ToArray();
            var b = Enumerable.Range(0, k * n).Select(_ => rng.Uniform(-1, 1)).ToArray();
            var c = new double[m * n];
            backend.Gemm(true, false, m, n, k, 1.0, a, k, b, k, 0.0, c, m, threads: 2);
            for (var i = 0; i < m; i++)
                for (var j = 0; j < n; j++)
                {
                    var expected = 0.0;
                    for (var p = 0; p < k; p++) expected += a[i * k + p] * b[j * k + p];
                    Assert.True(Math.Abs(c[j * m + i] - expected) < 1e-12, $"{backend.Description}: C[{i},{j}] = {c[j * m + i]}, expected {expected}");
                }
        }
    }

    [Fact]   // Debian's OpenBLAS 0.3.21 does not know 2023 Xeons and would run its SSE3 kernels on them
    public void OpenBlas_runs_a_vector_kernel_where_the_cpu_has_one()
    {
        if (Backend.OpenBlas is not { } openBlas || !System.Runtime.Intrinsics.X86.Avx2.IsSupported) return;
        Assert.DoesNotContain("Prescott", openBlas.Description);
        if (Environment.GetEnvironmentVariable("OPENBLAS_CORETYPE") is null && System.Runtime.Intrinsics.X86.Avx512BW.IsSupported)
            Assert.Contains("SkylakeX", openBlas.Description);
    }

    [Fact]
    public void Managed_and_openblas_agree_within_float_tolerance_or_openblas_is_reported_missing()
    {
        if (Backend.OpenBlas is null)
        {
            var e = Assert.Throws<InvalidOperationException>(() => Backend.Get("openblas"));
            Assert.Contains("apt-get install libopenblas0-pthread", e.Message);
            return;
        }
        var rng = new Rng(5);
        var x = Matrix<float>.Build.Dense(64, 784, (_, _) => (float)rng.Uniform(0, 1));
        var w = Matrix<float>.Build.Dense(784, 128, (_, _) => (float)(0.05 * rng.Normal()));
        var dy = Matrix<float>.Build.Dense(64, 128, (_, _) => (float)(0.01 * rng.Normal()));
        Matrix<float>[] Products() => [x * w, x.TransposeThisAndMultiply(dy), dy.TransposeAndMultiply(w)];
        Matrix<float>[] managed, openBlas;
        using (Backend.Using("managed")) managed = Products();
        using (Backend.Using("openblas")) openBlas = Products();
        for (var i = 0; i < managed.Length; i++)
        {
            var scale = openBlas[i].Enumerate().Max(Math.Abs);
            var difference = (managed[i] - openBlas[i]).Enumerate().Max(Math.Abs);
            Assert.True(difference <= 1e-5f * scale, $"product {i}: managed and OpenBLAS differ by {difference} (largest entry {scale})");
        }
    }

    [Fact]
    public void MathNet_products_and_their_transposed_twins_all_reach_the_backend_in_force()
    {
        var counting = new CountingBackend(Backend.Managed);
        var rng = new Rng(6);
        var x = Matrix<float>.Build.Dense(4, 3, (_, _) => (float)rng.Uniform(-1, 1));
        var w = Matrix<float>.Build.Dense(3, 5, (_, _) => (float)rng.Uniform(-1, 1));
        var dy = Matrix<float>.Build.Dense(4, 5, (_, _) => (float)rng.Uniform(-1, 1));
        using (Backend.Using(counting, threadCount: 1))
        {
            Assert.Same(counting, Backend.Current);
            _ = x * w;
            _ = x.TransposeThisAndMultiply(dy);
            _ = dy.TransposeAndMultiply(w);
            _ = x.ToDouble() * w.ToDouble();
        }
        Assert.Equal(["NN 4×5×3", "TN 3×5×4", "NT 4×3×5", "NN 4×5×3 double"], counting.Calls);
        Assert.NotSame(counting, Backend.Current);   // the scope ended
    }

    [Fact]
    public void A_missing_openblas_library_gives_null_and_unknown_names_are_refused_with_the_choices()
    {
        Assert.Null(OpenBlasBackend.TryLoad(["/nonexistent/libopenblas.so.0", "libnabla-no-such-blas.so"]));
        var e = Assert.Throws<ArgumentException>(() => Backend.Get("mkl"));
        Assert.Contains("managed, openblas", e.Message);
        Assert.Equal("managed", Backend.Get("MANAGED").Name);
        Assert.Equal(Backend.OpenBlas is null ? "managed" : "openblas", Backend.Get("auto").Name);
    }

    static float[] Random(Rng rng, int length)
    {
        var values = new float[length];
        for (var i = 0; i < length; i++) values[i] = (float)rng.Uniform(-1, 1);
        return values;
    }

    static double[] Reference(bool transA, bool transB, int m, int n, int k, double alpha, float[] a, int lda, float[] b, int ldb, double beta, float[] c)
    {
        var result = new double[m * n];
        for (var i = 0; i < m; i++)
            for (var j = 0; j < n; j++)
            {
                var sum = 0.0;
                for (var p = 0; p < k; p++)
                    sum += (double)(transA ? a[i * lda + p] : a[p * lda + i]) * (transB ? b[p * ldb + j] : b[j * ldb + p]);
                result[j * m + i] = alpha * sum + (beta == 0 ? 0 : beta * c[j * m + i]);
            }
        return result;
    }

    sealed class CountingBackend(GemmBackend inner) : GemmBackend
    {
        public List<string> Calls { get; } = [];
        public override string Name => "counting";
        public override string Description => "counting";

        public override void Gemm(bool transA, bool transB, int m, int n, int k, float alpha, ReadOnlySpan<float> a, int lda,
            ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc, int threads)
        {
            Calls.Add($"{(transA ? 'T' : 'N')}{(transB ? 'T' : 'N')} {m}×{n}×{k}");
            inner.Gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, threads);
        }

        public override void Gemm(bool transA, bool transB, int m, int n, int k, double alpha, ReadOnlySpan<double> a, int lda,
            ReadOnlySpan<double> b, int ldb, double beta, Span<double> c, int ldc, int threads)
        {
            Calls.Add($"{(transA ? 'T' : 'N')}{(transB ? 'T' : 'N')} {m}×{n}×{k} double");
            inner.Gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, threads);
        }
    }
}
