using System.Collections.Immutable;

namespace Nabla.Tests.Optimizers;

/// <summary>What the optimizers say when they refuse an input, and what their states print: the step that checks,
/// and the operands it compares, are named, so a user whose gradients, parameters or state do not fit learns which.</summary>
public class OptimizerMessageTests
{
    static Parameters<double> Dense(int inputs, int outputs) =>
        new(["0.weight", "0.bias"], [Matrix<double>.Build.Dense(inputs, outputs, 1.0), Matrix<double>.Build.Dense(1, outputs, 1.0)]);

    static IOptimizer Named(string name) => name switch
    {
        "sgd" => new Sgd(0.1),
        "sgd_momentum" => new Sgd(0.1, Momentum: 0.9),
        "adagrad" => new Adagrad(0.1),
        "rmsprop_centered" => new RmsProp(0.01, Momentum: 0.9, Centered: true),
        "adam" => new Adam(),
        "adamw" => new AdamW(),
        "masked_trace" => new Chain(new Masked(new Trace(0.9), n => n.EndsWith(".weight")), new ScaleByLearningRate(0.1)),
        "clip_then_rate" => new Chain(new ClipByValue(1), new ScaleByLearningRate(0.1)),
        _ => throw new ArgumentException(name),
    };

    /// <summary>Gradients 2×3 against parameters 3×2, the state made for the parameters: the first check on the path names itself.</summary>
    [Theory]
    [InlineData("sgd", "AddDecayedWeights.Update (parameters vs gradients)", "Sgd.Apply (parameters vs gradients)")]
    [InlineData("adagrad", "AddDecayedWeights.Update (parameters vs gradients)", "AddDecayedWeights.Update (parameters vs gradients)")]
    [InlineData("adam", "AddDecayedWeights.Update (parameters vs gradients)", "Adam.Apply (parameters vs gradients)")]
    [InlineData("adamw", "ScaleByAdam.Update (state vs gradients)", "Adam.Apply (parameters vs gradients)")]
    [InlineData("masked_trace", "Masked.Update (parameters vs gradients)", "Masked.Update (parameters vs gradients)")]
    [InlineData("clip_then_rate", null, "ScaleByLearningRate.Apply (parameters vs updates)")]
    public void Gradients_that_do_not_fit_the_parameters_are_named_by_the_check_that_refuses_them(string name, string? byUpdate, string byApply)
    {
        var (optimizer, parameters, gradients) = (Named(name), Dense(3, 2), Dense(2, 3));
        var state = optimizer.Init(parameters);
        if (byUpdate is null) optimizer.Update(gradients, state, parameters);   // clipping and a rate alone never look at θ
        else AssertRefused(byUpdate, () => optimizer.Update(gradients, state, parameters));
        AssertRefused(byApply, () => optimizer.Apply(gradients, state, parameters));
    }

    /// <summary>Parameters and gradients 2×3 that fit each other, a state made for 3×2 parameters: the state's check names it.</summary>
    [Theory]
    [InlineData("sgd_momentum", "Trace.Update (state vs gradients)", "Sgd.Apply (momentum vs gradients)")]
    [InlineData("adagrad", "ScaleByAdagrad.Update (state vs gradients)", "ScaleByAdagrad.Update (state vs gradients)")]
    [InlineData("rmsprop_centered", "ScaleByRms.Update (state vs gradients)", "ScaleByRms.Update (state vs gradients)")]
    [InlineData("adam", "ScaleByAdam.Update (state vs gradients)", "Adam.Apply (moments vs gradients)")]
    [InlineData("masked_trace", "Trace.Update (state vs gradients)", "Trace.Update (state vs gradients)")]
    public void A_state_made_for_other_parameters_is_named_by_the_check_that_refuses_it(string name, string byUpdate, string byApply)
    {
        var optimizer = Named(name);
        var (state, fitting) = (optimizer.Init(Dense(3, 2)), Dense(2, 3));
        AssertRefused(byUpdate, () => optimizer.Update(fitting, state, fitting));
        AssertRefused(byApply, () => optimizer.Apply(fitting, state, fitting));
    }

    static void AssertRefused(string check, Action call)
    {
        var e = Assert.Throws<ShapeException>(call);
        Assert.StartsWith($"{check}: tensor 0.weight is ", e.Message);
    }

    [Fact]
    public void Loading_contents_with_other_names_lists_what_is_missing_and_what_is_foreign_and_nothing_else()
    {
        var p = Dense(3, 2);
        var adam = new Adam().Init(p);
        var momentum = new Sgd(0.1, Momentum: 0.9).Init(p).ToStateDict();
        Assert.EndsWith(": the state to load does not fit this optimizer's state; missing m/0.weight, m/0.bias, v/0.weight, v/0.bias; " +
            "not part of it: trace/0.weight, trace/0.bias. Load a state saved from the same optimizer on parameters with the same names.",
            Assert.Throws<ArgumentException>(() => adam.LoadStateDict(momentum)).Message);

        // Only missing, then only foreign: the other list is not printed.
        var adamContents = adam.ToStateDict();
        var withoutV = new StateDict<double>(new Parameters<double>(["m/0.weight", "m/0.bias"], [adamContents.Tensors[0], adamContents.Tensors[1]]), adamContents.Scalars);
        var missing = Assert.Throws<ArgumentException>(() => adam.LoadStateDict(withoutV)).Message;
        Assert.Contains("; missing v/0.weight, v/0.bias. Load", missing);
        Assert.DoesNotContain("not part of it", missing);
        var extra = Assert.Throws<ArgumentException>(() => adam.LoadStateDict(adamContents.With("epochs", 3))).Message;
        Assert.Contains("state; not part of it: epochs. Load", extra);
        Assert.DoesNotContain("missing", extra);
        var noCount = new StateDict<double>(adamContents.Tensors, []);
        Assert.Contains("; missing count. Load", Assert.Throws<ArgumentException>(() => adam.LoadStateDict(noCount)).Message);
    }

    /// <summary>States that rebuild from a slot alone would take foreign names silently without the name check.</summary>
    [Theory]
    [InlineData("adagrad")]
    [InlineData("rmsprop_centered")]
    [InlineData("sgd_momentum")]
    [InlineData("clip_then_rate")]
    [InlineData("adam")]
    public void Every_state_refuses_contents_with_a_name_it_does_not_hold(string name)
    {
        var state = Named(name).Init(Dense(3, 2));
        var contents = state.ToStateDict();
        var foreign = new StateDict<double>(new Parameters<double>([.. contents.Tensors.Names, "stray/0.weight"],
            [.. contents.Tensors.Tensors, Matrix<double>.Build.Dense(3, 2)]), contents.Scalars);
        Assert.Contains("not part of it: stray/0.weight", Assert.Throws<ArgumentException>(() => state.LoadStateDict(foreign)).Message);
        foreach (var inner in ((ChainState<double>)state).States)
        {
            var own = inner.ToStateDict();
            var stray = new StateDict<double>(new Parameters<double>([.. own.Tensors.Names, "stray"], [.. own.Tensors.Tensors, Matrix<double>.Build.Dense(1, 1)]), own.Scalars);
            Assert.Contains("not part of it: stray", Assert.Throws<ArgumentException>(() => inner.LoadStateDict(stray)).Message);
        }
    }

    [Fact]
    public void A_stateless_transform_refuses_another_transforms_state()
    {
        var p = Dense(2, 2);
        var adamState = new ScaleByAdam().Init(p);
        Assert.StartsWith("AddDecayedWeights(0.01): expected a EmptyState (what its Init returns), got a ScaleByAdamState.",
            Assert.Throws<ArgumentException>(() => new AddDecayedWeights(0.01).Update(p, adamState, p)).Message);
    }

    [Fact]
    public void Scalars_are_looked_up_by_name_and_a_name_given_twice_is_refused()
    {
        var contents = StateDict<double>.Empty.With("count", 4);
        Assert.Equal(4, contents.Scalar("count"));
        Assert.Equal("The optimizer state has no scalar named \"steps\"; its scalars are count.",
            Assert.Throws<KeyNotFoundException>(() => contents.Scalar("steps")).Message);
        Assert.StartsWith("StateDict: the scalar \"count\" is given twice.", Assert.Throws<ArgumentException>(() => contents.With("count", 5)).Message);
    }

    [Fact]
    public void A_chain_refuses_a_state_made_by_another_chain_and_a_null_transform()
    {
        var p = Dense(2, 2);
        var two = new Chain(new ClipByValue(1), new Sgd(0.1));
        var three = new Chain(new ClipByValue(1), new ClipByValue(2), new Sgd(0.1));
        Assert.Contains("the state holds 2 transform states for 3 transforms; pass the state this chain's Init made.",
            Assert.Throws<ArgumentException>(() => three.Update(p, two.Init(p), p)).Message);
        Assert.StartsWith("Chain needs at least one transform, and none may be null",
            Assert.Throws<ArgumentException>(() => new Chain(new Sgd(0.1), null!)).Message);
    }

    [Fact]
    public void A_chain_state_whose_transforms_disagree_on_the_step_count_is_refused_when_listed()
    {
        var states = ImmutableArray.Create<IOptimizerState<double>>(new ScaleByLearningRateState<double>(1), new ScaleByLearningRateState<double>(2));
        Assert.StartsWith("ChainState: two transforms hold count = 1 and 2;",
            Assert.Throws<InvalidOperationException>(() => new ChainState<double>(states).ToStateDict()).Message);
    }

    [Fact]
    public void States_and_schedules_print_their_names_and_shapes_never_their_values()
    {
        var p = Dense(3, 2);
        string After(IOptimizer o) => o.Update(p, o.Init(p), p).State.ToString()!;
        Assert.Equal("ChainState(ScaleByAdamState(count 1, Parameters(0.weight: 3×2, 0.bias: 1×2)), EmptyState { }, ScaleByLearningRateState { Count = 1 })",
            After(new AdamW()));
        Assert.Equal("ChainState(EmptyState { }, ScaleByAdagradState(Parameters(0.weight: 3×2, 0.bias: 1×2)), ScaleByLearningRateState { Count = 1 })",
            After(new Adagrad(0.1)));
        Assert.Equal("ChainState(EmptyState { }, ScaleByRmsState(Parameters(0.weight: 3×2, 0.bias: 1×2)), TraceState(no buffers), ScaleByLearningRateState { Count = 1 })",
            After(new RmsProp(0.01)));
        Assert.Equal("ChainState(EmptyState { }, TraceState(Parameters(0.weight: 3×2, 0.bias: 1×2)), ScaleByLearningRateState { Count = 1 })",
            After(new Sgd(0.1, Momentum: 0.9)));
        Assert.Equal("StateDict(count = 1, trace/0.weight: 3×2, trace/0.bias: 1×2)",
            new Sgd(0.1, Momentum: 0.9).Update(p, new Sgd(0.1, Momentum: 0.9).Init(p), p).State.ToStateDict().ToString());

        Assert.Equal("InverseTimeDecay(0.1, 0.5)", new InverseTimeDecay(0.1, DecayRate: 0.5).ToString());
        Assert.Equal("InverseTimeDecay(0.1, 0.5, DecaySteps: 4, Staircase: true)", new InverseTimeDecay(0.1, DecayRate: 0.5, DecaySteps: 4, Staircase: true).ToString());
        Assert.Equal("AddDecayedWeights(0.01)", new AddDecayedWeights(0.01).ToString());
        Assert.Equal("AddDecayedWeights(0.01, masked)", new AddDecayedWeights(0.01) { Mask = n => true }.ToString());
        Assert.Equal("Sgd(LearningRate: 0.1, Momentum: 0.9, Nesterov: true)", new Sgd(0.1, Momentum: 0.9, Nesterov: true).ToString());
        Assert.Equal("RmsProp(LearningRate: 0.01, Centered: true)", new RmsProp(0.01, Centered: true).ToString());
    }
}
