// Regression: a 1-64-64-1 network fits a noisy sine curve with a Linear output and mean squared error. As in the
// NNFS book, "accuracy" counts predictions within a tolerance of the target (here the noise level, --tolerance).
// Run: dotnet run --project ScriptHost -c Release -- scripts/regression.csx --epochs 100
var rng = Rng.Seeded(Seed);
var noise = Arg("noise", 0.05);

// y = sin(2πx) + noise, x in [0, 1): a curve no straight line fits.
Dataset Curve(string name, int count)
{
    var xs = Enumerable.Range(0, count).Select(_ => (float)rng.Uniform(0, 1)).ToArray();
    var ys = xs.Select(x => (float)(Math.Sin(2 * Math.PI * x) + noise * rng.Normal())).ToArray();
    return Dataset.Regression(name, xs, 1, ys, 1);
}
var (train, test) = (Curve("sine train", 1000), Curve("sine test", 200));

var model = Sequential.Of(
    Dense(1, 64, Init.He, rng), Relu(),
    Dense(64, 64, Init.He, rng), Relu(),
    Dense(64, 1, Init.Xavier, rng), Linear());

var result = model.Fit(train, Loss.Mse, new Sgd(LearningRate: Arg("lr", 0.05)),
                       epochs: Arg("epochs", 100), batchSize: Arg("batch", 16), validation: test, rng,
                       cancellation: CancellationToken);

var tolerance = Arg("tolerance", 2 * noise);
var evaluation = result.Model.Evaluate(test, Loss.Mse, tolerance: tolerance);   // MAE, RMSE, R²; also in report.html
var r = evaluation.Regression!;
Log($"test mse {evaluation.Loss:F4}, R² {r.R2:F3}; accuracy within ±{tolerance:G3}: {100 * r.WithinTolerance:F1}%");
