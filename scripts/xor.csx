// XOR, the classic problem no linear model solves: a 2-8-1 tanh network learns it in a loop of the pure training step
// (Train.Step: forward, loss, backward, update, apply; it returns a new state and changes nothing).
// Run: dotnet run --project ScriptHost -c Release -- scripts/xor.csx --steps 2000 --lr 0.5
var rng = Rng.Seeded(Seed);
var x = Kernels.FromRowMajor<float>(4, 2, [0, 0, 0, 1, 1, 0, 1, 1]);
var y = Kernels.FromRowMajor<float>(4, 1, [0, 1, 1, 0]);
int[] labels = [0, 1, 1, 0];

var model = Sequential.Of(
    Dense(2, 8, Init.Xavier, rng), Tanh(),
    Dense(8, 1, Init.Xavier, rng));               // one logit: sigmoid and binary cross-entropy are fused in the loss
var loss = Loss.SigmoidBinaryCrossEntropy;

var state = TrainState<float>.Create(model, new Sgd(LearningRate: Arg("lr", 0.5)));
var steps = Arg("steps", 2000);
for (var step = 1; step <= steps && !CancellationToken.IsCancellationRequested; step++)
{
    (state, var value) = Train.Step(state, x, y, loss);
    if (step % Math.Max(1, steps / 5) == 0) Log($"step {step}: loss {value:F4}");
}

var probabilities = state.Model.Predict(x, loss);
for (var i = 0; i < 4; i++) Log($"{x[i, 0]} xor {x[i, 1]} = {labels[i]}: predicted {probabilities[i, 0]:F3}");
Log($"accuracy {100 * Metrics.Accuracy(probabilities, labels):F0}%");
