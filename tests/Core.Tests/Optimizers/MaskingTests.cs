using FsCheck.Xunit;

namespace Nabla.Tests.Optimizers;

/// <summary>Transforms restricted to some parameters by name: Masked (Optax's masked) and the named optimizers'
/// WeightDecayMask (Optax's adamw(mask=…), PyTorch's parameter groups with weight_decay 0 for the biases).</summary>
[OptimizerProperties]
public class MaskingTests
{
    static bool NotBias(string name) => !name.EndsWith(".bias", StringComparison.Ordinal);

    static Parameters<double> Only(Parameters<double> p, string name) => new([name], [p[name]]);

    [Property]
    public void A_decay_mask_is_two_parameter_groups_one_without_decay(OptimizerCase c)
    {
        // PyTorch: AdamW([{"params": weights}, {"params": biases, "weight_decay": 0}]). Each group is its own optimizer,
        // as every rule is element-wise: the masked AdamW on both equals AdamW on the weight and AdamW without decay on the bias.
        var rng = c.Rng();
        var (lr, wd) = (rng.Uniform(1e-3, 0.1), rng.Uniform(0.01, 0.5));
        foreach (var (masked, decayed, spared) in new (IOptimizer, IOptimizer, IOptimizer)[]
                 {
                     (new AdamW(lr, WeightDecay: wd) { WeightDecayMask = NotBias }, new AdamW(lr, WeightDecay: wd), new AdamW(lr, WeightDecay: 0)),
                     (new Adam(lr, WeightDecay: wd) { WeightDecayMask = NotBias }, new Adam(lr, WeightDecay: wd), new Adam(lr)),
                     (new Sgd(lr, Momentum: 0.9, WeightDecay: wd) { WeightDecayMask = NotBias }, new Sgd(lr, 0.9, WeightDecay: wd), new Sgd(lr, 0.9)),
                     (new RmsProp(lr, WeightDecay: wd) { WeightDecayMask = NotBias }, new RmsProp(lr, WeightDecay: wd), new RmsProp(lr)),
                     (new Adagrad(lr, WeightDecay: wd) { WeightDecayMask = NotBias }, new Adagrad(lr, WeightDecay: wd), new Adagrad(lr)),
                 })
        {
            var p = c.Random(rng);
            var (pw, pb) = (Only(p, "0.weight"), Only(p, "0.bias"));
            var (s, sw, sb) = (masked.Init(p), decayed.Init(pw), spared.Init(pb));
            for (var step = 0; step < 3; step++)
            {
                var g = c.Random(rng);
                (p, s) = step % 2 == 0 ? masked.Apply(g, s, p) : Added(masked.Update(g, s, p), p);   // the fused path and the chain's
                (pw, sw) = decayed.Apply(Only(g, "0.weight"), sw, pw);
                (pb, sb) = spared.Apply(Only(g, "0.bias"), sb, pb);
                Assert.Equal(TestSupport.Snapshot(pw[0]), TestSupport.Snapshot(p["0.weight"]));
                Assert.Equal(TestSupport.Snapshot(pb[0]), TestSupport.Snapshot(p["0.bias"]));
            }
        }
    }

    static (Parameters<double>, IOptimizerState<double>) Added((Parameters<double> Updates, IOptimizerState<double> State) step, Parameters<double> p) =>
        (p.Add(step.Updates), step.State);

    [Fact]
    public void Masked_applies_its_transform_to_the_named_parameters_only_and_keeps_state_for_those()
    {
        var rng = new Rng(5);
        var p = new Parameters<double>(["0.weight", "0.bias", "2.weight", "2.bias"],
            [TestSupport.Random(rng, 3, 2), TestSupport.Random(rng, 1, 2), TestSupport.Random(rng, 2, 2), TestSupport.Random(rng, 1, 2)]);
        var g = p.Map(t => t * 0.5);
        var masked = new Masked(new Trace(0.9), NotBias);
        var state = masked.Init(p);
        Assert.Equal(["trace/0.weight", "trace/2.weight"], state.ToStateDict().Tensors.Names.ToArray());

        (var u1, state) = masked.Update(g, state, p);
        (var u2, state) = masked.Update(g, state, p);
        Assert.Same(g["0.bias"], u2["0.bias"]);   // passed through, untouched
        Assert.Same(g["2.bias"], u2["2.bias"]);
        TestSupport.AssertClose(g["2.weight"] * 1.9, u2["2.weight"], 1e-15, "t = 0.9·g + g after two updates");
        Assert.Equal(u1.Names, u2.Names);
        Assert.Equal(p.Names, u2.Names);
    }

    [Fact]
    public void A_mask_that_accepts_nothing_leaves_every_update_as_it_came()
    {
        var p = new Parameters<double>(["0.weight", "0.bias"], [Matrix<double>.Build.Dense(2, 2, 1.0), Matrix<double>.Build.Dense(1, 2, 1.0)]);
        var masked = new Masked(new Adam(), _ => false);
        var (u, state) = masked.Update(p, masked.Init(p), p);
        Assert.Same(p[0], u[0]);
        Assert.Same(p[1], u[1]);
        Assert.Empty(state.ToStateDict().Tensors.Names);
    }

    /// <summary>A transform as a script writes one: u = −0.1·g, keeping every gradient it is given and every update it
    /// makes (a log), with a copy of their values then.</summary>
    sealed record KeepingTransform(List<(Matrix<float> Kept, float[] Then)> Kept) : IOptimizer
    {
        public IOptimizerState<T> Init<T>(Parameters<T> parameters) where T : struct, IFloatingPointIeee754<T> => EmptyState<T>.Instance;

        public (Parameters<T> Updates, IOptimizerState<T> State) Update<T>(Parameters<T> gradients, IOptimizerState<T> state, Parameters<T> parameters)
            where T : struct, IFloatingPointIeee754<T>
        {
            var updates = gradients.Map(g => g * T.CreateChecked(-0.1));
            foreach (var m in gradients.Tensors.Concat(updates.Tensors).OfType<Matrix<float>>()) Kept.Add((m, TestSupport.Snapshot(m)));
            return (updates, state);
        }
    }

    [Fact]
    public void What_a_scripts_masked_transform_keeps_stays_intact_over_a_whole_Fit()
    {
        // Masked hands the script's transform its tensors as Chain does: Fit must never recycle them under it.
        var kept = new List<(Matrix<float> Kept, float[] Then)>();
        var rng = new Rng(2);
        var data = Dataset.Classification("noise", [.. Enumerable.Range(0, 48 * 6).Select(_ => (float)rng.Uniform(-1, 1))], 6,
            [.. Enumerable.Range(0, 48).Select(i => i % 3)], 3);
        var model = Sequential.Of(Layer.Dense(6, 5, new Rng(1)), Layer.Relu(), Layer.Dense(5, 3, new Rng(2)));
        model.Fit(data, Loss.SoftmaxCrossEntropy, new Chain(new Masked(new KeepingTransform(kept), NotBias), new Sgd(0.1, Momentum: 0.5)),
            epochs: 2, batchSize: 8, validation: null, new Rng(9));
        Assert.Equal(2 * 6 * 4, kept.Count);   // 2 epochs × 6 steps × (2 weights' gradients and updates)
        foreach (var (m, then) in kept) Assert.True(then.SequenceEqual(Kernels.Values(m)), "a tensor the script kept was overwritten");
    }

    [Fact]
    public void A_masked_optimizer_says_so_when_printed()
    {
        Assert.Equal("AdamW(LearningRate: 0.001, WeightDecayMask: (a mask))", (new AdamW() with { WeightDecayMask = NotBias }).ToString());
        Assert.Equal("Masked(AddDecayedWeights(0.1))", new Masked(new AddDecayedWeights(0.1), NotBias).ToString());
    }
}
