// The same MNIST MLP (784-256-128-10, same initial weights, same batches) trained with each optimizer; prints a comparison.
// Run: dotnet run --project ScriptHost -c Release -- scripts/optimizers.csx --epochs 3
//      add --only adam (a name from the table, comma-separated) to run some of them, --limit 10000 for a quick look.
var (train, test) = Mnist.Load("data/mnist", limit: Arg("limit", 60_000));
var epochs = Arg("epochs", 3);
var batch = Arg("batch", 64);
var stepsPerEpoch = (train.Count + batch - 1) / batch;

var optimizers = new (string Name, IOptimizer Optimizer)[]
{
    ("sgd", new Sgd(0.1)),
    ("sgd_inverse_time", new Sgd(new InverseTimeDecay(0.2, DecayRate: 1e-3))),   // NNFS: lr / (1 + decay·t)
    ("momentum", new Sgd(0.01, Momentum: 0.9)),
    ("nesterov", new Sgd(0.01, Momentum: 0.9, Nesterov: true)),
    ("adagrad", new Adagrad(0.01)),
    ("rmsprop", new RmsProp(1e-3)),
    ("adam", new Adam(1e-3)),
    ("adamw", new AdamW(1e-3, WeightDecay: 0.01)),
    ("clip_adam_cosine", new Chain(new ClipByGlobalNorm(1.0),
        new Adam(new CosineDecay(2e-3, DecaySteps: epochs * stepsPerEpoch, WarmupSteps: stepsPerEpoch / 10)))),
};
var only = Arg("only", "").Split(',', StringSplitOptions.RemoveEmptyEntries);

var rows = new List<(string Name, EpochMetrics Last, double Seconds)>();
foreach (var (name, optimizer) in optimizers)
{
    if (only.Length > 0 && !only.Contains(name)) continue;
    var rng = Rng.Seeded(Seed);   // the same weights and the same shuffles for every optimizer
    var model = Sequential.Of(
        Flatten(), Dense(784, 256, Init.He, rng), Relu(),
        Dense(256, 128, Init.He, rng), Relu(),
        Dense(128, 10, Init.Xavier, rng));
    var result = model.Fit(train, Loss.SoftmaxCrossEntropy, optimizer, epochs, batch, validation: test, rng);
    var seconds = result.History.Sum(e => e.Seconds);
    rows.Add((name, result.Last, seconds));
    Log($"{name}: val_accuracy {result.Last.ValAccuracy:P2}, loss {result.Last.Loss:F4}, val_loss {result.Last.ValLoss:F4}, " +
        $"learning_rate {result.Last.LearningRate:G3}, {seconds:F1}s  ({optimizer})");
}

Log("");
Log($"MNIST 784-256-128-10, {epochs} epochs, batch {batch}, {train.Count:N0} training images, validation on {test.Count:N0} test images");
Log($"{"optimizer",-18}{"val_accuracy",13}{"loss",9}{"val_loss",10}{"final lr",11}{"seconds",9}");
foreach (var (name, last, seconds) in rows.OrderByDescending(r => r.Last.ValAccuracy))
    Log($"{name,-18}{last.ValAccuracy,13:P2}{last.Loss,9:F4}{last.ValLoss,10:F4}{last.LearningRate,11:G3}{seconds,9:F1}");
