namespace Nabla.Tests.Layers;

/// <summary>L1/L2 penalties: the formula against PyTorch, the gradient against central differences, and training's use of both.</summary>
public class RegularizerTests
{
    [Fact]
    public void Penalty_and_gradient_match_pytorch()
    {
        var c = Golden.Golden.Cases("losses.json").Single(c => c.GetProperty("op").GetString() == "l1_l2_penalty");
        var hyper = c.GetProperty("params");
        var regularizer = new L1L2(hyper.GetProperty("l1").GetDouble(), hyper.GetProperty("l2").GetDouble());
        // Element-wise, so PyTorch's (out, in) layout needs no transpose.
        var w = Golden.Golden.Matrix(c.GetProperty("weight"));
        TestSupport.AssertClose(c.GetProperty("loss").GetDouble(), regularizer.Penalty(w), 1e-9, "l1·Σ|w| + l2·Σw²");
        TestSupport.AssertClose(Golden.Golden.Matrix(c.GetProperty("weight_grad")), regularizer.Gradient(w), 1e-9, "l1·sign(w) + 2·l2·w");
    }

    [Fact]
    public void Gradient_matches_central_differences()
    {
        Check.One(TestSupport.Properties(), Prop.ForAll(MatrixCase.Arbitrary(), c =>
        {
            var rng = c.Rng();
            var regularizer = new L1L2(rng.Uniform(0, 1), rng.Uniform(0, 1));
            // |w| ≥ 1e-3, far from L1's kink at 0 compared with the 1e-6 step.
            var w = TestSupport.Random(rng, c.Rows, c.Columns).Map(v => Math.CopySign(1e-3 + Math.Abs(v), v));
            var error = GradientCheck.Compare(regularizer.Gradient(w), GradientCheck.Numeric(w, regularizer.Penalty));
            return (error < 1e-8).Label($"{regularizer} on {c}: relative error {error:E2}");
        }));
    }

    static Sequential<double> RegularizedModel(Rng rng) => Sequential.Of<double>(
        Layer<double>.Dense(3, 4, rng) with { WeightRegularizer = Regularizer.L1L2(0.05, 0.1), BiasRegularizer = Regularizer.L2(0.2) },
        new Tanh<double>(),
        Layer<double>.Dense(4, 2, rng) with { WeightRegularizer = Regularizer.L1(0.03) });

    [Fact]
    public void A_training_step_reports_and_descends_loss_plus_penalty()
    {
        Check.One(TestSupport.Properties(30), Prop.ForAll(MatrixCase.Arbitrary(), c =>
        {
            var rng = c.Rng();
            var model = RegularizedModel(rng);
            var biased = (Dense<double>)model.Layers[0] with { Bias = TestSupport.Random(rng, 1, 4) };   // a non-zero bias to penalize
            model = model with { Layers = model.Layers.SetItem(0, biased) };
            var x = TestSupport.Random(rng, c.Rows, 3);
            var y = TestSupport.Random(rng, c.Rows, 2);
            double Objective(Sequential<double> m) => Loss.Mse.Evaluate(m.Forward(x), y).Value + m.Penalty();

            // SGD with lr = 1 makes Δ = −∇J, so the step's update is the gradient training used.
            var (next, reported) = Train.Step(TrainState<double>.Create(model, new Sgd(1.0)), x, y, Loss.Mse);
            TestSupport.AssertClose(Objective(model), reported, 1e-12, "reported loss = loss + penalty");
            var parameters = model.Parameters;
            for (var p = 0; p < parameters.Count; p++)
            {
                var index = p;
                var numeric = GradientCheck.Numeric(parameters[p], t =>
                    Objective(model.WithParameters(new Parameters<double>(parameters.Tensors.SetItem(index, t)))));
                var used = parameters[p] - next.Model.Parameters[p];
                var error = GradientCheck.Compare(used, numeric);
                Assert.True(error < 1e-6, $"tensor {p}: relative error {error:E2}");
            }
            // The regularizers survive the step (WithParameters keeps them).
            Assert.Equal(Regularizer.L2(0.2), ((Dense<double>)next.Model.Layers[0]).BiasRegularizer);
            return true;
        }));
    }

    [Fact]
    public void Evaluate_includes_the_penalty_like_keras()
    {
        var model = Sequential.Of(Layer.Dense(2, 2, new Rng(1)) with { WeightRegularizer = Regularizer.L2(0.5) });
        var data = Dataset.Classification("pair", [1, 0, 0, 1], 2, [0, 1], 2);
        var plain = Sequential.Of(Layer.Dense(2, 2, new Rng(1)));
        var (withPenalty, _) = model.Evaluate(data, Loss.SoftmaxCrossEntropy);
        var (without, _) = plain.Evaluate(data, Loss.SoftmaxCrossEntropy);
        TestSupport.AssertClose(without + model.Penalty(), withPenalty, 1e-12, "val_loss");
        Assert.True(model.Penalty() > 0);
        Assert.Equal(0, plain.Penalty());
    }

    [Fact]
    public void The_l1_gradient_at_zero_is_zero()
    {
        // sign(0) = 0, as PyTorch's |w|' at 0: a zero weight gets no L1 pull (not ±L1, nor L1 divided by its sign).
        var w = Matrix<double>.Build.DenseOfArray(new double[,] { { 0, 2, -1 } });
        Assert.Equal([0.0, 0.5 + 0.4, -0.5 - 0.2], Kernels.Values(new L1L2(0.5, 0.1).Gradient(w)));
    }

    [Fact]
    public void It_prints_as_keras_builds_it()
    {
        Assert.Equal("L2(0.0001)", Regularizer.L2(1e-4).ToString());
        Assert.Equal("L1(0.01)", Regularizer.L1(0.01).ToString());
        Assert.Equal("L1L2(0.01, 0.0001)", Regularizer.L1L2(0.01, 1e-4).ToString());
        Assert.Equal("L2(0)", new L1L2().ToString());
    }

    static IRegularizer? Read(string json) => Regularizer.Read(new LayerConfig(("weight_regularizer", System.Text.Json.Nodes.JsonNode.Parse(json))), "weight_regularizer");

    [Fact]
    public void A_saved_regularizer_that_is_not_l1l2_or_has_a_negative_penalty_says_what_it_must_be()
    {
        Assert.Equal("setting \"weight_regularizer\" must be null or a regularizer {\"type\": \"l1l2\", \"l1\": …, \"l2\": …}; it is \"l2\"",
            Assert.Throws<LayerConfigException>(() => Read("\"l2\"")).Message);
        Assert.Equal("setting \"weight_regularizer\" must be a regularizer whose setting \"l1\" must be a penalty ≥ 0; it is -1; " +
            "it is {\"type\":\"l1l2\",\"l1\":-1,\"l2\":0}", Assert.Throws<LayerConfigException>(() => Read("{\"type\": \"l1l2\", \"l1\": -1, \"l2\": 0}")).Message);
        Assert.StartsWith("setting \"weight_regularizer\" must be a regularizer whose setting \"l2\" must be a penalty ≥ 0; it is -2;",
            Assert.Throws<LayerConfigException>(() => Read("{\"type\": \"l1l2\", \"l1\": 0, \"l2\": -2}")).Message);
        Assert.Equal(Regularizer.L1L2(0, 0.5), Read("{\"type\": \"l1l2\", \"l1\": 0, \"l2\": 0.5}"));
        Assert.Equal(Regularizer.L1L2(0.25, 0), Read("{\"type\": \"l1l2\", \"l1\": 0.25, \"l2\": 0}"));
    }
}
