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

    public static void Run(string optimizerName = "sgd", int steps = 3000, int warmup = 500)
    {
        if (!Optimizers.TryGetValue(optimizerName, out var optimizer))
            throw new ArgumentException($"profile --optimizer {optimizerName}: one of {string.Join(", ", Optimizers.Keys)}.");
        var (train, _) = Mnist.Load(Path.Combine(Repository.Root, "data", "mnist"), limit: 20000);
        var rng = Rng.Seeded(1);
        var model = Sequential.Of(Layer.Dense(784, 128, Init.He, rng), Layer.Relu(), Layer.Dense(128, 10, Init.Xavier, rng));
        var state = TrainState<float>.Create(model, optimizer, 1);
        var loss = Loss.SoftmaxCrossEntropy;
        var clocks = new Dictionary<string, Stopwatch>();
        T Time<T>(string name, Func<T> f)
        {
            if (!clocks.TryGetValue(name, out var c)) clocks[name] = c = new Stopwatch();
            c.Start();
            var r = f();
            c.Stop();
            return r;
        }
        var order = rng.Permutation(train.Count);
        var pool = new StepPool<float>();   // as Fit does
        for (var s = 0; s < warmup + steps; s++)
        {
            if (s == warmup) foreach (var clock in clocks.Values) clock.Reset();   // the JIT's first calls are not a step's cost
            var scope = pool.Enter();
            var start = s * 64 % (train.Count - 64);   // as Fit: the step's pieces, in its order, through its pool
            var batch = Time("gather", () => Batches.Gather<float>(train, order[start..(start + 64)]));
            var m = state.Model;
            var traces = Time("forward", () => m.ForwardTrain(batch.X, rng));
            var (value, dOut) = Time("loss", () => loss.Evaluate(traces[^1].Output, batch.Y));
            var grads = Time("backward", () => m.Backward(traces, dOut));
            var (parameters, os) = Time("optimizer", () => state.Optimizer.Apply(grads, state.OptimizerState, m.Parameters));
            var next = Time("model", () => m.WithParameters(parameters));
            Time("metrics", () => Metrics.CorrectCount(loss.Activate(traces[^1].Output), batch.Labels!));
            state = state with { Model = next, OptimizerState = os, Step = state.Step + 1 };
            scope.Dispose();
            Time("recycle", () => { pool.Recycle(FitExtensions.TensorsOf(state)); return 0; });
        }
        var total = clocks.Values.Sum(c => c.Elapsed.TotalMicroseconds);
        foreach (var (name, c) in clocks) Console.WriteLine($"{name,-10} {c.Elapsed.TotalMicroseconds / steps,8:F1} µs/step");
        Console.WriteLine($"{"total",-10} {total / steps,8:F1} µs/step  ({optimizer}; {Backend.Description})");
    }
}
