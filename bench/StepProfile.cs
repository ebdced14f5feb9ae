using System.Diagnostics;

namespace Nabla.Bench;

/// <summary>Where a training step's time goes: each phase of the MLP step timed separately over many steps
/// (microseconds per step). For finding the next thing to speed up, not for comparisons.</summary>
static class StepProfile
{
    /// <summary>The optimizers <c>profile --optimizer</c> takes.</summary>
    public static readonly IReadOnlyDictionary<string, IOptimizer> Optimizers = new Dictionary<string, IOptimizer>
    {
        ["sgd"] = new Sgd(0.1),
        ["momentum"] = new Sgd(0.1, Momentum: 0.9),
        ["adam"] = new Adam(),
        ["rmsprop"] = new RmsProp(),
        ["adagrad"] = new Adagrad(),
    };

    /// <summary>Times each phase of <paramref name="steps"/> steps after <paramref name="warmup"/>. With
    /// <paramref name="cpu"/>, the calling thread's CPU time (Linux's CLOCK_THREAD_CPUTIME_ID) instead of the wall
    /// clock: on a machine others are loading, time this thread spent preempted is left out (run it with --threads 1,
    /// so that all the work is this thread's).</summary>
    public static void Run(string optimizerName = "sgd", int steps = 3000, int warmup = 500, bool cpu = false, string modelName = "mlp")
    {
        if (!Optimizers.TryGetValue(optimizerName, out var optimizer))
            throw new ArgumentException($"profile --optimizer {optimizerName}: one of {string.Join(", ", Optimizers.Keys)}.");
        if (cpu && !OperatingSystem.IsLinux()) throw new PlatformNotSupportedException("profile --cpu reads Linux's per-thread CPU clock.");
        var (train, _) = Mnist.Load(Path.Combine(Repository.Root, "data", "mnist"), limit: 20000);
        var rng = Rng.Seeded(1);
        var model = TrainMnist.Model(modelName, rng).Model;   // with --optimizer's optimizer, not the model's own
        var state = TrainState<float>.Create(model, optimizer, 1);
        var loss = Loss.SoftmaxCrossEntropy;
        var nanoseconds = new Dictionary<string, long>();
        var allocated = new Dictionary<string, long>();   // bytes this thread allocated in each phase
        long Now() => cpu ? ThreadCpuNanoseconds() : Stopwatch.GetTimestamp() * (1_000_000_000 / Stopwatch.Frequency);
        T Time<T>(string name, Func<T> f)
        {
            var (start, before) = (Now(), GC.GetAllocatedBytesForCurrentThread());
            var r = f();
            nanoseconds[name] = nanoseconds.GetValueOrDefault(name) + Now() - start;
            allocated[name] = allocated.GetValueOrDefault(name) + GC.GetAllocatedBytesForCurrentThread() - before;
            return r;
        }
        var order = rng.Permutation(train.Count);
        var (gcs, bytes) = (0, 0L);
        var pool = new StepPool<float>();   // as Fit does
        for (var s = 0; s < warmup + steps; s++)
        {
            if (s == warmup)   // the JIT's first calls are not a step's cost
            {
                nanoseconds.Clear();
                allocated.Clear();
                (gcs, bytes) = (GC.CollectionCount(0), GC.GetAllocatedBytesForCurrentThread());
            }
            var scope = pool.Enter();
            var start = s * 64 % (train.Count - 64);   // as Fit: the step's pieces, in its order, through its pool
            var batch = Time("gather", () => Batches.Gather<float>(train, order[start..(start + 64)]));
            var m = state.Model;
            var traces = Time("forward", () => m.ForwardTrain(batch.X, train.SampleShape, rng));
            var (value, dOut) = Time("loss", () => loss.Evaluate(traces[^1].Output, batch.Y));
            var grads = Time("backward", () => m.Backward(traces, dOut));
            var (parameters, os) = Time("optimizer", () => state.Optimizer.Apply(grads, state.OptimizerState, m.Parameters));
            var next = Time("model", () => m.WithParameters(parameters));
            Time("metrics", () => Metrics.CorrectCount(loss.Activate(traces[^1].Output), batch.Labels!));
            state = state with { Model = next, OptimizerState = os, Step = state.Step + 1 };
            scope.Dispose();
            Time("recycle", () => { pool.Recycle(FitExtensions.TensorsOf(state)); return 0; });
        }
        Console.WriteLine($"this thread allocated {(GC.GetAllocatedBytesForCurrentThread() - bytes) / steps} bytes per step; " +
            $"{GC.CollectionCount(0) - gcs} gen0 collections in {steps} steps");
        var total = nanoseconds.Values.Sum() / 1000.0;
        foreach (var (name, ns) in nanoseconds) Console.WriteLine($"{name,-10} {ns / 1000.0 / steps,8:F1} µs/step {allocated[name] / steps,7} B/step");
        Console.WriteLine($"{"total",-10} {total / steps,8:F1} µs/step{(cpu ? " of this thread's CPU time" : "")}  ({optimizer}; {Backend.Description})");
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
    static extern int ClockGetTime(int clock, out TimeSpec time);

    struct TimeSpec
    {
        public long Seconds, Nanoseconds;
    }

    internal static long ThreadCpuNanoseconds()
    {
        const int ThreadCpuTime = 3;   // CLOCK_THREAD_CPUTIME_ID
        if (ClockGetTime(ThreadCpuTime, out var t) != 0) throw new InvalidOperationException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed.");
        return t.Seconds * 1_000_000_000 + t.Nanoseconds;
    }
}
