using System.Globalization;
using System.Text.Json;

namespace Nabla.Bench;

/// <summary>The comparison's Nabla side: the 784-128-10 MLP on MNIST, batch 64, SGD lr 0.1, float32; prints one JSON
/// line with each epoch's training seconds, the test accuracy, the bytes allocated per training step and the parameter
/// bytes.</summary>
static class TrainMnist
{
    public static int Run(string[] args)
    {
        string Arg(string name, string fallback) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        Backend.Use(Arg("--backend", "auto"));
        Backend.Threads = int.Parse(Arg("--threads", Backend.Threads.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
        var epochs = int.Parse(Arg("--epochs", "5"), CultureInfo.InvariantCulture);
        var (train, test) = Mnist.Load(Arg("--data", "data/mnist"));

        var rng = Rng.Seeded(int.Parse(Arg("--seed", "1"), CultureInfo.InvariantCulture));
        var model = Sequential.Of(
            Layer.Flatten(), Layer.Dense(784, 128, Init.He, rng), Layer.Relu(),
            Layer.Dense(128, 10, Init.Xavier, rng));
        var watch = new Allocations();
        var result = model.Fit(train, Loss.SoftmaxCrossEntropy, new Sgd(LearningRate: 0.1), epochs, batchSize: 64,
            validation: null, rng, observers: [watch]);
        var (_, accuracy) = result.Model.Evaluate(test, Loss.SoftmaxCrossEntropy);
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            name = $"nabla-{Backend.Current.Name}",
            backend = Backend.Description,
            epoch_seconds = result.History.Select(h => h.Seconds).ToArray(),
            loss = result.History.Select(h => h.Loss).ToArray(),
            test_accuracy = accuracy,
            allocated_bytes_per_step = watch.BytesPerStep,
            parameter_bytes = model.ParameterCount * sizeof(float),
        }));
        return 0;
    }

    /// <summary>Bytes the training thread allocates per step, averaged over the whole last epoch (its shuffle, and the
    /// new parameters that replace the ones handed to observers at the previous epoch's end, included); with one
    /// epoch, from its first step on. The JIT's first-time allocations are long done by then.</summary>
    sealed class Allocations : IFitObserver
    {
        long start, steps;
        public double BytesPerStep { get; private set; }

        public bool OnEpochEnd(EpochMetrics metrics)
        {
            (start, steps) = (GC.GetAllocatedBytesForCurrentThread(), 0);
            return true;
        }

        public void OnBatchEnd(BatchProgress progress)
        {
            if (progress.Epoch == 1 && progress.Batch == 1) (start, steps) = (GC.GetAllocatedBytesForCurrentThread(), 0);
            else steps++;
            if (progress.Batch == progress.Batches) BytesPerStep = (GC.GetAllocatedBytesForCurrentThread() - start) / (double)steps;
        }
    }
}
