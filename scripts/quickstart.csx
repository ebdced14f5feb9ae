// A 784-128-10 network learns to read handwritten digits (MNIST, which ships with Nabla).
var rng = Rng.Seeded(Seed);
var (train, test) = Mnist.Load();

var model = Sequential.Of(
    Flatten(), Dense(784, 128, Init.He, rng), Relu(),
    Dense(128, 10, Init.Xavier, rng));

var result = model.Fit(train, Loss.SoftmaxCrossEntropy, new Sgd(LearningRate: 0.1),
                       epochs: Arg("epochs", 3), batchSize: 32, validation: test, rng, cancellation: CancellationToken);

var digits = result.Model.PredictClasses(test.Take(10), Loss.SoftmaxCrossEntropy);
Log($"first test digits: predicted {string.Join(" ", digits)}, labels {string.Join(" ", test.Labels!.Take(10))}");

var evaluation = result.Model.Evaluate(test, Loss.SoftmaxCrossEntropy);   // also drawn in the run's report.html
Log(evaluation.Classification!.Report);                                    // precision, recall and F1 of each digit
Log($"test accuracy {100 * evaluation.Accuracy:F2}%");
result.Model.Save(Path.Combine(OutDir, "model.safetensors"));             // nabla predict / nabla export read it
