using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Nabla.Bench;

/// <summary>
/// The convolution kernels on LeNet's and the tiny CNN's shapes (batch 64): forward and backward per batch, in ms and
/// GFLOP/s, alternated in rounds with the bare GEMMs of the same products on a precomputed columns matrix, so the
/// difference is what im2col, col2im and the bias cost and a slow spell of the machine hits both alike. On one thread
/// the clock is the thread's CPU time (Linux), which time spent preempted by other processes does not inflate: the
/// figure to compare on a loaded machine.
/// </summary>
static partial class ConvThroughput
{
    /// <summary>Name, geometry, output channels, and whether dx is computed (not for a first layer).</summary>
    static readonly (string Name, WindowGeometry G, int Out, bool Dx)[] Shapes =
    [
        ("lenet conv1 1→32 5×5 28²", WindowGeometry.Valid(64, 1, 28, 28, 5, 5), 32, false),
        ("lenet conv2 32→64 5×5 12²", WindowGeometry.Valid(64, 32, 12, 12, 5, 5), 64, true),
        ("tiny conv 1→8 3×3 28²", WindowGeometry.Valid(64, 1, 28, 28, 3, 3), 8, false),
    ];

    public static void Run(int threads, int rounds, double seconds = 0.3)
    {
        using var _ = Backend.Using(Backend.Current, threads);
        cpuClock = threads == 1 && OperatingSystem.IsLinux();
        Console.WriteLine($"Conv2D kernels, float32, batch 64, {Backend.Description}; ms per batch and GFLOP/s ({(cpuClock ? "thread CPU time" : "wall time")}), median of runs ≥ {seconds} s, " +
            $"{rounds} alternating rounds of conv kernels and the bare GEMMs of the same products");
        foreach (var (name, g, outChannels, dx) in Shapes)
        {
            var flop = 2.0 * outChannels * g.Patch * g.OH * g.OW * g.N;   // one product
            var products = dx ? 3 : 2;
            var rng = new Rng(1);
            var x = Random(rng, g.InputLength);
            var w = Random(rng, outChannels * g.Patch);
            var b = Random(rng, outChannels);
            var dy = Random(rng, g.OutputLength(outChannels));
            var (y, dxs, dW, db) = (new float[dy.Length], new float[dx ? x.Length : 0], new float[w.Length], new float[outChannels]);
            var (k, p) = (g.Patch, g.OH * g.OW * g.N);
            var cols = new float[k * p];   // im2col(x), for the bare GEMMs
            Im2Col.Gather<float>(g, x, cols, p, 0, k, 0, g.OH * g.OW);
            var dcols = new float[k * p];
            Console.WriteLine($"  {name}: GEMMs {p}×{k}·{k}×{outChannels}, {k}×{p}·{p}×{outChannels}" + (dx ? $", {p}×{outChannels}·{outChannels}×{k}" : "") +
                $"; {products * flop / 1e9:F3} GFLOP per batch");
            for (var round = 1; round <= rounds; round++)
            {
                var forward = Measure(() => Conv2DKernels.Forward<float>(g, outChannels, x, w, b, y), seconds);
                var backward = Measure(() => Conv2DKernels.Backward<float>(g, outChannels, x, w, dy, dxs, dW, db), seconds);
                var gemmForward = Measure(() => Conv2DKernels.Gemm<float>(Backend.Current, false, false, p, outChannels, k, cols, p, w, k, 0f, y, p, threads), seconds);
                var gemmBackward = Measure(() =>
                {
                    Conv2DKernels.Gemm<float>(Backend.Current, true, false, k, outChannels, p, cols, p, dy, p, 0f, dW, k, threads);
                    if (dx) Conv2DKernels.Gemm<float>(Backend.Current, false, true, p, k, outChannels, dy, p, w, k, 0f, dcols, p, threads);
                }, seconds);
                Console.WriteLine($"    round {round}: conv fwd {forward * 1e3,6:F3} ms {flop / forward / 1e9,6:F1} GFLOP/s, " +
                    $"bwd {backward * 1e3,6:F3} ms {(products - 1) * flop / backward / 1e9,6:F1} | GEMM alone fwd {gemmForward * 1e3,6:F3} ms " +
                    $"{flop / gemmForward / 1e9,6:F1}, bwd {gemmBackward * 1e3,6:F3} ms {(products - 1) * flop / gemmBackward / 1e9,6:F1} | " +
                    $"conv ÷ GEMM time {(forward + backward) / (gemmForward + gemmBackward):F2}");
            }
        }
    }

    static float[] Random(Rng rng, int length) => [.. Enumerable.Range(0, length).Select(_ => (float)rng.Uniform(-1, 1))];

    static bool cpuClock;

    // Median seconds per call over batches of calls lasting ≥ 10 ms each (by the clock in use), after a short warm-up.
    static double Measure(Action call, double seconds)
    {
        for (var warm = Stopwatch.StartNew(); warm.Elapsed.TotalSeconds < 0.05;) call();
        var times = new List<double>();
        var total = Now();
        while (Now() - total < seconds || times.Count < 5)
        {
            var start = Now();
            var reps = 0;
            do { call(); reps++; } while (Now() - start < 0.01);
            times.Add((Now() - start) / reps);
        }
        times.Sort();
        return times[times.Count / 2];
    }

    public static double Now()
    {
        if (!cpuClock) return Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;
        ClockGetTime(ThreadCpuTime, out var t);
        return t.Seconds + t.Nanoseconds * 1e-9;
    }

    const int ThreadCpuTime = 3;   // CLOCK_THREAD_CPUTIME_ID

    [StructLayout(LayoutKind.Sequential)]
    struct TimeSpec { public long Seconds, Nanoseconds; }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);
}
