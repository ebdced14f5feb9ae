using System.Globalization;
using System.Text.Json;

namespace Nabla.Bench;

/// <summary>The comparison's Nabla side, on MNIST in float32, batch 64 (bench/peers/mnist_torch.py builds the same models):
/// <c>--model mlp</c> (784-128-10, SGD lr 0.1), <c>tiny</c> (conv 1→8 3×3, ReLU, max-pool 2, flatten, dense 1352→10) or
/// <c>lenet</c> (conv 1→32 5×5, ReLU, max-pool 2, conv 32→64 5×5, ReLU, max-pool 2, flatten, dense 1024→128, ReLU,
/// dense 128→10), the CNNs with SGD momentum 0.9, lr 0.01; <c>--limit N</c> trains on the first N images. Prints one JSON
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
        var name = Arg("--model", "mlp");
        var (train, test) = Mnist.Load(Arg("--data", "data/mnist"), limit: int.Parse(Arg("--limit", "60000"), CultureInfo.InvariantCulture));

        var rng = Rng.Seeded(int.Parse(Arg("--seed", "1"), CultureInfo.InvariantCulture));
        var (model, optimizer) = Model(name, rng);
        using var sampler = args.Contains("--allocations") ? new AllocationSampler() : null;
        var watch = new Allocations(sampler);
        var result = model.Fit(train, Loss.SoftmaxCrossEntropy, optimizer, epochs, batchSize: 64,
            validation: null, rng, observers: [watch]);
        sampler?.Stop();
        var (_, accuracy) = result.Model.Evaluate(test, Loss.SoftmaxCrossEntropy);
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            name = name == "mlp" ? $"nabla-{Backend.Current.Name}" : $"nabla-{Backend.Current.Name}-{name}",
            model = name,
            backend = Backend.Description,
            epoch_seconds = result.History.Select(h => h.Seconds).ToArray(),
            loss = result.History.Select(h => h.Loss).ToArray(),
            test_accuracy = accuracy,
            allocated_bytes_per_step = watch.BytesPerStep,
            parameter_bytes = model.ParameterCount * sizeof(float),
            jit_profile = JitProfile.Replaying,   // false: the first run of this command, the JIT all on the main thread
        }));
        sampler?.Print(Console.Error);
        return 0;
    }

    /// <summary>The benchmark's models, as the issues define them (and mnist_torch.py mirrors them).</summary>
    internal static (Sequential<float> Model, IOptimizer Optimizer) Model(string name, Rng rng) => name switch
    {
        "mlp" => (Sequential.Of(
            Layer.Flatten(), Layer.Dense(784, 128, Init.He, rng), Layer.Relu(),
            Layer.Dense(128, 10, Init.Xavier, rng)), new Sgd(LearningRate: 0.1)),
        "tiny" => (Sequential.Of(
            Layer.Conv2D(1, 8, 3, rng), Layer.Relu(), Layer.MaxPool2D(2),
            Layer.Flatten(), Layer.Dense(1352, 10, Init.Xavier, rng)), new Sgd(0.01, Momentum: 0.9)),
        "lenet" => (Sequential.Of(
            Layer.Conv2D(1, 32, 5, rng), Layer.Relu(), Layer.MaxPool2D(2),
            Layer.Conv2D(32, 64, 5, rng), Layer.Relu(), Layer.MaxPool2D(2),
            Layer.Flatten(), Layer.Dense(1024, 128, Init.He, rng), Layer.Relu(),
            Layer.Dense(128, 10, Init.Xavier, rng)), new Sgd(0.01, Momentum: 0.9)),
        _ => throw new ArgumentException($"--model {name}: expected mlp, tiny or lenet."),
    };

    /// <summary>Bytes the training thread allocates per step, averaged over the whole last epoch (its shuffle, and the
    /// new parameters that replace the ones handed to observers at the previous epoch's end, included); with one
    /// epoch, from its first step on. The JIT's first-time allocations are long done by then.</summary>
    sealed class Allocations(AllocationSampler? sampler) : IFitObserver
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
            if (progress.Epoch == 1 && progress.Batch == 50) sampler?.Start();   // after the first steps' one-time allocations
            else steps++;
            if (progress.Batch == progress.Batches) BytesPerStep = (GC.GetAllocatedBytesForCurrentThread() - start) / (double)steps;
        }
    }
}
