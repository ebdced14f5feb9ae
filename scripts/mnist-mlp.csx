// MNIST with a 784-128-10 MLP. Run: dotnet run --project ScriptHost -c Release -- scripts/mnist-mlp.csx --epochs 5
var rng = Rng.Seeded(Seed);
var (train, test) = Mnist.Load("data/mnist", limit: Arg("limit", 60_000));

var model = Sequential.Of(
    Dense(784, 128, Init.He, rng), Relu(),
    Dense(128, 10, Init.Xavier, rng));
Log(model.Summary(784));

var result = model.Fit(train, Loss.SoftmaxCrossEntropy, new Sgd(LearningRate: Arg("lr", 0.1)),
                       epochs: Arg("epochs", 5), batchSize: Arg("batch", 64), validation: test, rng);
foreach (var epoch in result.History)
    Log($"epoch {epoch.Epoch}: loss {epoch.Loss:F4}, accuracy {epoch.Accuracy:P2}, val_loss {epoch.ValLoss:F4}, val_accuracy {epoch.ValAccuracy:P2}, {epoch.Seconds:F1}s");
Log($"test accuracy {result.Last.ValAccuracy:P2}");
