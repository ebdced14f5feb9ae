namespace Nabla.Tests.Models;

public class SequentialTests
{
    static Sequential<double> Mlp(Rng rng) => Sequential.Of<double>(
        Layer<double>.Dense(5, 4, Init.He, rng), new Tanh<double>(),
        Layer<double>.Dense(4, 3, Init.Xavier, rng));

    [Fact]
    public void Backward_through_the_stack_matches_central_differences()
    {
        var rng = new Rng(11);
        var model = Mlp(rng);
        var x = TestSupport.Random(rng, 6, 5);
        var target = Matrix<double>.Build.Dense(6, 3, (i, j) => (i + j) % 3 == 0 ? 1 : 0);
        var loss = Loss.SoftmaxCrossEntropy;
        var traces = model.ForwardTrain(x, rng);
        var gradients = model.Backward(traces, loss.Evaluate(traces[^1].Output, target).Gradient);
        for (var p = 0; p < gradients.Count; p++)
        {
            var index = p;
            var numeric = GradientCheck.Numeric(model.Parameters[p], m =>
            {
                var list = model.Parameters.Tensors.SetItem(index, m);
                return loss.Evaluate(model.WithParameters(new(list)).Forward(x), target).Value;
            });
            Assert.True(GradientCheck.Compare(gradients[p], numeric) < 1e-7, $"parameter {p}");
        }
    }

    [Fact]
    public void Shape_mismatch_names_the_layer_and_both_shapes()
    {
        var model = Mlp(new Rng(1));
        var e = Assert.Throws<ShapeException>(() => model.Forward(Matrix<double>.Build.Dense(64, 7)));
        Assert.Contains("layer 0 of 3", e.Message);
        Assert.Contains("Dense(5 → 4)", e.Message);
        Assert.Contains("5 columns", e.Message);
        Assert.Contains("64×7", e.Message);

        var broken = Sequential.Of<double>(Layer<double>.Dense(5, 4, new Rng(1)), Layer<double>.Dense(3, 2, new Rng(1)));
        var inner = Assert.Throws<ShapeException>(() => broken.Forward(Matrix<double>.Build.Dense(2, 5)));
        Assert.Contains("layer 1 of 2, Dense(3 → 2)", inner.Message);
        Assert.Contains("2×4", inner.Message);
        Assert.Contains("Dense(3 → 2) expects 3 input columns, but the previous layer gives 4",
            Assert.Throws<ShapeException>(() => broken.Summary(5)).Message);
    }

    [Fact]
    public void Loss_shape_mismatch_names_both_shapes()
    {
        var e = Assert.Throws<ShapeException>(() => Loss.Mse.Evaluate(Matrix<double>.Build.Dense(4, 3), Matrix<double>.Build.Dense(4, 2)));
        Assert.Contains("mse", e.Message);
        Assert.Contains("4×3", e.Message);
        Assert.Contains("4×2", e.Message);
    }

    [Fact]
    public void Summary_lists_layers_shapes_and_parameter_counts()
    {
        var rng = new Rng(1);
        var model = Sequential.Of(Layer.Dense(784, 128, Init.He, rng), Layer.Relu(), Layer.Dense(128, 10, rng));
        var summary = model.Summary(784);
        Assert.Contains("Dense(784 → 128)", summary);
        Assert.Contains("(batch, 128)", summary);
        Assert.Contains("100,480", summary);
        Assert.Contains("1,290", summary);
        Assert.Contains("Total params: 101,770", summary);
        Assert.Equal(101_770, model.ParameterCount);
    }

    [Fact]
    public void Parameters_round_trip_through_WithParameters()
    {
        var model = Mlp(new Rng(2));
        var doubled = model.WithParameters(model.Parameters.Map(t => t * 2.0));
        Assert.Equal(4, doubled.Parameters.Count);
        Assert.Equal(model.Parameters[0] * 2.0, doubled.Parameters[0]);
        Assert.Equal(model.Layers[1], doubled.Layers[1]);
    }

    sealed record Spy(List<bool> Asked) : ILayer<double>
    {
        public Matrix<double> Forward(Matrix<double> x) => x;
        public Backprop<double> Backward(Trace<double> trace, Matrix<double> dy, bool needInputGradient = true)
        {
            Asked.Add(needInputGradient);
            return new(NoGradient<double>.Instance, needInputGradient ? dy : null);
        }
    }

    [Fact]
    public void The_first_layer_is_not_asked_for_an_input_gradient()
    {
        var asked = new List<bool>();
        var model = Sequential.Of<double>(new Spy(asked), Layer<double>.Dense(2, 2, new Rng(1)), new Spy(asked));
        var x = Matrix<double>.Build.Dense(3, 2, 1.0);
        model.Backward(model.ForwardTrain(x, new Rng(1)), Matrix<double>.Build.Dense(3, 2, 1.0));
        Assert.Equal([true, false], asked);   // last layer first; the first layer last, and not asked
    }
}
