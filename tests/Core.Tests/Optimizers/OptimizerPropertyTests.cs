namespace Nabla.Tests.Optimizers;

/// <summary>Properties every optimizer and transform must have, over random shapes and values.</summary>
public class OptimizerPropertyTests
{
    /// <summary>Every optimizer configuration without weight decay (AdamW's is turned off).</summary>
    public static readonly Dictionary<string, IOptimizer> WithoutDecay = new()
    {
        ["sgd"] = new Sgd(0.1),
        ["sgd_momentum"] = new Sgd(0.1, Momentum: 0.9),
        ["sgd_nesterov"] = new Sgd(0.1, Momentum: 0.9, Nesterov: true),
        ["sgd_schedule"] = new Sgd(new InverseTimeDecay(0.1, DecayRate: 0.5)),
        ["adagrad"] = new Adagrad(0.1),
        ["adagrad_initial"] = new Adagrad(0.1, InitialAccumulatorValue: 0.1),
        ["rmsprop"] = new RmsProp(0.01),
        ["rmsprop_centered_momentum"] = new RmsProp(0.01, Momentum: 0.9, Centered: true),
        ["adam"] = new Adam(),
        ["adamw_no_decay"] = new AdamW(WeightDecay: 0),
        ["chain_clip_adam"] = new Chain(new ClipByGlobalNorm(1.0), new Adam(new CosineDecay(1e-3, DecaySteps: 10, WarmupSteps: 2))),
        ["chain_clip_value_sgd"] = new Chain(new ClipByValue(0.5), new Sgd(0.1, Momentum: 0.5)),
        ["scale"] = new Scale(-0.1),
    };

    public static TheoryData<string> Names() => [.. WithoutDecay.Keys];

    static Parameters<double> RandomParameters(Rng rng, MatrixCase c, double low = -3, double high = 3) =>
        new([TestSupport.Random(rng, c.Rows, c.Columns, low, high), TestSupport.Random(rng, 1, c.Columns, low, high)]);

    static double[][] Snapshot(Parameters<double> p) => p.Tensors.Select(TestSupport.Snapshot).ToArray();

    [Fact]
    public void Sgd_equals_a_chain_of_scale_by_minus_the_learning_rate()
    {
        Check.One(TestSupport.Properties(), Prop.ForAll(MatrixCase.Arbitrary(), c =>
        {
            var rng = c.Rng();
            var lr = rng.Uniform(1e-4, 1);
            IOptimizer sgd = new Sgd(lr), chain = new Chain(new Scale(-lr));
            var p1 = RandomParameters(rng, c);
            var p2 = p1;
            var (s1, s2) = (sgd.Init(p1), chain.Init(p2));
            for (var step = 0; step < 3; step++)
            {
                var g = RandomParameters(rng, c);
                (var u1, s1) = sgd.Update(g, s1, p1);
                (var u2, s2) = chain.Update(g, s2, p2);
                (p1, p2) = (p1.Add(u1), p2.Add(u2));
            }
            for (var i = 0; i < p1.Count; i++) TestSupport.AssertClose(p1[i], p2[i], 1e-15, $"tensor {i} with lr {lr}");
            return true;
        }));
    }

    public static TheoryData<string> NamesWithDecay() => [.. WithoutDecay.Keys, "sgd_weight_decay", "sgd_momentum_weight_decay", "adamw"];

    static IOptimizer Named(string name) => name switch
    {
        "sgd_weight_decay" => new Sgd(0.1, WeightDecay: 0.05),
        "sgd_momentum_weight_decay" => new Sgd(0.1, Momentum: 0.9, WeightDecay: 0.05),
        "adamw" => new AdamW(),
        _ => WithoutDecay[name],
    };

    [Theory, MemberData(nameof(NamesWithDecay))]
    public void Apply_equals_update_then_add(string name)
    {
        // The training step calls Apply, which SGD fuses into one pass; it must stay the same function as Update + Add.
        var optimizer = Named(name);
        Check.One(TestSupport.Properties(30), Prop.ForAll(MatrixCase.Arbitrary(), c =>
        {
            var rng = c.Rng();
            var (p1, p2) = (RandomParameters(rng, c), RandomParameters(new Rng(c.Seed), c));
            var (s1, s2) = (optimizer.Init(p1), optimizer.Init(p2));
            for (var step = 0; step < 3; step++)
            {
                var g = RandomParameters(rng, c);
                (var updates, s1) = optimizer.Update(g, s1, p1);
                p1 = p1.Add(updates);
                (p2, s2) = optimizer.Apply(g, s2, p2);
            }
            for (var i = 0; i < p1.Count; i++) TestSupport.AssertClose(p1[i], p2[i], 1e-12, $"{name} tensor {i}");
            return true;
        }));
    }

    [Theory, MemberData(nameof(Names))]
    public void Zero_gradients_leave_parameters_unchanged(string name)
    {
        var optimizer = WithoutDecay[name];
        Check.One(TestSupport.Properties(50), Prop.ForAll(MatrixCase.Arbitrary(), c =>
        {
            var parameters = RandomParameters(c.Rng(), c);
            var before = Snapshot(parameters);
            var state = optimizer.Init(parameters);
            for (var step = 0; step < 3; step++)
            {
                (var updates, state) = optimizer.Update(parameters.ZerosLike(), state, parameters);
                parameters = parameters.Add(updates);
            }
            Assert.Equal(before, Snapshot(parameters));
            return true;
        }));
    }

    [Theory, MemberData(nameof(Names))]
    public void Update_changes_nothing_it_was_given(string name)
    {
        var optimizer = WithoutDecay[name];
        Check.One(TestSupport.Properties(30), Prop.ForAll(MatrixCase.Arbitrary(), c =>
        {
            var rng = c.Rng();
            var parameters = RandomParameters(rng, c);
            var state = optimizer.Init(parameters);
            (_, state) = optimizer.Update(RandomParameters(rng, c), state, parameters);   // non-zero moments
            var gradients = RandomParameters(rng, c);
            var (p, g) = (Snapshot(parameters), Snapshot(gradients));
            var stateBefore = States.Snapshot(state);
            var (first, _) = optimizer.Update(gradients, state, parameters);
            var (again, _) = optimizer.Update(gradients, state, parameters);
            Assert.Equal(p, Snapshot(parameters));
            Assert.Equal(g, Snapshot(gradients));
            var stateAfter = States.Snapshot(state);   // by value: names, counts and every tensor's bits
            Assert.Equal(stateBefore.Names, stateAfter.Names);
            Assert.Equal(stateBefore.Scalars, stateAfter.Scalars);
            Assert.Equal(stateBefore.Values, stateAfter.Values);
            Assert.Equal(Snapshot(first), Snapshot(again));   // same state in, same update out: the state was not advanced in place
            return true;
        }));
    }

    [Fact]
    public void Adam_first_step_moves_each_parameter_by_the_learning_rate()
    {
        // m̂ = g and v̂ = g² after one step, so Δ = −lr·g/(|g| + ε) ≈ −lr·sign(g); |g| ≥ 1e-3 keeps ε/|g| ≤ 1e-5.
        Check.One(TestSupport.Properties(), Prop.ForAll(MatrixCase.Arbitrary(), c =>
        {
            var rng = c.Rng();
            var lr = rng.Uniform(1e-4, 1e-1);
            var adam = new Adam(lr);
            var parameters = RandomParameters(rng, c);
            var gradients = RandomParameters(rng, c).Map(g => g.Map(v => Math.CopySign(1e-3 + Math.Abs(v), v)));
            var (updates, _) = adam.Update(gradients, adam.Init(parameters), parameters);
            for (var i = 0; i < updates.Count; i++)
            {
                var (u, g) = (Kernels.Values(updates[i]), Kernels.Values(gradients[i]));
                for (var k = 0; k < u.Length; k++)
                {
                    Assert.True(Math.Sign(u[k]) == -Math.Sign(g[k]), $"Δ {u[k]} does not oppose g {g[k]}");
                    TestSupport.AssertClose(lr, Math.Abs(u[k]), 1e-4, $"|Δ| for g = {g[k]}");
                }
            }
            return true;
        }));
    }

    [Fact]
    public void Clip_by_global_norm_caps_the_norm_and_keeps_the_direction()
    {
        Check.One(TestSupport.Properties(), Prop.ForAll(MatrixCase.Arbitrary(), c =>
        {
            var rng = c.Rng();
            var g = RandomParameters(rng, c);
            var maxNorm = rng.Uniform(0.1, 2) * g.GlobalNorm();
            var clip = new ClipByGlobalNorm(maxNorm);
            var (clipped, _) = clip.Update(g, clip.Init(g), g);
            var expectedNorm = Math.Min(maxNorm, g.GlobalNorm());
            TestSupport.AssertClose(expectedNorm, clipped.GlobalNorm(), 1e-12, "norm after clipping");
            var factor = expectedNorm / g.GlobalNorm();
            for (var i = 0; i < g.Count; i++) TestSupport.AssertClose(g[i] * factor, clipped[i], 1e-12, $"tensor {i}");
            return true;
        }));
    }

    [Fact]
    public void Clip_by_value_bounds_every_entry_and_keeps_the_small_ones()
    {
        var g = new Parameters<double>([Kernels.FromRowMajor<double>(1, 5, [-3, -0.5, 0, 0.25, 2])]);
        var clip = new ClipByValue(1);
        var (clipped, _) = clip.Update(g, clip.Init(g), g);
        Assert.Equal([-1, -0.5, 0, 0.25, 1], Kernels.Values(clipped[0]));
    }

    [Fact]
    public void A_chain_clips_then_optimizes()
    {
        var rng = new Rng(3);
        var p = new Parameters<double>([TestSupport.Random(rng, 4, 3)]);
        var g = new Parameters<double>([TestSupport.Random(rng, 4, 3, -10, 10)]);
        var chain = new Chain(new ClipByGlobalNorm(1.0), new Sgd(0.5));
        var (updates, _) = chain.Update(g, chain.Init(p), p);
        TestSupport.AssertClose(g[0] * (-0.5 / g.GlobalNorm()), updates[0], 1e-12, "Δ = −lr · g/‖g‖");
        Assert.Equal("Chain(ClipByGlobalNorm { MaxNorm = 1 }, Sgd(LearningRate: 0.5))", chain.ToString());
    }

    [Fact]
    public void A_state_from_another_optimizer_is_refused_by_name()
    {
        var p = new Parameters<double>([Kernels.Zeros<double>(2, 2)]);
        var e = Assert.Throws<ArgumentException>(() => new Adam().Update(p, new Sgd(0.1).Init(p), p));
        Assert.Contains("expected a AdamState", e.Message);
        Assert.Contains("got a SgdState", e.Message);
    }

    [Theory]   // state that decays where the gradient stays 0 must reach 0 without lingering in the slow subnormal range
    [InlineData("sgd_momentum")]
    [InlineData("rmsprop_centered_momentum")]
    [InlineData("adam")]
    public void Decaying_state_never_holds_subnormal_floats(string name)
    {
        var optimizer = WithoutDecay[name];
        var parameters = new Parameters<float>([Matrix<float>.Build.Dense(3, 37, 0.5f)]);
        var state = optimizer.Init(parameters);
        var zero = new Parameters<float>([Matrix<float>.Build.Dense(3, 37)]);
        var first = new Parameters<float>([Matrix<float>.Build.Dense(3, 37, 1e-3f)]);
        (_, state) = optimizer.Update(first, state, parameters);
        for (var step = 0; step < 2000; step++)
        {
            (_, state) = optimizer.Update(zero, state, parameters);
            foreach (var tensor in state.ToStateDict().Tensors.Tensors)
                Assert.DoesNotContain(Kernels.Values(tensor), float.IsSubnormal);
        }
    }
}
