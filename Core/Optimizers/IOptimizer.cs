using MathNet.Numerics.LinearAlgebra;

namespace Nabla.Optimizers;

/// <summary>
/// An optimizer as a pair of pure functions over plain-data state (Optax's GradientTransformation):
/// <c>Init</c> makes the state for some parameters, <c>Update</c> turns gradients into signed updates Δ and a new
/// state. Applying is one addition, θ' = θ + Δ, which is what lets transforms compose in a <see cref="Chain"/>.
/// </summary>
public interface IOptimizer
{
    /// <summary>The state before the first step (zero moments, step 0).</summary>
    IOptimizerState<T> Init<T>(Parameters<T> parameters) where T : struct, IFloatingPointIeee754<T>;

    /// <summary>Δ for gradients g at parameters θ, and the next state. Pure: no argument is changed.</summary>
    (Parameters<T> Updates, IOptimizerState<T> State) Update<T>(Parameters<T> gradients, IOptimizerState<T> state, Parameters<T> parameters)
        where T : struct, IFloatingPointIeee754<T>;

    /// <summary>θ' = θ + Δ and the next state: <see cref="Update"/> then one addition, which an optimizer may fuse into
    /// a single pass over the parameters (the training step calls this). Pure, like Update.</summary>
    (Parameters<T> Parameters, IOptimizerState<T> State) Apply<T>(Parameters<T> gradients, IOptimizerState<T> state, Parameters<T> parameters)
        where T : struct, IFloatingPointIeee754<T>
    {
        var (updates, next) = Update(gradients, state, parameters);
        return (parameters.Add(updates), next);
    }

    /// <summary>The learning rate of the latest update made from <paramref name="state"/> (the first update's before
    /// any), for logging; null for a transform without one (clipping, scaling).</summary>
    double? LearningRateInForce<T>(IOptimizerState<T> state) where T : struct, IFloatingPointIeee754<T> => null;
}

/// <summary>An optimizer's state: plain data (records of tensors and counters) that lists its contents by name, so a
/// checkpoint can save it and <c>Fit</c> can tell which buffers it holds, without reflection.</summary>
public interface IOptimizerState<T> where T : struct, IFloatingPointIeee754<T>
{
    /// <summary>Every tensor this state holds, named "slot/parameter" (<c>m/0.weight</c>), and every scalar (<c>count</c>),
    /// in a fixed order. The tensors are the state's own (not copies): never change them.</summary>
    StateDict<T> ToStateDict();

    /// <summary>A state of this one's structure (what Init made for the same parameters) holding the tensors and scalars
    /// of <paramref name="contents"/>, which must have exactly this state's names and shapes. The tensors are taken as
    /// they are (not copied). With <see cref="ToStateDict"/>: state → contents → state gives an equal state.</summary>
    IOptimizerState<T> LoadStateDict(StateDict<T> contents);

    /// <summary>Appends the tensors of <see cref="ToStateDict"/>, the same ones in the same order, to <paramref name="tensors"/>
    /// without naming them. Fit calls it after every step to learn which buffers the state holds; the names would cost a
    /// few kilobytes of strings and sets each time. A state whose ToStateDict builds names should override it.</summary>
    void CollectTensors(List<Matrix<T>> tensors)
    {
        foreach (var tensor in ToStateDict().Tensors.Tensors) tensors.Add(tensor);
    }
}

/// <summary>The state of a stateless transform.</summary>
public sealed record EmptyState<T> : IOptimizerState<T> where T : struct, IFloatingPointIeee754<T>
{
    /// <summary>The one instance (it holds nothing).</summary>
    public static readonly EmptyState<T> Instance = new();

    /// <summary>Nothing.</summary>
    public StateDict<T> ToStateDict() => StateDict<T>.Empty;

    /// <inheritdoc/>
    public void CollectTensors(List<Matrix<T>> tensors) { }

    /// <summary>This state, after checking that <paramref name="contents"/> is empty.</summary>
    public IOptimizerState<T> LoadStateDict(StateDict<T> contents)
    {
        contents.RequireSameNames(StateDict<T>.Empty, this);
        return this;
    }
}

/// <summary>Helpers shared by the optimizers' Update functions.</summary>
static class OptimizerState
{
    /// <summary>The state as the type <paramref name="owner"/>'s Init makes, or an error saying what was passed.</summary>
    public static TState As<TState>(object state, object owner) =>
        state is TState typed ? typed
            : throw new ArgumentException($"{owner}: expected a {typeof(TState).Name.Split('`')[0]} (what its Init returns), " +
                $"got a {state.GetType().Name.Split('`')[0]}. Pass the state this optimizer's Init made, not another optimizer's.");

    /// <summary>The step index of the latest update, for a state that has counted <paramref name="count"/> updates.</summary>
    public static long LatestStep(long count) => Math.Max(0, count - 1);
}
