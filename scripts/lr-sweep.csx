// Learning-rate sweep: trains the same MNIST MLP briefly at learning rates spread on a log scale, prints a table
// and writes lr-sweep.svg (final loss against learning rate) into the run folder.
// Run: dotnet run --project ScriptHost -c Release -- scripts/lr-sweep.csx --epochs 1 --limit 10000

var (train, test) = Mnist.Load("data/mnist", limit: Arg("limit", 10_000));
var rates = new[] { 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0 };

var rows = new List<(double Rate, double Loss, double? ValAccuracy)>();
foreach (var rate in rates)
{
    var rng = Rng.Seeded(Seed);   // same initial weights and batch order for every rate
    var model = Sequential.Of(Flatten(), Dense(784, 128, Init.He, rng), Relu(), Dense(128, 10, Init.Xavier, rng));
    try
    {
        var result = model.Fit(train, Loss.SoftmaxCrossEntropy, new Sgd(LearningRate: rate),
                               epochs: Arg("epochs", 1), batchSize: 64, validation: test, rng);
        rows.Add((rate, result.Last.Loss, result.Last.ValAccuracy));
    }
    catch (TrainingDivergedException)
    {
        rows.Add((rate, double.NaN, null));   // too high: the loss blew up
    }
}

Log("learning rate   loss      val_accuracy");
foreach (var (rate, loss, accuracy) in rows)
    Log($"{rate,13:G4}   {(double.IsNaN(loss) ? "diverged" : loss.ToString("F4")),-8}  {(accuracy is { } a ? a.ToString("P2") : "-")}");
var best = rows.Where(r => r.ValAccuracy.HasValue).MaxBy(r => r.ValAccuracy!.Value);
Log($"best learning rate {best.Rate} (val_accuracy {best.ValAccuracy:P2})");

File.WriteAllText(Path.Combine(OutDir, "lr-sweep.svg"), Chart.Line("Learning-rate sweep (MNIST MLP)", "learning rate", "final training loss",
    [new Series("loss", rows.Select(r => (r.Rate, r.Loss)).ToArray())], logX: true));
Log($"chart: {Path.Combine(OutDir, "lr-sweep.svg")}");
