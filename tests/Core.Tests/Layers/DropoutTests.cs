namespace Nabla.Tests.Layers;

/// <summary>Inverted dropout: identity at inference; in training, gradient flows only through kept units, scaled by 1/(1 − p).</summary>
public class DropoutTests
{
    static readonly Arbitrary<(MatrixCase Case, double Rate)> Cases = Arb.From(
        from c in MatrixCase.Arbitrary().Generator
        from percent in Gen.Choose(0, 95)
        select (c, percent / 100.0));

    [Fact]
    public void Inference_is_the_identity()
    {
        Check.One(TestSupport.Properties(), Prop.ForAll(Cases, t =>
        {
            var x = TestSupport.Random(t.Case.Rng(), t.Case.Rows, t.Case.Columns);
            Assert.Equal(TestSupport.Snapshot(x), TestSupport.Snapshot(new Dropout<double>(t.Rate).Forward(x)));
            return true;
        }));
    }

    [Fact]
    public void Training_backward_passes_gradient_only_through_kept_units_scaled_by_one_over_keep()
    {
        Check.One(TestSupport.Properties(), Prop.ForAll(Cases, t =>
        {
            var (c, p) = t;
            var rng = c.Rng();
            var dropout = new Dropout<double>(p);
            // Entries away from 0, so "dropped" (output 0) and "kept" (output ≠ 0) are told apart by the output alone.
            var x = TestSupport.Random(rng, c.Rows, c.Columns).Map(v => Math.CopySign(0.1 + Math.Abs(v), v));
            var dy = TestSupport.Random(rng, c.Rows, c.Columns);
            var trace = dropout.ForwardTrain(x, new Rng(c.Seed + 1));
            var dx = dropout.Backward(trace, dy).InputGradient!;
            for (var i = 0; i < c.Rows; i++)
                for (var j = 0; j < c.Columns; j++)
                {
                    var kept = trace.Output[i, j] != 0;
                    if (kept) TestSupport.AssertClose(x[i, j] / (1 - p), trace.Output[i, j], 1e-15, $"kept y[{i},{j}]");
                    Assert.Equal(kept ? dy[i, j] / (1 - p) : 0, dx[i, j], 1e-12);
                }
            // Backward reads the mask from the trace, so it is a function: the same trace gives the same dx.
            Assert.Equal(TestSupport.Snapshot(dx), TestSupport.Snapshot(dropout.Backward(trace, dy).InputGradient!));
            return true;
        }));
    }

    [Fact]
    public void About_a_fraction_rate_of_units_is_dropped_and_the_seed_fixes_the_mask()
    {
        var x = Matrix<double>.Build.Dense(200, 200, 1.0);
        var dropout = new Dropout<double>(0.3);
        var y = dropout.ForwardTrain(x, new Rng(5)).Output;
        var dropped = Kernels.Values(y).Count(v => v == 0) / 40_000.0;
        Assert.InRange(dropped, 0.29, 0.31);
        TestSupport.AssertClose(1.0, Kernels.Sum(y) / 40_000, 0.02, "E[y] = x");
        Assert.Equal(TestSupport.Snapshot(y), TestSupport.Snapshot(dropout.ForwardTrain(x, new Rng(5)).Output));
        Assert.NotEqual(TestSupport.Snapshot(y), TestSupport.Snapshot(dropout.ForwardTrain(x, new Rng(6)).Output));
    }

    [Fact]
    public void Rate_zero_keeps_everything_in_training_too()
    {
        var x = TestSupport.Random(new Rng(1), 3, 4);
        var trace = new Dropout<double>(0).ForwardTrain(x, new Rng(2));
        Assert.Equal(TestSupport.Snapshot(x), TestSupport.Snapshot(trace.Output));
        Assert.Equal(TestSupport.Snapshot(x), TestSupport.Snapshot(new Dropout<double>(0).Backward(trace, x).InputGradient!));
    }

    [Fact]
    public void Each_training_step_draws_a_new_mask_from_the_seed_and_step()
    {
        // A model that is only dropout then a fixed dense layer: the step's loss depends on the mask drawn.
        var model = Sequential.Of<double>(new Dropout<double>(0.5), Layer<double>.Dense(8, 1, Init.Uniform(1), new Rng(1)));
        var x = Matrix<double>.Build.Dense(16, 8, 1.0);
        var y = Matrix<double>.Build.Dense(16, 1);
        var state = TrainState<double>.Create(model, new Sgd(0), seed: 11);
        var (after1, loss1) = Train.Step(state, x, y, Loss.Mse);
        var (_, loss2) = Train.Step(after1, x, y, Loss.Mse);
        Assert.NotEqual(loss1, loss2);                                        // step 1's mask differs from step 0's
        Assert.Equal(loss1, Train.Step(state, x, y, Loss.Mse).Loss);          // and step 0 always draws the same one
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(-0.1)]
    public void A_rate_outside_zero_to_one_is_refused_naming_dropout_also_when_set_with_with(double rate)
    {
        var message = $"Dropout: Rate must be in [0, 1), got {rate}.";
        Assert.StartsWith(message, Assert.Throws<ArgumentOutOfRangeException>(() => Layer.Dropout(rate)).Message);
        Assert.StartsWith(message, Assert.Throws<ArgumentOutOfRangeException>(() => Layer.Dropout(0.5) with { Rate = rate }).Message);
    }

    [Fact]
    public void A_draw_equal_to_the_rate_keeps_the_unit()
    {
        // The mask keeps u ≥ Rate, so P(keep) = 1 − Rate exactly: take as rate the very draw the layer will make.
        var rate = new Rng(7).NextDouble();
        var trace = new Dropout<double>(rate).ForwardTrain(Matrix<double>.Build.Dense(1, 1, 2.0), new Rng(7));
        Assert.Equal(2.0 / (1 - rate), trace.Output[0, 0]);
    }

    [Fact]
    public void Backward_refuses_a_dy_or_a_mask_not_shaped_like_the_input()
    {
        var dropout = Layer.Dropout(0.5);
        var x = Matrix<float>.Build.Dense(2, 4, 1f);
        var trace = dropout.ForwardTrain(x, new Rng(1));
        var e = Assert.Throws<ShapeException>(() => dropout.Backward(trace, Matrix<float>.Build.Dense(2, 3)));
        Assert.Equal("Dropout(0.5): dy is 2×3 but input is 2×4; they must have the same shape.", e.Message);
        var foreign = new Trace<float>(x, SampleShape.Features(4), x).With("mask", Matrix<float>.Build.Dense(2, 3));
        e = Assert.Throws<ShapeException>(() => dropout.Backward(foreign, Matrix<float>.Build.Dense(2, 4)));
        Assert.Equal("Dropout(0.5): mask is 2×3 but input is 2×4; they must have the same shape.", e.Message);
    }

    [Fact]
    public void A_saved_rate_may_be_zero_but_not_one()
    {
        var e = Assert.Throws<LayerConfigException>(() => Dropout<float>.TensorsFor(new LayerConfig(("rate", 1.0))));
        Assert.Equal("setting \"rate\" must be a dropout rate in [0, 1); it is 1", e.Message);
        Assert.Empty(Dropout<float>.TensorsFor(new LayerConfig(("rate", 0.0))));
        Assert.Equal("Dropout(0)", Dropout<float>.Build(new LayerConfig(("rate", 0.0)), []).ToString());
        Assert.Equal("Dropout(0.25)", Layer.Dropout(0.25).ToString());
    }
}
