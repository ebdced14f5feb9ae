using BenchmarkDotNet.Attributes;

namespace Nabla.Bench;

/// <summary>One 784-128-10 MNIST training step (batch gather, forward, loss, backward, SGD, metrics), as Fit runs it
/// (buffers recycled through its pool) and as a bare fold of Train.Step. The MemoryDiagnoser's "Allocated"
/// column is the bytes allocated per step in steady state; the model's parameters are 101,770 floats = 407 KB.</summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 5, iterationCount: 15)]
public class TrainStepBenchmarks
{
    Dataset train = null!;
    int[] order = [];
    TrainState<float> state = null!;
    readonly StepPool<float> pool = new();
    int step;

    [GlobalSetup]
    public void Setup()
    {
        (train, _) = Mnist.Load(Path.Combine(Repository.Root, "data", "mnist"), limit: 10000);
        var rng = Rng.Seeded(1);
        var model = Sequential.Of(Layer.Flatten(), Layer.Dense(784, 128, Init.He, rng), Layer.Relu(), Layer.Dense(128, 10, Init.Xavier, rng));
        state = TrainState<float>.Create(model, new Sgd(0.1), 1);
        order = rng.Permutation(train.Count);
    }

    int[] NextIndices() => order.AsSpan(step++ * 64 % (train.Count - 64), 64).ToArray();

    [Benchmark(Description = "Fit's step (pool)")]
    public int FitStep()
    {
        int correct;
        using (pool.Enter())
        {
            var batch = Batches.Gather<float>(train, NextIndices());
            (state, _, var output) = Train.StepWithOutput(state, batch.X, batch.Y, Loss.SoftmaxCrossEntropy);
            correct = Metrics.CorrectCount(Loss.SoftmaxCrossEntropy.Activate(output), batch.Labels!);
        }
        pool.Recycle(FitExtensions.TensorsOf(state));
        return correct;
    }

    [Benchmark(Baseline = true, Description = "Train.Step (no pool)")]
    public int PureStep()
    {
        var batch = Batches.Gather<float>(train, NextIndices());
        (state, _, var output) = Train.StepWithOutput(state, batch.X, batch.Y, Loss.SoftmaxCrossEntropy);
        return Metrics.CorrectCount(Loss.SoftmaxCrossEntropy.Activate(output), batch.Labels!);
    }
}

/// <summary>The repository root (the folder holding Solution.sln), found from the working directory upward.</summary>
static class Repository
{
    public static string Root { get; } = Find();

    static string Find()
    {
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Solution.sln"))) return dir.FullName;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Solution.sln"))) return dir.FullName;
        throw new InvalidOperationException("Solution.sln not found above " + Environment.CurrentDirectory);
    }
}
