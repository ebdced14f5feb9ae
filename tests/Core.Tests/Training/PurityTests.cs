namespace Nabla.Tests.Training;

/// <summary>Arguments and records are bit-identical before and after every model, loss, optimizer and step call.</summary>
public class PurityTests
{
    static double[][] Snapshot(Parameters<double> p) => p.Tensors.Select(TestSupport.Snapshot).ToArray();

    [Fact]
    public void Train_step_changes_nothing_it_was_given()
    {
        Check.One(TestSupport.Properties(30), Prop.ForAll(MatrixCase.Arbitrary(), c =>
        {
            var rng = c.Rng();
            var model = Sequential.Of<double>(
                Layer<double>.Dense(c.Columns, 4, rng), new Relu<double>(),
                Layer<double>.Dense(4, c.Outputs + 1, rng));
            var x = TestSupport.Random(rng, c.Rows, c.Columns);
            var y = Softmax<double>.Of(TestSupport.Random(rng, c.Rows, c.Outputs + 1));
            var state = TrainState<double>.Create(model, new Sgd(0.1), seed: 3);
            var (parameters, xs, ys) = (Snapshot(model.Parameters), TestSupport.Snapshot(x), TestSupport.Snapshot(y));

            var (next, loss) = Train.Step(state, x, y, Loss.SoftmaxCrossEntropy);

            Assert.Equal(parameters, Snapshot(state.Model.Parameters));
            Assert.Equal(xs, TestSupport.Snapshot(x));
            Assert.Equal(ys, TestSupport.Snapshot(y));
            Assert.Equal(0, state.Step);
            Assert.Equal(1, next.Step);
            Assert.NotEqual(parameters, Snapshot(next.Model.Parameters));
            // Same state, same batch: the same result (the step is a function).
            Assert.Equal(Snapshot(next.Model.Parameters), Snapshot(Train.Step(state, x, y, Loss.SoftmaxCrossEntropy).State.Model.Parameters));
            return double.IsFinite(loss);
        }));
    }

    [Fact]
    public void Optimizer_update_changes_nothing_it_was_given()
    {
        var rng = new Rng(4);
        var parameters = new Parameters<double>([TestSupport.Random(rng, 3, 4), TestSupport.Random(rng, 1, 4)]);
        var gradients = new Parameters<double>([TestSupport.Random(rng, 3, 4), TestSupport.Random(rng, 1, 4)]);
        var (p, g) = (Snapshot(parameters), Snapshot(gradients));
        var sgd = new Sgd(0.5);
        var (updates, _) = sgd.Update(gradients, sgd.Init(parameters), parameters);
        Assert.Equal(p, Snapshot(parameters));
        Assert.Equal(g, Snapshot(gradients));
        TestSupport.AssertClose(gradients[0] * -0.5, updates[0], 1e-15, "Δ = −lr·g");
    }

    [Fact]
    public void Fit_equals_a_fold_of_Step_over_the_same_batches()
    {
        var data = Dataset.Classification("tiny", Enumerable.Range(0, 40).Select(i => (float)Math.Sin(i)).ToArray(), 4,
            [0, 1, 2, 0, 1, 2, 0, 1, 2, 0], 3);
        var model = Sequential.Of(Layer.Dense(4, 3, new Rng(1)));
        var fitted = model.Fit(data, Loss.SoftmaxCrossEntropy, new Sgd(0.3), epochs: 2, batchSize: 4, validation: null, new Rng(9));

        var rng = new Rng(9);
        var state = TrainState<float>.Create(model, new Sgd(0.3), rng.NextUInt64());
        for (var epoch = 0; epoch < 2; epoch++)
            foreach (var batch in Batches.Of<float>(data, 4, rng))
                (state, _) = Train.Step(state, batch.X, batch.Y, Loss.SoftmaxCrossEntropy);
        Assert.Equal(state.Model.Parameters[0], fitted.Model.Parameters[0]);
        Assert.Equal(state.Model.Parameters[1], fitted.Model.Parameters[1]);
    }

    [Fact]
    public void A_diverging_loss_stops_with_a_clear_error()
    {
        var data = Dataset.Regression("huge", [1e30f, 2e30f, 3e30f, 4e30f], 1, [1, 2, 3, 4], 1);
        var model = Sequential.Of(Layer.Dense(1, 1, Init.Uniform(1), new Rng(1)));
        var e = Assert.Throws<TrainingDivergedException>(() =>
            model.Fit(data, Loss.Mse, new Sgd(1), epochs: 1, batchSize: 2, validation: null, new Rng(1)));
        Assert.Contains("epoch 1, batch 1", e.Message);
        Assert.Contains("learning rate", e.Message);
    }

    [Fact]
    public void Negative_learning_rate_fails_at_construction_naming_it()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(-0.1));
        Assert.Contains("LearningRate", e.Message);
        Assert.Contains("-0.1", e.Message);
    }
}
