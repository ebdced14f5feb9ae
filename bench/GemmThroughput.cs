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

    public static void Run(IEnumerable<GemmBackend> backends, int threads, double seconds = 0.5)
    {
        Console.WriteLine($"GEMM float32, {threads} thread(s), GFLOP/s (median of repeated runs of ≥ {seconds} s)");
        foreach (var backend in backends)
        {
            Console.WriteLine($"  {backend.Description}");
            foreach (var s in Shapes) Console.WriteLine($"    {s.Name,-30} {Measure(backend, s, threads, seconds),7:F1}");
        }
    }

    public static double Measure(GemmBackend backend, (string Name, int M, int K, int N, bool TransA, bool TransB) s, int threads, double seconds)
    {
        var rng = new Rng(1);
        var a = new float[s.M * s.K];
        var b = new float[s.K * s.N];
        var c = new float[s.M * s.N];
        for (var i = 0; i < a.Length; i++) a[i] = (float)rng.Uniform(-1, 1);
        for (var i = 0; i < b.Length; i++) b[i] = (float)rng.Uniform(-1, 1);
        var (lda, ldb) = (s.TransA ? s.K : s.M, s.TransB ? s.N : s.K);
        void Once() => backend.Gemm(s.TransA, s.TransB, s.M, s.N, s.K, 1f, a, lda, b, ldb, 0f, c, s.M, threads);
        for (var i = 0; i < 3; i++) Once();
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
}
