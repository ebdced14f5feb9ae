// MNIST with a LeNet-style CNN: two 5×5 convolutions, each with batch norm, ReLU and 2×2 max pooling, then a 128-unit
// dense layer with dropout; the training images are shifted by up to 2 pixels, afresh each epoch. 5,000 training images
// are held out for validation; the test set is evaluated once, at the end.
// Run: dotnet run --project ScriptHost -c Release -- scripts/mnist-cnn.csx
// Arguments: --epochs, --batch, --lr (Adam's first rate, decayed along a half cosine to 0 by the last step),
// --shift (the augmentation's largest shift in pixels; 0 turns it off), --limit N (the first N training images),
// --data (an MNIST-format folder).
// Measured on 2 cores (Xeon, OpenBLAS backend, the default), the whole command: test accuracy 99.50%, 99.44% and 99.49%
// with --seed 1, 2 and 3, in 115 s, 137 s and 103 s of wall time.
var rng = Rng.Seeded(Seed);
var (full, test) = Mnist.Load(Arg("data", "data/mnist"), limit: Arg("limit", 60_000));
var (train, validation) = full.Split(1.0 / 12, rng);   // 55,000 to train on, 5,000 to watch
Log(train);

var model = Sequential.Of(
    Conv2D(1, 32, 5, rng), BatchNorm(32), Relu(), MaxPool2D(2),    // 32 × 12 × 12
    Conv2D(32, 64, 5, rng), BatchNorm(64), Relu(), MaxPool2D(2),   // 64 × 4 × 4
    Flatten(), Dense(1024, 128, Init.He, rng), Relu(), Dropout(0.3),
    Dense(128, 10, Init.Xavier, rng));
Log(model.Summary(train.SampleShape));

var (epochs, batch, shift) = (Arg("epochs", 8), Arg("batch", 64), Arg("shift", 2));
var optimizer = new Adam(new CosineDecay(Arg("lr", 2e-3), DecaySteps: epochs * Batches.Count(train.Count, batch)));
var result = model.Fit(train, Loss.SoftmaxCrossEntropy, optimizer, epochs, batch, validation, rng,
                       cancellation: CancellationToken, augmentation: shift > 0 ? new RandomTranslation(shift) : null);
var (testLoss, testAccuracy) = result.Model.Evaluate(test, Loss.SoftmaxCrossEntropy);   // once, with the last epoch's model
Log($"test accuracy {100 * testAccuracy:F2}%, test loss {testLoss:F4}");
