// Binary classification: MNIST zeros against ones, with a sigmoid output and binary cross-entropy (Keras's
// Dense(1, activation="sigmoid") with loss="binary_crossentropy"). Loss.SigmoidBinaryCrossEntropy is the fused,
// more stable form that takes logits instead.
// Run: dotnet run --project ScriptHost -c Release -- scripts/binary.csx --epochs 2
var rng = Rng.Seeded(Seed);
var (digits, digitsTest) = Mnist.Load("data/mnist", limit: Arg("limit", 60_000));

// Keeps the zeros and ones, as one 0/1 target column.
Dataset ZerosAndOnes(Dataset data)
{
    var kept = data.Subset(Enumerable.Range(0, data.Count).Where(i => data.Labels![i] <= 1).ToArray());
    return Dataset.Classification($"{data.Name} (0 or 1)", kept.Features, kept.FeatureCount, kept.Labels!, classes: 2, binary: true);
}
var (train, test) = (ZerosAndOnes(digits), ZerosAndOnes(digitsTest));
Log(train);

var model = Sequential.Of(
    Dense(784, 32, Init.He, rng), Relu(),
    Dense(32, 1, Init.Xavier, rng), Sigmoid());

var result = model.Fit(train, Loss.BinaryCrossEntropy, new Sgd(LearningRate: Arg("lr", 0.05)),
                       epochs: Arg("epochs", 2), batchSize: Arg("batch", 32), validation: test, rng,
                       cancellation: CancellationToken);
var wrong = test.Count - (int)Math.Round(result.Last.ValAccuracy!.Value * test.Count);
Log($"test accuracy {100 * result.Last.ValAccuracy:F2}% ({wrong} of {test.Count} test images wrong)");
