using FsCheck.Xunit;

namespace Nabla.Tests.Optimizers;

/// <summary>Optimizer state listed by name (what checkpoints save, what Fit enumerates) and rebuilt from that list.</summary>
[OptimizerProperties]
public class StateDictTests
{
    [Property]
    public void A_state_saved_by_name_and_loaded_again_makes_the_same_next_update(OptimizerCase c)
    {
        var (optimizer, rng) = (c.Optimizer, c.Rng());
        var parameters = c.Random(rng);
        var state = optimizer.Init(parameters);
        for (var step = 0; step < 2; step++)
        {
            (var updates, state) = optimizer.Update(c.Random(rng), state, parameters);
            parameters = parameters.Add(updates);
        }
        var saved = state.ToStateDict();
        // As a checkpoint file gives them back: copies, sharing no storage with the state saved.
        var copy = new StateDict<double>(saved.Tensors.Map(t => t.Clone()), saved.Scalars);
        var loaded = optimizer.Init(parameters).LoadStateDict(copy);
        States.AssertEqual(state, loaded, $"{c}: loaded state");

        var gradients = c.Random(rng);
        var (expected, expectedState) = optimizer.Update(gradients, state, parameters);
        var (actual, actualState) = optimizer.Update(gradients, loaded, parameters);
        for (var i = 0; i < expected.Count; i++)
            Assert.Equal(TestSupport.Snapshot(expected[i]), TestSupport.Snapshot(actual[i]));
        States.AssertEqual(expectedState, actualState, $"{c}: state after the next update");
    }

    [Property]
    public void The_tensors_Fit_collects_after_each_step_are_the_state_dicts_the_same_objects_in_order(OptimizerCase c)
    {
        var (optimizer, rng) = (c.Optimizer, c.Rng());
        var parameters = c.Random(rng);
        var (_, state) = optimizer.Update(c.Random(rng), optimizer.Init(parameters), parameters);
        var collected = new List<Matrix<double>>();
        state.CollectTensors(collected);
        var listed = state.ToStateDict().Tensors.Tensors;
        Assert.Equal(listed.Length, collected.Count);
        for (var i = 0; i < listed.Length; i++) Assert.Same(listed[i], collected[i]);
    }

    static Parameters<double> Dense(int inputs, int outputs) =>
        new(["0.weight", "0.bias"], [Matrix<double>.Build.Dense(inputs, outputs, 1.0), Matrix<double>.Build.Dense(1, outputs, 1.0)]);

    static StateDict<double> AfterOneUpdate(IOptimizer optimizer, Parameters<double> p) => optimizer.Update(p, optimizer.Init(p), p).State.ToStateDict();

    [Fact]
    public void Tensors_are_named_slot_slash_parameter_and_the_step_count_is_a_scalar()
    {
        var p = Dense(3, 2);
        var adam = AfterOneUpdate(new Adam(), p);
        Assert.Equal(["m/0.weight", "m/0.bias", "v/0.weight", "v/0.bias"], adam.Tensors.Names.ToArray());
        Assert.Equal([("count", 1L)], adam.Scalars.ToArray());

        Assert.Equal(["trace/0.weight", "trace/0.bias"], AfterOneUpdate(new Chain(new ClipByGlobalNorm(1), new Sgd(0.1, Momentum: 0.9)), p).Tensors.Names.ToArray());
        Assert.Empty(AfterOneUpdate(new Sgd(0.1), p).Tensors.Names);
        Assert.Equal(["v/0.weight", "v/0.bias", "m/0.weight", "m/0.bias", "trace/0.weight", "trace/0.bias"],
            AfterOneUpdate(new RmsProp(Momentum: 0.9, Centered: true), p).Tensors.Names.ToArray());
        Assert.Equal(["sum_of_squares/0.weight", "sum_of_squares/0.bias"], AfterOneUpdate(new Adagrad(), p).Tensors.Names.ToArray());
        Assert.Empty(AfterOneUpdate(new ClipByValue(1), p).Scalars);
    }

    [Fact]
    public void In_a_chain_names_two_transforms_share_get_their_position_and_the_count_is_listed_once()
    {
        var contents = AfterOneUpdate(new Chain(new Sgd(1.0, Momentum: 0.5), new ClipByValue(1), new Sgd(0.1, Momentum: 0.9)), Dense(2, 2));
        Assert.Equal(["0/trace/0.weight", "0/trace/0.bias", "2/trace/0.weight", "2/trace/0.bias"], contents.Tensors.Names.ToArray());
        Assert.Equal([("count", 1L)], contents.Scalars.ToArray());
    }

    [Fact]
    public void Loading_refuses_contents_that_do_not_fit_and_says_what_is_wrong()
    {
        var p = Dense(3, 2);
        var adam = new Adam().Init(p);
        var good = adam.ToStateDict();

        var fromSgd = new Sgd(0.1, Momentum: 0.9).Init(p).ToStateDict();
        var e = Assert.Throws<ArgumentException>(() => adam.LoadStateDict(fromSgd));
        Assert.Contains("missing m/0.weight", e.Message);
        Assert.Contains("not part of it: trace/0.weight", e.Message);

        var otherShape = new StateDict<double>(good.Tensors.Map(t => t.RowCount == 3 ? Matrix<double>.Build.Dense(2, 3) : t), good.Scalars);
        Assert.Contains("m/0.weight is 2×3 but the state's m/0.weight is 3×2", Assert.Throws<ShapeException>(() => adam.LoadStateDict(otherShape)).Message);

        var negative = new StateDict<double>(good.Tensors, [("count", -1L)]);
        Assert.Contains("count must be ≥ 0, got -1", Assert.ThrowsAny<ArgumentException>(() => adam.LoadStateDict(negative)).Message);
    }

    [Fact]
    public void The_listed_tensors_are_the_states_own()
    {
        // What Fit's buffer recycling relies on: the list holds the state's tensors, not copies.
        var p = Dense(2, 2);
        var (_, state) = new Adam().Update(p, new Adam().Init(p), p);
        var adam = (ScaleByAdamState<double>)((ChainState<double>)state).States[1];
        Assert.Same(adam.M[0], state.ToStateDict().Tensors["m/0.weight"]);
        Assert.Same(adam.V[1], state.ToStateDict().Tensors["v/0.bias"]);
    }
}
