// The run tests/resume/kill-resume.sh kills and resumes: small enough for seconds, with every part of the state a
// resume must restore (Adam's moments on a cosine schedule, dropout's step randomness, L2, early stopping's best model).
var rng = Rng.Seeded(Seed);
var (train, test) = Mnist.Load(limit: Arg("limit", 3000));
var model = Sequential.Of(
    Flatten(), Dense(784, 64, Init.He, rng) with { WeightRegularizer = Regularizer.L2(1e-4) }, Relu(), Dropout(0.2),
    Dense(64, 10, Init.Xavier, rng));
var epochs = Arg("epochs", 8);
var result = model.Fit(train, Loss.SoftmaxCrossEntropy, new Adam(new CosineDecay(2e-3, DecaySteps: epochs * 3000 / 32, WarmupSteps: 20)),
                       epochs, batchSize: 32, validation: test, rng, cancellation: CancellationToken,
                       earlyStopping: new EarlyStopping("val_loss", Patience: 100));
result.Model.Save(Path.Combine(OutDir, "model.safetensors"));
Log($"val_accuracy {100 * result.Last.ValAccuracy:F2}%");
