using FsCheck.Xunit;

namespace Nabla.Tests.Optimizers;

/// <summary>Properties every optimizer and transform must have, over random shapes and values: FsCheck properties that
/// shrink a failure to the smallest shape and simplest configuration and print the seed to replay it.</summary>
[OptimizerProperties]
[Trait("Category", TestSupport.KernelCategory)]
public class OptimizerPropertyTests
{
    static double[][] Snapshot(Parameters<double> p) => p.Tensors.Select(TestSupport.Snapshot).ToArray();

    static void AssertBits(Parameters<double> expected, Parameters<double> actual, string what)
    {
        for (var i = 0; i < expected.Count; i++)
            Assert.True(TestSupport.Snapshot(expected[i]).SequenceEqual(TestSupport.Snapshot(actual[i])), $"{what}: {expected.Names[i]} differs");
    }

    [Property]
    public void Sgd_equals_a_chain_of_scale_by_minus_the_learning_rate(OptimizerCase c)
    {
        var rng = c.Rng();
        var lr = rng.Uniform(1e-4, 1);
        IOptimizer sgd = new Sgd(lr), chain = new Chain(new Scale(-lr));
        var p1 = c.Random(rng);
        var p2 = p1;
        var (s1, s2) = (sgd.Init(p1), chain.Init(p2));
        for (var step = 0; step < 3; step++)
        {
            var g = c.Random(rng);
            (var u1, s1) = sgd.Update(g, s1, p1);
            (var u2, s2) = chain.Update(g, s2, p2);
            (p1, p2) = (p1.Add(u1), p2.Add(u2));
        }
        for (var i = 0; i < p1.Count; i++) TestSupport.AssertClose(p1[i], p2[i], 1e-15, $"tensor {i} with lr {lr}");
    }

    [Property]
    public void Apply_equals_update_then_add_bit_for_bit(OptimizerCase c)
    {
        // The training step calls Apply, which Sgd, Adam and AdamW fuse into one pass (and a chain ends with
        // ScaleByLearningRate's fused θ − η·u): it must stay the same function as Update + Add, to the last bit.
        var (optimizer, rng) = (c.Optimizer, c.Rng());
        var p1 = c.Random(rng);
        var p2 = p1;
        var (s1, s2) = (optimizer.Init(p1), optimizer.Init(p2));
        for (var step = 0; step < 3; step++)
        {
            var g = c.Random(rng);
            (var updates, s1) = optimizer.Update(g, s1, p1);
            p1 = p1.Add(updates);
            (p2, s2) = optimizer.Apply(g, s2, p2);
            AssertBits(p1, p2, $"{c}, step {step + 1}: parameters");
            States.AssertEqual(s1, s2, $"{c}, step {step + 1}: state");
        }
    }

    /// <summary>Each named optimizer with random hyperparameters, and the chain of transforms its documentation says it is.</summary>
    static (string Name, IOptimizer Optimizer, IOptimizer Chain)[] NamedAndTheirChains(Rng rng)
    {
        var (lr, wd, eps) = (rng.Uniform(1e-3, 0.1), rng.Uniform(0, 0.1), rng.Uniform(1e-8, 1e-3));
        var (b1, b2, rho) = (rng.Uniform(0, 0.95), rng.Uniform(0.9, 0.9999), rng.Uniform(0.5, 0.999));
        var mu = rng.Uniform(0, 1) < 0.3 ? 0 : rng.Uniform(0.1, 0.95);
        var (nesterov, centered, initial) = (mu > 0 && rng.Uniform(0, 1) < 0.5, rng.Uniform(0, 1) < 0.5, rng.Uniform(0, 0.5));
        return
        [
            ("Sgd", new Sgd(lr, mu, nesterov, wd), new Chain(new AddDecayedWeights(wd), new Trace(mu, nesterov), new ScaleByLearningRate(lr))),
            ("Adam", new Adam(lr, b1, b2, eps, wd), new Chain(new AddDecayedWeights(wd), new ScaleByAdam(b1, b2, eps), new ScaleByLearningRate(lr))),
            ("AdamW", new AdamW(lr, b1, b2, eps, wd), new Chain(new ScaleByAdam(b1, b2, eps), new AddDecayedWeights(wd), new ScaleByLearningRate(lr))),
            ("RmsProp", new RmsProp(lr, rho, eps, mu, centered, wd),
                new Chain(new AddDecayedWeights(wd), new ScaleByRms(rho, eps, centered), new Trace(mu), new ScaleByLearningRate(lr))),
            ("Adagrad", new Adagrad(lr, eps, initial, wd), new Chain(new AddDecayedWeights(wd), new ScaleByAdagrad(eps, initial), new ScaleByLearningRate(lr))),
        ];
    }

    [Property]
    public void Each_named_optimizer_is_the_chain_it_is_defined_as_and_its_fused_step_is_that_chains_update(OptimizerCase c)
    {
        foreach (var (name, optimizer, chain) in NamedAndTheirChains(c.Rng()))
            AssertSameSteps(optimizer, chain, c, name);
    }

    [Property]
    public void AdamW_is_scale_by_adam_then_decayed_weights_then_the_learning_rate(OptimizerCase c)
    {
        var rng = c.Rng();
        var (lr, b1, b2, eps, wd) = (rng.Uniform(1e-4, 0.1), rng.Uniform(0, 0.95), rng.Uniform(0.9, 0.9999), rng.Uniform(1e-8, 1e-3), rng.Uniform(0, 0.2));
        AssertSameSteps(new AdamW(lr, b1, b2, eps, wd), new Chain(new ScaleByAdam(b1, b2, eps), new AddDecayedWeights(wd), new ScaleByLearningRate(lr)), c,
            $"AdamW({lr}, {b1}, {b2}, {eps}, {wd})");
    }

    /// <summary>Three steps of <paramref name="optimizer"/>'s Update and of its (fused) Apply against <paramref name="chain"/>'s
    /// Update + Add: the same updates, parameters and states, bit for bit.</summary>
    static void AssertSameSteps(IOptimizer optimizer, IOptimizer chain, OptimizerCase c, string name)
    {
        var rng = c.Rng();
        var p = c.Random(rng);
        var (viaChain, viaApply) = (p, p);
        var (s, sChain, sApply) = (optimizer.Init(p), chain.Init(p), optimizer.Init(p));
        for (var step = 0; step < 3; step++)
        {
            var g = c.Random(rng);
            (var u, s) = optimizer.Update(g, s, viaChain);
            (var uChain, sChain) = chain.Update(g, sChain, viaChain);
            AssertBits(uChain, u, $"{name} on {c}, step {step + 1}: Update");
            States.AssertEqual(sChain, s, $"{name} on {c}, step {step + 1}: state");
            viaChain = viaChain.Add(uChain);
            (viaApply, sApply) = optimizer.Apply(g, sApply, viaApply);
            AssertBits(viaChain, viaApply, $"{name} on {c}, step {step + 1}: Apply");
            States.AssertEqual(sChain, sApply, $"{name} on {c}, step {step + 1}: state after Apply");
        }
    }

    [Property]
    public void Zero_gradients_leave_parameters_unchanged(DecayFreeCase d)
    {
        var c = d.Case;
        var optimizer = c.Optimizer;
        var parameters = c.Random(c.Rng());
        var before = Snapshot(parameters);
        var state = optimizer.Init(parameters);
        for (var step = 0; step < 3; step++)
        {
            (var updates, state) = optimizer.Update(parameters.ZerosLike(), state, parameters);
            parameters = parameters.Add(updates);
        }
        Assert.Equal(before, Snapshot(parameters));
    }

    [Property]
    public void Update_and_Apply_change_nothing_they_were_given(OptimizerCase c)
    {
        var (optimizer, rng) = (c.Optimizer, c.Rng());
        var parameters = c.Random(rng);
        var state = optimizer.Init(parameters);
        (_, state) = optimizer.Update(c.Random(rng), state, parameters);   // non-zero moments
        var gradients = c.Random(rng);
        var (p, g, stateBefore) = (Snapshot(parameters), Snapshot(gradients), States.Snapshot(state));
        var (first, _) = optimizer.Update(gradients, state, parameters);
        var (again, _) = optimizer.Update(gradients, state, parameters);
        _ = optimizer.Apply(gradients, state, parameters);
        Assert.Equal(p, Snapshot(parameters));
        Assert.Equal(g, Snapshot(gradients));
        var stateAfter = States.Snapshot(state);   // by value: names, counts and every tensor's bits
        Assert.Equal(stateBefore.Names, stateAfter.Names);
        Assert.Equal(stateBefore.Scalars, stateAfter.Scalars);
        Assert.Equal(stateBefore.Values, stateAfter.Values);
        Assert.Equal(Snapshot(first), Snapshot(again));   // same state in, same update out: the state was not advanced in place
    }

    [Property]
    public void Adam_first_step_moves_each_parameter_by_the_learning_rate(OptimizerCase c)
    {
        // m̂ = g and v̂ = g² after one step, so Δ = −lr·g/(|g| + ε) ≈ −lr·sign(g); |g| ≥ 1e-3 keeps ε/|g| ≤ 1e-5.
        var rng = c.Rng();
        var lr = rng.Uniform(1e-4, 1e-1);
        var adam = new Adam(lr);
        var parameters = c.Random(rng);
        var gradients = c.Random(rng).Map(g => g.Map(v => Math.CopySign(1e-3 + Math.Abs(v), v)));
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
    }

    [Property]
    public void Clip_by_global_norm_caps_the_norm_and_keeps_the_direction(OptimizerCase c)
    {
        var rng = c.Rng();
        var g = c.Random(rng);
        var maxNorm = rng.Uniform(0.1, 2) * g.GlobalNorm();
        var clip = new ClipByGlobalNorm(maxNorm);
        var (clipped, _) = clip.Update(g, clip.Init(g), g);
        var expectedNorm = Math.Min(maxNorm, g.GlobalNorm());
        TestSupport.AssertClose(expectedNorm, clipped.GlobalNorm(), 1e-12, "norm after clipping");
        var factor = expectedNorm / g.GlobalNorm();
        for (var i = 0; i < g.Count; i++) TestSupport.AssertClose(g[i] * factor, clipped[i], 1e-12, $"tensor {i}");
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
        var sgdState = new Sgd(0.1, Momentum: 0.9).Init(p);   // Sgd's momentum buffers, where Adam keeps its moments
        foreach (var e in new[] { Assert.Throws<ArgumentException>(() => new Adam().Update(p, sgdState, p)),
                                  Assert.Throws<ArgumentException>(() => new Adam().Apply(p, sgdState, p)) })
        {
            Assert.Contains("ScaleByAdam", e.Message);
            Assert.Contains("expected a ScaleByAdamState", e.Message);
            Assert.Contains("got a TraceState", e.Message);
        }
    }

    [Theory]   // state that decays where the gradient stays 0 must reach 0 without lingering in the slow subnormal range
    [InlineData("sgd_momentum")]
    [InlineData("rmsprop_centered_momentum")]
    [InlineData("adam")]
    [InlineData("adamw_no_decay")]
    public void Decaying_state_never_holds_subnormal_floats(string name)
    {
        var optimizer = OptimizerCases.WithoutDecay[name];
        var parameters = new Parameters<float>([Matrix<float>.Build.Dense(3, 37, 0.5f)]);
        var state = optimizer.Init(parameters);
        var zero = new Parameters<float>([Matrix<float>.Build.Dense(3, 37)]);
        var first = new Parameters<float>([Matrix<float>.Build.Dense(3, 37, 1e-3f)]);
        (_, state) = optimizer.Update(first, state, parameters);
        for (var step = 0; step < 2000; step++)
        {
            // Both paths: Update (the chain's transforms) and Apply (the fused step Fit takes), alternately.
            (_, state) = step % 2 == 0 ? optimizer.Update(zero, state, parameters) : optimizer.Apply(zero, state, parameters);
            foreach (var tensor in state.ToStateDict().Tensors.Tensors)
                Assert.DoesNotContain(Kernels.Values(tensor), float.IsSubnormal);
        }
    }
}
