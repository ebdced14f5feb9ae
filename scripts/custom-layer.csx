// Define your own layer in a script and check its gradient against finite differences, as Nabla's tests do.
// Run: dotnet run --project ScriptHost -c Release -- scripts/custom-layer.csx

using System.Numerics;

// Swish (SiLU): y = x·σ(x). Its derivative: dy/dx = σ(x) + x·σ(x)·(1 − σ(x)).
// Generic in T, so the same code trains in float and is checked in double.
record Swish<T> : ILayer<T> where T : struct, IFloatingPointIeee754<T>
{
    public Matrix<T> Forward(Matrix<T> x, SampleShape input) => x.Map(v => v * Sigmoid<T>.Of(v));

    public Backprop<T> Backward(Trace<T> trace, Matrix<T> dy, bool needInputGradient = true)
    {
        var slope = trace.Input.Map(v =>
        {
            var s = Sigmoid<T>.Of(v);
            return s + v * s * (T.One - s);
        });
        return new(NoGradient<T>.Instance, needInputGradient ? dy.PointwiseMultiply(slope) : null);
    }

    public override string ToString() => "Swish";
}

var rng = Rng.Seeded(Seed);
var x = Matrix<double>.Build.Dense(4, 5, (i, j) => rng.Uniform(-3, 3));
var check = GradientCheck.Layer(new Swish<double>(), x, rng);
Log($"Swish gradient check: {check}");
if (!check.Passed(1e-6)) return 1;

// And it trains like any built-in layer.
var (train, test) = Mnist.Load("data/mnist", limit: Arg("limit", 10_000));
var model = Sequential.Of(Flatten(), Dense(784, 64, Init.He, rng), new Swish<float>(), Dense(64, 10, Init.Xavier, rng));
var result = model.Fit(train, Loss.SoftmaxCrossEntropy, new Sgd(LearningRate: 0.1),
                       epochs: Arg("epochs", 1), batchSize: 32, validation: test, rng);
Log($"MLP with Swish: test accuracy {result.Last.ValAccuracy:P2}");
return 0;
