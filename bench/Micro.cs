using MathNet.Numerics.LinearAlgebra;
namespace Nabla.Bench;

/// <summary>Pieces of a training step in thread CPU time, for comparing alternatives under a loaded machine:
/// <c>micro</c> (the step's bookkeeping calls, each after a 500 ms warm-up), <c>micro leading</c> (backward with and
/// without a parameter-free first layer, alternated), <c>micro first</c> (each epoch's thread and process CPU time: the
/// first epoch's JIT), <c>micro jit</c> (the methods the first ten steps compile, longest first), <c>micro pieces</c>
/// (each product and pass of the MLP's step alone, and the model's forward and backward, repeated on one batch: wall
/// time, best of 7 rounds), <c>micro steps</c> (two MNIST epochs of the MLP: how much longer than a steady step the
/// first step, steps 2–10, 11–50 … of the first epoch took, and when Fit started: where a first epoch's extra time goes,
/// and whether a replayed JIT profile was done by then).</summary>
static class Micro
{
    sealed class Marks : IFitObserver
    {
        long lastCpu = StepProfile.ThreadCpuNanoseconds(); TimeSpan last; int lastBatch;
        public void OnBatchEnd(BatchProgress p)
        {
            if (p.Batch is 1 or 5 or 20 or 50 or 100 or 200 or 400 or 700 or 938)
            {
                var cpu = StepProfile.ThreadCpuNanoseconds();
                var n = p.Batch - lastBatch;
                Console.WriteLine($"epoch {p.Epoch} batches {lastBatch + 1}-{p.Batch}: wall {(p.Elapsed - last).TotalMicroseconds / n:F0} µs/step, cpu {(cpu - lastCpu) / 1000.0 / n:F0} µs/step, gen0 {GC.CollectionCount(0)} gen2 {GC.CollectionCount(2)}");
                (lastCpu, last, lastBatch) = (cpu, p.Elapsed, p.Batch == p.Batches ? 0 : p.Batch);
                if (p.Batch == p.Batches) last = TimeSpan.Zero;
            }
        }
    }

    sealed class JitListener : System.Diagnostics.Tracing.EventListener
    {
        public readonly List<(string Name, double Ms, string Tier)> Jitted = [];
        readonly Dictionary<ulong, DateTime> started = [];
        protected override void OnEventSourceCreated(System.Diagnostics.Tracing.EventSource source)
        {
            if (source.Name == "Microsoft-Windows-DotNETRuntime")
                EnableEvents(source, System.Diagnostics.Tracing.EventLevel.Verbose, (System.Diagnostics.Tracing.EventKeywords)0x10);
        }
        protected override void OnEventWritten(System.Diagnostics.Tracing.EventWrittenEventArgs e)
        {
            lock (Jitted)
            {
                if (e.EventName == "MethodJittingStarted_V1") started[(ulong)e.Payload![0]!] = e.TimeStamp;
                else if (e.EventName is "MethodLoadVerbose_V1" or "MethodLoadVerbose_V2" && started.Remove((ulong)e.Payload![0]!, out var t0))
                {
                    var names = e.PayloadNames!;
                    string P(string n) => names.IndexOf(n) is var i and >= 0 ? e.Payload[i]?.ToString() ?? "" : "";
                    Jitted.Add(($"{P("MethodNamespace")}::{P("MethodName")}", (e.TimeStamp - t0).TotalMilliseconds, P("OptimizationTier")));
                }
            }
        }
    }

    static void Jit()
    {
        Backend.Use("managed");
        Backend.Threads = 1;
        var (train, _) = Mnist.Load(Path.Combine(Repository.Root, "data", "mnist"), limit: 640);
        var rng = Rng.Seeded(1);
        var model = Sequential.Of(Layer.Flatten(), Layer.Dense(784, 128, Init.He, rng), Layer.Relu(), Layer.Dense(128, 10, Init.Xavier, rng));
        using var listener = new JitListener();
        var cpu = StepProfile.ThreadCpuNanoseconds();
        var sw = System.Diagnostics.Stopwatch.StartNew();
        model.Fit(train, Loss.SoftmaxCrossEntropy, new Sgd(0.1), 1, 64, null, rng);
        Console.WriteLine($"10 steps: wall {sw.Elapsed.TotalMilliseconds:F0} ms, cpu {(StepProfile.ThreadCpuNanoseconds() - cpu) / 1e6:F0} ms");
        Thread.Sleep(2000);
        lock (listener.Jitted)
        {
            Console.WriteLine($"{listener.Jitted.Count} methods jitted, {listener.Jitted.Sum(j => j.Ms):F0} ms");
            foreach (var g in listener.Jitted.GroupBy(j => string.Join('.', j.Name.Split("::")[0].Split('.').Take(3))).OrderByDescending(g => g.Sum(j => j.Ms)).Take(12))
                Console.WriteLine($"  {g.Key}: {g.Count()} methods, {g.Sum(j => j.Ms):F0} ms");
            foreach (var j in listener.Jitted.OrderByDescending(j => j.Ms).Take(40)) Console.WriteLine($"{j.Ms,8:F1} ms {j.Tier,-22} {j.Name}");
        }
    }

    /// <summary>Each epoch's CPU time: this thread's, and the whole process's (the JIT's background compilations included).</summary>
    sealed class Epochs : IFitObserver
    {
        long thread = StepProfile.ThreadCpuNanoseconds();
        TimeSpan process = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        public bool OnEpochEnd(EpochMetrics m)
        {
            var (t, p) = (StepProfile.ThreadCpuNanoseconds(), System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime);
            Console.Write($"epoch {m.Epoch}: thread {(t - thread) / 1e6:F0} ms, process {(p - process).TotalMilliseconds:F0} ms, wall {m.Seconds * 1000:F0} ms;  ");
            (thread, process) = (t, p);
            return true;
        }
    }

    /// <summary>Backward of the MLP alone and behind a parameter-free first layer (ReLU on pixels ≥ 0, the identity, as
    /// Flatten is), alternated: the thread CPU time of one backward each, median of rounds.</summary>
    static void Leading()
    {
        Backend.Use("managed");
        Backend.Threads = 1;
        var (train, _) = Mnist.Load(Path.Combine(Repository.Root, "data", "mnist"), limit: 640);
        var rng = Rng.Seeded(1);
        var (dense1, dense2) = (Layer.Dense(784, 128, Init.He, rng), Layer.Dense(128, 10, Init.Xavier, rng));
        var plain = Sequential.Of(dense1, Layer.Relu(), dense2);
        var led = Sequential.Of(Layer.Relu(), dense1, Layer.Relu(), dense2);
        var batch = Batches.Gather<float>(train, [.. Enumerable.Range(0, 64)]);
        double Time(Sequential<float> m, int n)
        {
            var traces = m.ForwardTrain(batch.X, rng);
            var (_, dy) = Loss.SoftmaxCrossEntropy.Evaluate(traces[^1].Output, batch.Y);
            var t = StepProfile.ThreadCpuNanoseconds();
            for (var i = 0; i < n; i++) _ = m.Backward(traces, dy);
            return (StepProfile.ThreadCpuNanoseconds() - t) / 1000.0 / n;
        }
        var warm = System.Diagnostics.Stopwatch.StartNew();
        while (warm.ElapsedMilliseconds < 1000) { Time(plain, 10); Time(led, 10); }
        var (a, b) = (new List<double>(), new List<double>());
        for (var r = 0; r < 21; r++) { a.Add(Time(plain, 100)); b.Add(Time(led, 100)); }
        Console.WriteLine($"backward, µs of thread CPU time, median of 21 alternated rounds of 100: Dense first {Median(a):F1}, ReLU then Dense {Median(b):F1}");
    }

    static double Median(List<double> v) { v.Sort(); return v[v.Count / 2]; }

    static void First()
    {
        Backend.Use("managed");
        Backend.Threads = 1;
        var (train, _) = Mnist.Load(Path.Combine(Repository.Root, "data", "mnist"));
        var rng = Rng.Seeded(1);
        var model = Sequential.Of(Layer.Flatten(), Layer.Dense(784, 128, Init.He, rng), Layer.Relu(), Layer.Dense(128, 10, Init.Xavier, rng));
        model.Fit(train, Loss.SoftmaxCrossEntropy, new Sgd(0.1), 3, 64, null, rng, observers: [new Epochs()]);
        // A second Fit in the same process: its first epoch shows what the first epoch costs per Fit, not per process.
        Console.Write("| a second Fit: ");
        var again = Sequential.Of(Layer.Flatten(), Layer.Dense(784, 128, Init.He, rng), Layer.Relu(), Layer.Dense(128, 10, Init.Xavier, rng));
        again.Fit(train, Loss.SoftmaxCrossEntropy, new Sgd(0.1), 2, 64, null, rng, observers: [new Epochs()]);
        Console.WriteLine();
    }

    sealed class StepTimes : IFitObserver
    {
        public readonly List<long> Ticks = new(1000);
        public void OnFitStart(FitInfo info) => Ticks.Add(System.Diagnostics.Stopwatch.GetTimestamp());
        public void OnBatchEnd(BatchProgress progress) => Ticks.Add(System.Diagnostics.Stopwatch.GetTimestamp());
    }

    static void Steps()
    {
        Backend.Use("managed");
        var (train, _) = Mnist.Load(Path.Combine(Repository.Root, "data", "mnist"));
        var rng = Rng.Seeded(1);
        var model = Sequential.Of(Layer.Flatten(), Layer.Dense(784, 128, Init.He, rng), Layer.Relu(), Layer.Dense(128, 10, Init.Xavier, rng));
        var times = new StepTimes();
        var fit = model.Fit(train, Loss.SoftmaxCrossEntropy, new Sgd(0.1), 2, 64, null, rng, observers: [times]);
        var t = times.Ticks;
        double Ms(int a, int b) => (t[b] - t[a]) * 1000.0 / System.Diagnostics.Stopwatch.Frequency;
        var steady = Ms(938 + 400, 938 + 900) / 500;
        var sinceStart = (DateTime.Now - System.Diagnostics.Process.GetCurrentProcess().StartTime).TotalMilliseconds - Ms(0, t.Count - 1);
        Console.Write($"fit at {sinceStart:F0} ms; ");
        Console.Write($"replay {JitProfile.Replaying}: steady {steady * 1000:F0} µs/step; excess ms by step ");
        int[] marks = [1, 10, 50, 100, 200, 400, 938];
        var prev = 0;
        foreach (var m in marks) { Console.Write($"{m}: {Ms(prev, m) - steady * (m - prev),6:F1} "); prev = m; }
        Console.WriteLine($"| epoch1 {Ms(0, 938):F0} ms, epoch2 {Ms(938, 1876):F0} ms; Fit's {fit.History[0].Seconds * 1000:F0} {fit.History[1].Seconds * 1000:F0}");
    }

    static void Pieces()
    {
        Backend.Use("managed");
        var (train, _) = Mnist.Load(Path.Combine(Repository.Root, "data", "mnist"), limit: 6400);
        var rng = Rng.Seeded(1);
        var d1 = Layer.Dense(784, 128, Init.He, rng);
        var d2 = Layer.Dense(128, 10, Init.Xavier, rng);
        var batch = Batches.Gather<float>(train, [.. Enumerable.Range(0, 64)]);
        var x = batch.X;
        var h = d1.Forward(x, SampleShape.Features(784));
        var r = Layer.Relu().Forward(h, SampleShape.Features(128));
        var o = d2.Forward(r, SampleShape.Features(128));
        var y1 = Matrix<float>.Build.Dense(64, 128);
        var dW = Matrix<float>.Build.Dense(784, 128);
        var dy1 = Matrix<float>.Build.Random(64, 128);
        var y2 = Matrix<float>.Build.Dense(64, 10);
        var dy2 = Matrix<float>.Build.Random(64, 10);
        var dh = Matrix<float>.Build.Dense(64, 128);
        var dW2 = Matrix<float>.Build.Dense(128, 10);
        var relu = Layer.Relu();
        var p = Sequential.Of(Layer.Flatten(), d1, relu, d2).Parameters;
        var sgd = new Sgd(0.1);
        var st = sgd.Init(p);
        void Op(string name, Action a)
        {
            for (var w = 0; w < 2000; w++) a();
            var best = double.MaxValue;
            for (var round = 0; round < 7; round++)
            {
                var sw = System.Diagnostics.Stopwatch.StartNew();
                for (var i = 0; i < 1000; i++) a();
                best = Math.Min(best, sw.Elapsed.TotalMicroseconds / 1000);
            }
            Console.WriteLine($"{name,-34} {best,8:F2} µs (best of 7 rounds of 1000)");
        }
        Op("x·W1 (64×784·784×128)", () => x.Multiply(d1.Weights, y1));
        Op("d1.Forward (GEMM + bias)", () => d1.Forward(x, SampleShape.Features(784)));
        Op("relu.Forward", () => relu.Forward(h, SampleShape.Features(128)));
        Op("r·W2 (64×128·128×10)", () => r.Multiply(d2.Weights, y2));
        Op("d2.Forward", () => d2.Forward(r, SampleShape.Features(128)));
        Op("xᵀ·dy1 (784×64·64×128)", () => x.TransposeThisAndMultiply(dy1, dW));
        Op("rᵀ·dy2 (128×64·64×10)", () => r.TransposeThisAndMultiply(dy2, dW2));
        Op("dy2·W2ᵀ (64×10·10×128)", () => dy2.TransposeAndMultiply(d2.Weights, dh));
        Op("ColumnSums(dy1)", () => Kernels.ColumnSums(dy1));
        Op("softmax CE", () => Loss.SoftmaxCrossEntropy.Evaluate(o, batch.Y));
        Op("sgd.Apply", () => sgd.Apply(p, st, p));
        var model = Sequential.Of(Layer.Flatten(), d1, relu, d2);
        var traces = model.ForwardTrain(x, train.SampleShape, rng);
        var (_, dOut) = Loss.SoftmaxCrossEntropy.Evaluate(traces[^1].Output, batch.Y);
        var pool = new StepPool<float>();
        Op("model.ForwardTrain (no pool)", () => model.ForwardTrain(x, train.SampleShape, rng));
        Op("model.ForwardTrain (pool)", () => { using (pool.Enter()) model.ForwardTrain(x, train.SampleShape, rng); pool.Recycle([]); });
        Op("model.Backward (pool)", () => { using (pool.Enter()) model.Backward(traces, dOut); pool.Recycle([]); });
        Op("x·W1 (pool, fresh y)", () => { using (pool.Enter()) { var y = Kernels.Uninitialized<float>(64, 128); x.Multiply(d1.Weights, y); } pool.Recycle([]); });
        Op("gather", () => Batches.Gather<float>(train, [.. Enumerable.Range(0, 64).Select(i => (i * 97) % 6400)]));
    }

    public static void Run(string what)
    {
        if (what == "first") { First(); return; }
        if (what == "pieces") { Pieces(); return; }
        if (what == "jit") { Jit(); return; }
        if (what == "steps") { Steps(); return; }
        if (what == "leading") { Leading(); return; }
        var rng = Rng.Seeded(1);
        var model = Sequential.Of(Layer.Flatten(), Layer.Dense(784, 128, Init.He, rng), Layer.Relu(), Layer.Dense(128, 10, Init.Xavier, rng));
        var state = TrainState<float>.Create(model, new Sgd(0.1), 1);
        void Op(string name, Action a)
        {
            var warm = System.Diagnostics.Stopwatch.StartNew();
            while (warm.ElapsedMilliseconds < 500) a();   // past the tiering delay: the timed calls run tier-1 code
            var t = StepProfile.ThreadCpuNanoseconds();
            for (var i = 0; i < 100000; i++) a();
            Console.WriteLine($"{name,-30} {(StepProfile.ThreadCpuNanoseconds() - t) / 100000.0,8:F1} ns");
        }
        var p = model.Parameters;
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        Op("model.Parameters", () => _ = model.Parameters);
        Op("model.WithParameters", () => _ = model.WithParameters(p));
        Op("TensorsOf", () => _ = FitExtensions.TensorsOf(state).Count());
        Op("ParametersOf x3", () => { foreach (var l in model.Layers) _ = Sequential<float>.ParametersOf(l); });
        Op("layer.Parameters x3", () => { foreach (var l in model.Layers) _ = l.Parameters; });
        Op("IsOwn x3", () => { foreach (var l in model.Layers) _ = StepPool<float>.IsOwn(l); });
        Op("names x3", () => { foreach (var l in model.Layers) _ = l.ParameterNames; });
        Op("new Parameters", () => _ = new Parameters<float>(p.Names, p.Tensors));
        Op("p.Map", () => _ = p.Map(t => t));
        Console.WriteLine($"allocated {(GC.GetAllocatedBytesForCurrentThread() - allocated) / 1e6:F1} MB");
    }
}
