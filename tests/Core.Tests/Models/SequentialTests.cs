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
        Assert.Contains("Dense(3 → 2) expects 3 input features, but its input has 4: make it Dense(4, 2)",
            Assert.Throws<ShapeException>(() => broken.Summary(SampleShape.Features(5))).Message);
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
        var summary = model.Summary(SampleShape.Features(784));
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

    [Fact]
    public void WithParameters_refuses_a_wrong_shape_and_a_wrong_count_naming_the_tensor()
    {
        var model = Mlp(new Rng(2));
        var p = model.Parameters;
        var wrong = p.Tensors.SetItem(2, Matrix<double>.Build.Dense(p[2].ColumnCount, p[2].RowCount));
        Assert.Contains("tensor 2.weight", Assert.Throws<ShapeException>(() => model.WithParameters(new(p.Names, wrong))).Message);
        Assert.Contains("expected 4 tensors, got 3", Assert.Throws<ShapeException>(() => model.WithParameters(new(p.Names[..3], p.Tensors[..3]))).Message);
        Assert.Contains("expected 4 tensors, got 5",
            Assert.Throws<ShapeException>(() => model.WithParameters(new([.. p.Names, "extra"], [.. p.Tensors, p[0]]))).Message);
    }

    sealed record Spy(List<bool> Asked) : ILayer<double>
    {
        public Matrix<double> Forward(Matrix<double> x, SampleShape input) => x;
        public Backprop<double> Backward(Trace<double> trace, Matrix<double> dy, bool needInputGradient = true)
        {
            Asked.Add(needInputGradient);
            return new(NoGradient<double>.Instance, needInputGradient ? dy : null);
        }
    }

    /// <summary>A <see cref="Spy"/> with a parameter (its gradient: dy's column sums, 1 × 2).</summary>
    sealed record ParameterSpy(List<bool> Asked, Matrix<double> W) : ILayer<double>
    {
        public Matrix<double> Forward(Matrix<double> x, SampleShape input) => x;
        public Backprop<double> Backward(Trace<double> trace, Matrix<double> dy, bool needInputGradient = true)
        {
            Asked.Add(needInputGradient);
            return new(new SpyGradient([Kernels.ColumnSums(dy)]), needInputGradient ? dy : null);
        }
        public IReadOnlyList<Matrix<double>> Parameters => [W];
        public ILayer<double> WithParameters(IReadOnlyList<Matrix<double>> parameters) => this with { W = parameters[0] };
    }

    sealed record SpyGradient(IReadOnlyList<Matrix<double>> Tensors) : IGradient<double>;

    [Theory]   // which layers backward runs (last first) and whether each is asked for dx: it stops at the lowest layer
    [InlineData("p s s", "true true false")]   // with parameters, not asked; parameter-free layers below it (Flatten
    [InlineData("s p s", "true false")]        // before the first Dense) are not run at all
    [InlineData("s s p s", "true false")]
    [InlineData("p s p", "true true false")]
    [InlineData("s s", "false")]               // no parameters anywhere: the last layer only, not asked
    public void Backward_stops_at_the_lowest_layer_with_parameters(string layers, string expected)
    {
        var asked = new List<bool>();
        var model = Sequential.Of<double>([.. layers.Split(' ').Select(l => l == "p" ? (ILayer<double>)new ParameterSpy(asked, Matrix<double>.Build.Dense(1, 2)) : new Spy(asked))]);
        var x = Matrix<double>.Build.Dense(3, 2, 1.0);
        var gradients = model.Backward(model.ForwardTrain(x, new Rng(1)), Matrix<double>.Build.Dense(3, 2, 1.0));
        Assert.Equal(expected.Split(' ').Select(bool.Parse), asked);
        Assert.Equal(model.Parameters.Names.ToArray(), gradients.Names.ToArray());
        Assert.All(gradients.Tensors, g => Assert.Equal(3.0, g[0, 0]));   // Σ over the 3 rows of dy = 1
    }

    /// <summary>A layer with state: it counts the samples it trained on (state "seen"), and at inference adds the count
    /// to its input, so a test sees the state used and updated.</summary>
    sealed record Counting(Matrix<double> Seen) : ILayer<double>
    {
        public Matrix<double> Forward(Matrix<double> x, SampleShape input) => x + Seen[0, 0];
        public Trace<double> ForwardTrain(Matrix<double> x, SampleShape input, Rng rng) =>
            new(x, input, x) { State = [Matrix<double>.Build.Dense(1, 1, Seen[0, 0] + x.RowCount)] };
        public Backprop<double> Backward(Trace<double> trace, Matrix<double> dy, bool needInputGradient = true) =>
            new(NoGradient<double>.Instance, needInputGradient ? dy : null);
        public IReadOnlyList<Matrix<double>> State => [Seen];
        public IReadOnlyList<string> StateNames => ["seen"];
        public ILayer<double> WithState(IReadOnlyList<Matrix<double>> state) => new Counting(state[0]);
    }

    [Fact]
    public void A_training_step_returns_the_layers_new_state_in_the_new_model_and_changes_nothing_else()
    {
        var model = Sequential.Of<double>(Layer<double>.Dense(3, 2, new Rng(1)), new Counting(Matrix<double>.Build.Dense(1, 1)));
        Assert.Equal(["1.seen"], model.State.Names.ToArray());
        var state = TrainState<double>.Create(model, new Sgd(0.1));
        var x = TestSupport.Random(new Rng(2), 5, 3);
        var y = TestSupport.Random(new Rng(3), 5, 2);

        var (after, _) = Train.Step(state, x, y, Loss.Mse);
        var (twice, _) = Train.Step(after, x, y, Loss.Mse);

        Assert.Equal(0, model.State["1.seen"][0, 0]);                      // the model given is untouched
        Assert.Equal(5, after.Model.State["1.seen"][0, 0]);
        Assert.Equal(10, twice.Model.State["1.seen"][0, 0]);
        Assert.NotEqual(model.Parameters[0], after.Model.Parameters[0]);    // parameters updated as well
        // Inference reads the state: the output moves by the count.
        TestSupport.AssertClose(model.Forward(x) + 5, after.Model.WithParameters(model.Parameters).Forward(x), 1e-15, "y + seen");
        // WithState puts a state list back by name.
        Assert.Equal(10, model.WithState(twice.Model.State).State["1.seen"][0, 0]);
    }

    [Fact]
    public void An_input_shape_is_checked_against_the_layers_when_given()
    {
        var rng = new Rng(1);
        var e = Assert.Throws<ShapeException>(() => Sequential.Of(SampleShape.Image(1, 28, 28), Layer.Dense(784, 10, rng)));
        Assert.Contains("layer 0 of 1, Dense(784 → 10)", e.Message);
        Assert.Contains("(1, 28, 28)", e.Message);
        Assert.Contains("did you forget Flatten()?", e.Message);
        var mlp = Sequential.Of(SampleShape.Features(784), Layer.Dense(784, 10, rng));
        Assert.Equal(SampleShape.Features(10), mlp.OutputShape(mlp.InputShape!.Value));
        Assert.Contains("input (batch, 784)", mlp.Summary());
    }

    [Fact]
    public void Summary_without_a_known_input_shape_says_how_to_give_one()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Mlp(new Rng(1)).Summary());
        Assert.Contains("model.Summary(train.SampleShape)", e.Message);
    }

    [Fact]
    public void A_trace_keeps_tensors_by_name_and_a_missing_name_lists_the_saved_ones()
    {
        var m = Matrix<double>.Build.Dense(2, 3);
        var trace = new Trace<double>(m, SampleShape.Features(3), m).With("mask", m).With("scale", m);
        Assert.Same(m, trace["scale"]);
        Assert.Equal(["mask", "scale"], trace.SavedNames);
        var e = Assert.Throws<KeyNotFoundException>(() => trace["xhat"]);
        Assert.Contains("\"xhat\"", e.Message);
        Assert.Contains("mask, scale", e.Message);
        Assert.Throws<ArgumentException>(() => trace.With("mask", m));
    }
}
