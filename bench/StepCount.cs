namespace Nabla.Bench;

/// <summary>The first N of Fit's training steps on synthetic data (seeded noise shaped as MNIST: 12,800 samples of 784
/// features, 10 classes), for counting instructions with callgrind, which do not depend on the machine's load: the
/// difference between two step counts is the cost of the steps in between, start-up, data and JIT cancelled out.</summary>
static class StepCount
{
    public static void Run(int steps, IOptimizer optimizer)
    {
        var rng = Rng.Seeded(1);
        const int samples = 200 * 64;
        if (steps > 200) throw new ArgumentOutOfRangeException(nameof(steps), steps, "steps: at most 200.");
        var features = new float[samples * 784];
        for (var i = 0; i < features.Length; i++) features[i] = (float)rng.Uniform(0, 1);
        var data = Dataset.Classification("noise", features, 784, Enumerable.Range(0, samples).Select(i => i % 10).ToArray(), 10);
        var model = Sequential.Of(Layer.Dense(784, 128, Init.He, rng), Layer.Relu(), Layer.Dense(128, 10, Init.Xavier, rng));
        using var stop = new CancellationTokenSource();
        var result = model.Fit(data, Loss.SoftmaxCrossEntropy, optimizer, epochs: 1, batchSize: 64, validation: null, rng,
            observers: [new StopAfter(steps, stop)], cancellation: stop.Token);
        Console.WriteLine($"{steps} steps, loss {result.History[0].Loss:F4}");
    }

    sealed class StopAfter(int steps, CancellationTokenSource stop) : IFitObserver
    {
        public void OnBatchEnd(BatchProgress progress)
        {
            if (progress.Batch == steps) stop.Cancel();
        }
    }
}
