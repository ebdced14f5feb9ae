using System.Collections.Immutable;

namespace Nabla.Optimizers;

/// <summary>
/// A named optimizer (<see cref="Sgd"/>, <see cref="Adam"/>, …): a <see cref="Chain"/> of transforms under the names and
/// defaults PyTorch users know, as Optax defines its optimizers. Init, Update and the learning rate are the chain's; an
/// optimizer may override Apply with a fused pass, pinned to the chain's Update + Add by a test.
/// </summary>
public abstract record ComposedOptimizer : IOptimizer
{
    /// <summary>The transforms this optimizer is, in order (its definition).</summary>
    public abstract Chain AsChain();

    /// <summary>The chain's state (<see cref="AsChain"/>).</summary>
    public IOptimizerState<T> Init<T>(Parameters<T> parameters) where T : struct, IFloatingPointIeee754<T> => AsChain().Init(parameters);

    /// <summary>The chain's Δ and next state.</summary>
    public (Parameters<T> Updates, IOptimizerState<T> State) Update<T>(Parameters<T> gradients, IOptimizerState<T> state, Parameters<T> parameters)
        where T : struct, IFloatingPointIeee754<T> =>
        AsChain().Update(gradients, state, parameters);

    /// <summary>θ' = θ + Δ and the next state; the chain's, unless an optimizer fuses it into one pass.</summary>
    public virtual (Parameters<T> Parameters, IOptimizerState<T> State) Apply<T>(Parameters<T> gradients, IOptimizerState<T> state, Parameters<T> parameters)
        where T : struct, IFloatingPointIeee754<T> =>
        AsChain().Apply(gradients, state, parameters);

    /// <summary>The chain's: its learning-rate transform's η_t.</summary>
    public double? LearningRateInForce<T>(IOptimizerState<T> state) where T : struct, IFloatingPointIeee754<T> =>
        AsChain().LearningRateInForce(state);

    /// <summary>The transforms' states in <paramref name="state"/> (what Init made), checked against the chain.</summary>
    protected ImmutableArray<IOptimizerState<T>> StatesOf<T>(IOptimizerState<T> state) where T : struct, IFloatingPointIeee754<T> =>
        AsChain().StatesOf(state);

    /// <summary>"Adam(LearningRate: 0.001, WeightDecay: 0.01)": the learning rate, then each hyperparameter set away from
    /// its default.</summary>
    protected static string Describe(string name, LearningRateSchedule learningRate, params (string Name, object? Value, object? Default)[] hyperparameters) =>
        $"{name}(LearningRate: {learningRate}"
        + string.Concat(hyperparameters.Where(h => !Equals(h.Value, h.Default)).Select(h => $", {h.Name}: {Format(h.Value)}")) + ")";

    static string Format(object? value) => value switch
    {
        double d => d.ToString("R"),
        bool b => b ? "true" : "false",
        Delegate => "(a mask)",
        _ => $"{value}",
    };
}
