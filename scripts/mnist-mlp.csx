// MNIST with a 784-128-10 MLP: ReLU, softmax cross-entropy, plain SGD.
// Run: dotnet run --project ScriptHost -c Release -- scripts/mnist-mlp.csx --epochs 5
// Arguments: --epochs, --batch, --lr, --limit N (train on the first N images).
var rng = Rng.Seeded(Seed);
var (train, test) = Mnist.Load("data/mnist", limit: Arg("limit", 60_000));
Log(train);

var model = Sequential.Of(
    Dense(784, 128, Init.He, rng), Relu(),
    Dense(128, 10, Init.Xavier, rng));
Log(model.Summary(784));

var result = model.Fit(train, Loss.SoftmaxCrossEntropy, new Sgd(LearningRate: Arg("lr", 0.1)),
                       epochs: Arg("epochs", 5), batchSize: Arg("batch", 32), validation: test, rng,
                       cancellation: CancellationToken);
var (testLoss, testAccuracy) = result.Model.Evaluate(test, Loss.SoftmaxCrossEntropy);   // also right after a Ctrl+C
Log($"test accuracy {100 * testAccuracy:F2}%, test loss {testLoss:F4}");
