using FsCheck.Xunit;

namespace Nabla.Tests.Optimizers;

/// <summary>The optimizer configurations the optimizer properties run over, by name.</summary>
static class OptimizerCases
{
    /// <summary>Every configuration without weight decay (AdamW's is turned off): zero gradients leave θ unchanged.</summary>
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

    /// <summary>Every configuration, weight decay included.</summary>
    public static readonly Dictionary<string, IOptimizer> All = new(WithoutDecay)
    {
        ["sgd_weight_decay"] = new Sgd(0.1, WeightDecay: 0.05),
        ["sgd_momentum_weight_decay"] = new Sgd(0.1, Momentum: 0.9, WeightDecay: 0.05),
        ["adam_weight_decay"] = new Adam(WeightDecay: 0.05),
        ["adamw"] = new AdamW(),
        ["adagrad_weight_decay"] = new Adagrad(0.1, WeightDecay: 0.05),
        ["rmsprop_weight_decay"] = new RmsProp(0.01, Momentum: 0.5, WeightDecay: 0.05),
        ["chain_two_momentums"] = new Chain(new Sgd(1.0, Momentum: 0.5), new Sgd(0.1, Momentum: 0.9)),
        ["adamw_decay_mask"] = new AdamW(WeightDecay: 0.1) { WeightDecayMask = name => !name.EndsWith(".bias") },
        ["masked_momentum"] = new Chain(new Masked(new Trace(0.9), name => name.EndsWith(".weight")), new ScaleByLearningRate(0.1)),
    };
}

/// <summary>A property case: an optimizer configuration (a key of <see cref="OptimizerCases"/>), the shape of a
/// two-tensor parameter list (a rows × columns weight and a 1 × columns bias, as a dense layer's) and a seed for the
/// values. Shrinks toward smaller shapes and earlier configurations.</summary>
public sealed record OptimizerCase(string Name, int Rows, int Columns, ulong Seed)
{
    public IOptimizer Optimizer => OptimizerCases.All[Name];

    public Rng Rng() => new(Seed);

    /// <summary>Random parameters (or gradients) named as a dense layer's: 0.weight (rows × columns) and 0.bias (1 × columns).</summary>
    public Parameters<double> Random(Rng rng, double low = -3, double high = 3) =>
        new(["0.weight", "0.bias"], [TestSupport.Random(rng, Rows, Columns, low, high), TestSupport.Random(rng, 1, Columns, low, high)]);

    public override string ToString() => $"{Name} on {Rows}×{Columns} + 1×{Columns}, seed {Seed}";
}

/// <summary>A case over the configurations without weight decay only (<see cref="OptimizerCases.WithoutDecay"/>).</summary>
public sealed record DecayFreeCase(OptimizerCase Case)
{
    public override string ToString() => Case.ToString();
}

/// <summary>FsCheck generators for the optimizer properties: <c>[Property(Arbitrary = [typeof(OptimizerArbitraries)])]</c>.</summary>
public static class OptimizerArbitraries
{
    /// <summary>Cases over every configuration.</summary>
    public static Arbitrary<OptimizerCase> Cases() => From([.. OptimizerCases.All.Keys]);

    /// <summary>Cases over the configurations without weight decay.</summary>
    public static Arbitrary<DecayFreeCase> DecayFree() => From([.. OptimizerCases.WithoutDecay.Keys]).Convert(c => new DecayFreeCase(c), d => d.Case);

    static Arbitrary<OptimizerCase> From(string[] names) =>
        Arb.From(
            from name in Gen.Elements(names)
            from rows in Gen.Choose(1, 6)
            from columns in Gen.Choose(1, 7)
            from seed in Gen.Choose(0, int.MaxValue)
            select new OptimizerCase(name, rows, columns, (ulong)seed),
            c => Shrink(c, names));

    static IEnumerable<OptimizerCase> Shrink(OptimizerCase c, string[] names)
    {
        if (c.Rows > 1) yield return c with { Rows = c.Rows - 1 };
        if (c.Columns > 1) yield return c with { Columns = c.Columns - 1 };
        var index = Array.IndexOf(names, c.Name);
        if (index > 0) yield return c with { Name = names[index - 1] };
    }
}

/// <summary>The optimizer properties' settings, on a test class: cases from <see cref="OptimizerArbitraries"/>, and a fixed
/// start seed so a run is the same on every machine (a failure prints the shrunk case and the seed to replay it with:
/// <c>[Property(Replay = "…")]</c>).</summary>
public sealed class OptimizerPropertiesAttribute : PropertiesAttribute
{
    public OptimizerPropertiesAttribute()
    {
        Arbitrary = [typeof(OptimizerArbitraries)];
        Replay = "(42,7)";
        MaxTest = 200;   // 22 configurations: each drawn about nine times
    }
}

/// <summary>Optimizer states compared by value (names, scalars, every tensor's bits), not by reference or ToString.</summary>
static class States
{
    public static (string[] Names, (string, long)[] Scalars, double[][] Values) Snapshot(IOptimizerState<double> state)
    {
        var contents = state.ToStateDict();
        return ([.. contents.Tensors.Names], [.. contents.Scalars], [.. contents.Tensors.Tensors.Select(TestSupport.Snapshot)]);
    }

    public static void AssertEqual(IOptimizerState<double> expected, IOptimizerState<double> actual, string what)
    {
        var (e, a) = (Snapshot(expected), Snapshot(actual));
        Assert.True(e.Names.SequenceEqual(a.Names), $"{what}: names {string.Join(", ", e.Names)} ≠ {string.Join(", ", a.Names)}");
        Assert.True(e.Scalars.SequenceEqual(a.Scalars), $"{what}: scalars {string.Join(", ", e.Scalars)} ≠ {string.Join(", ", a.Scalars)}");
        for (var i = 0; i < e.Values.Length; i++)
            Assert.True(e.Values[i].SequenceEqual(a.Values[i]), $"{what}: {e.Names[i]} differs");
    }
}
