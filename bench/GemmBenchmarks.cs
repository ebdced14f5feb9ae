using BenchmarkDotNet.Attributes;

namespace Nabla.Bench;

/// <summary>GEMM time per product for the MLP's three shapes and 1024³, on each backend (2 threads). GFLOP/s =
/// 2·m·n·k / time: 12.85 MFLOP for each MLP shape, 2147 MFLOP for 1024³. `gemm` prints the same as GFLOP/s, faster.</summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 10)]
public class GemmBenchmarks
{
    float[] a = [], b = [], c = [];
    GemmBackend backend = Backend.Managed;
    (string Name, int M, int K, int N, bool TransA, bool TransB) shape;

    [Params("managed", "openblas")]
    public string BackendName { get; set; } = "managed";

    [Params("x·W 64×784·784×128", "xᵀ·dy 784×64·64×128", "dy·Wᵀ 64×128·128×784", "1024³")]
    public string Shape { get; set; } = "";

    [Params(2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        backend = Backend.Get(BackendName);
        shape = GemmThroughput.Shapes.First(s => s.Name.StartsWith(Shape.Split(' ')[^1].Replace("1024³", "1024×1024"), StringComparison.Ordinal));
        var rng = new Rng(1);
        a = Enumerable.Range(0, shape.M * shape.K).Select(_ => (float)rng.Uniform(-1, 1)).ToArray();
        b = Enumerable.Range(0, shape.K * shape.N).Select(_ => (float)rng.Uniform(-1, 1)).ToArray();
        c = new float[shape.M * shape.N];
    }

    [Benchmark]
    public void Gemm() => backend.Gemm(shape.TransA, shape.TransB, shape.M, shape.N, shape.K, 1f, a, shape.TransA ? shape.K : shape.M,
        b, shape.TransB ? shape.N : shape.K, 0f, c, shape.M, Threads);
}
