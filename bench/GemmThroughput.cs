using System.Diagnostics;
using MathNet.Numerics.LinearAlgebra;

namespace Nabla.Bench;

/// <summary>A quick GFLOP/s table (the BenchmarkDotNet suite measures the same shapes more carefully, slower).</summary>
static class GemmThroughput
{
    /// <summary>The MLP's three products (forward, dW = xᵀ·dy, dx = dy·Wᵀ), the 1024³ square, and two ragged shapes, as
    /// MathNet calls them.</summary>
    public static readonly (string Name, int M, int K, int N, bool TransA, bool TransB)[] Shapes =
    [
        ("64×784·784×128 (x·W)", 64, 784, 128, false, false),
        ("784×64·64×128 (xᵀ·dy)", 784, 64, 128, true, false),
        ("64×128·128×784 (dy·Wᵀ)", 64, 128, 784, false, true),
        ("1024×1024·1024×1024", 1024, 1024, 1024, false, false),
        // Ragged neighbours of the shapes above (no multiple of any block size): they must not fall off a cliff.
        ("63×785·785×127 (ragged x·W)", 63, 785, 127, false, false),
        ("1000×1000·1000×1000", 1000, 1000, 1000, false, false),
    ];

    /// <summary>Prints the table; <paramref name="shape"/> limits it to one row (an index into <see cref="Shapes"/>).</summary>
    public static void Run(IEnumerable<GemmBackend> backends, int threads, int? shape = null, double seconds = 0.5)
    {
        Console.WriteLine($"GEMM float32, {threads} thread(s), GFLOP/s (median of repeated runs of ≥ {seconds} s)");
        foreach (var backend in backends)
        {
            Console.WriteLine($"  {backend.Description}");
            foreach (var s in shape is { } i ? [Shapes[i]] : Shapes)
                Console.WriteLine($"    {s.Name,-30} {Measure(backend, s, threads, seconds),7:F1}");
        }
    }

    /// <summary>Ragged shapes against their aligned neighbours, measured back to back (alternating, three times), so
    /// that a slow spell of the machine does not pass for a cliff: the two ragged shapes of <see cref="Shapes"/>, then
    /// one ragged dimension of the forward product at a time.</summary>
    public static void Ragged(GemmBackend backend, int threads)
    {
        static (string, int, int, int, bool, bool) Product(int m, int k, int n) => ($"{m}×{k}·{k}×{n}", m, k, n, false, false);
        var pairs = new[]
        {
            (Shapes[4], Shapes[0]), (Shapes[5], Shapes[3]),
            (Product(63, 784, 128), Product(64, 784, 128)),   // rows
            (Product(33, 784, 128), Product(32, 784, 128)),   // a row past a 32-row pass
            (Product(33, 784, 128), Product(64, 784, 128)),
            (Product(64, 785, 128), Product(64, 784, 128)),   // depth
            (Product(64, 784, 127), Product(64, 784, 128)),   // columns
        };
        Console.WriteLine($"ragged ÷ aligned GFLOP/s, {backend.Description}, {threads} thread(s), back to back");
        foreach (var (ragged, aligned) in pairs)
        {
            var ratios = Enumerable.Range(0, 3)
                .Select(_ => Measure(backend, ragged, threads, 0.3) / Measure(backend, aligned, threads, 0.3)).ToArray();
            Console.WriteLine($"  {ragged.Item1} ÷ {aligned.Item1}: {string.Join("  ", ratios.Select(r => r.ToString("F2")))}");
        }
    }

    public static double Measure(GemmBackend backend, (string Name, int M, int K, int N, bool TransA, bool TransB) s, int threads, double seconds)
    {
        var rng = new Rng(1);
        // 64-byte aligned operands, as matmul_numpy.py makes them: neither side's figure depends on its allocator.
        var (a, oa) = Aligned(s.M * s.K);
        var (b, ob) = Aligned(s.K * s.N);
        var (c, oc) = Aligned(s.M * s.N);
        foreach (ref var v in a.AsSpan(oa, s.M * s.K)) v = (float)rng.Uniform(-1, 1);
        foreach (ref var v in b.AsSpan(ob, s.K * s.N)) v = (float)rng.Uniform(-1, 1);
        var (lda, ldb) = (s.TransA ? s.K : s.M, s.TransB ? s.N : s.K);
        void Once() => backend.Gemm(s.TransA, s.TransB, s.M, s.N, s.K, 1f, a.AsSpan(oa, s.M * s.K), lda, b.AsSpan(ob, s.K * s.N), ldb,
            0f, c.AsSpan(oc, s.M * s.N), s.M, threads);
        for (var warm = Stopwatch.StartNew(); warm.Elapsed.TotalSeconds < 0.2;) Once();   // warm up, as matmul_numpy.py does
        var rates = new List<double>();
        var total = Stopwatch.StartNew();
        while (total.Elapsed.TotalSeconds < seconds || rates.Count < 5)
        {
            var clock = Stopwatch.StartNew();
            var reps = 0;
            do { Once(); reps++; } while (clock.Elapsed.TotalMilliseconds < 20);
            rates.Add(2.0 * s.M * s.N * s.K * reps / clock.Elapsed.TotalSeconds / 1e9);
        }
        rates.Sort();
        return rates[rates.Count / 2];
    }

    // A pinned array and the offset of its first 64-byte aligned element.
    static unsafe (float[] Array, int Offset) Aligned(int length)
    {
        var array = GC.AllocateUninitializedArray<float>(length + 16, pinned: true);
        fixed (float* p = array) return (array, (int)((64 - (nint)p % 64) % 64 / sizeof(float)));
    }
}
