// Train, save, load, predict: the full round trip. Trains the MNIST MLP, saves it as a safetensors file in the run
// folder, loads it back, predicts the test set and prints the confusion matrix and the loss/accuracy charts.
// Run: dotnet run --project ScriptHost -c Release -- scripts/train-save-predict.csx --epochs 3
// Fashion-MNIST: add --data data/fashion-mnist

var rng = Rng.Seeded(Seed);
var (train, test) = Mnist.Load(Arg("data", "data/mnist"), limit: Arg("limit", 60_000));

var model = Sequential.Of(
    Flatten(), Dense(784, 128, Init.He, rng), Relu(),
    Dense(128, 10, Init.Xavier, rng));
var result = model.Fit(train, Loss.SoftmaxCrossEntropy, new Sgd(LearningRate: 0.1),
                       epochs: Arg("epochs", 3), batchSize: 32, validation: test, rng);

var path = Path.Combine(OutDir, "model.safetensors");
result.Model.Save(path);
var loaded = ModelFile.Load<float>(path);

var predicted = loaded.PredictClasses(test, Loss.SoftmaxCrossEntropy);
var accuracy = predicted.Zip(test.Labels!).Count(p => p.First == p.Second) / (double)test.Count;
Log($"saved {path}; the loaded model scores {accuracy:P2} on {test.Count} test images");
Log(ConfusionMatrixText.Format(ConfusionMatrix.Of(test.Labels!, predicted, 10)));
foreach (var chart in TrainingCharts.Write(result.History, OutDir)) Log($"chart: {chart}");
