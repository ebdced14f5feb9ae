using System.Collections.Immutable;

namespace Nabla.Optimizers;

/// <summary>
/// Transforms applied in order, each turning the previous one's output into its input (Optax's chain):
/// <c>new Chain(new ClipByGlobalNorm(1.0), new Adam())</c> clips the gradients, then Adam turns them into Δ.
/// </summary>
public sealed record Chain(params IOptimizer[] Transforms) : IOptimizer
{
    public IOptimizer[] Transforms { get; init => field = Checked(value); } = Checked(Transforms);

    static IOptimizer[] Checked(IOptimizer[]? transforms) =>
        transforms is { Length: > 0 } && transforms.All(t => t is not null) ? [.. transforms]
            : throw new ArgumentException("Chain needs at least one transform, and none may be null: " +
                "a chain of nothing would apply the raw gradient as the update (ascent).", nameof(Transforms));

    public IOptimizerState<T> Init<T>(Parameters<T> parameters) where T : struct, IFloatingPointIeee754<T> =>
        new ChainState<T>([.. Transforms.Select(t => t.Init(parameters))]);

    public (Parameters<T> Updates, IOptimizerState<T> State) Update<T>(Parameters<T> gradients, IOptimizerState<T> state, Parameters<T> parameters)
        where T : struct, IFloatingPointIeee754<T> =>
        Run(gradients, state, parameters, apply: false);

    // The last transform applies its own output, so one that fuses the step (SGD) keeps doing so inside a chain.
    public (Parameters<T> Parameters, IOptimizerState<T> State) Apply<T>(Parameters<T> gradients, IOptimizerState<T> state, Parameters<T> parameters)
        where T : struct, IFloatingPointIeee754<T> =>
        Run(gradients, state, parameters, apply: true);

    (Parameters<T>, IOptimizerState<T>) Run<T>(Parameters<T> gradients, IOptimizerState<T> state, Parameters<T> parameters, bool apply)
        where T : struct, IFloatingPointIeee754<T>
    {
        var states = States(state);
        var next = ImmutableArray.CreateBuilder<IOptimizerState<T>>(Transforms.Length);
        var result = gradients;
        for (var i = 0; i < Transforms.Length; i++)
        {
            (result, var s) = apply && i == Transforms.Length - 1
                ? Transforms[i].Apply(result, states[i], parameters)
                : Transforms[i].Update(result, states[i], parameters);
            next.Add(s);
        }
        return (result, new ChainState<T>(next.MoveToImmutable()));
    }

    /// <summary>The learning rate of the first transform that has one.</summary>
    public double? LearningRateInForce<T>(IOptimizerState<T> state) where T : struct, IFloatingPointIeee754<T>
    {
        var states = States(state);
        for (var i = 0; i < Transforms.Length; i++)
            if (Transforms[i].LearningRateInForce(states[i]) is { } rate) return rate;
        return null;
    }

    ImmutableArray<IOptimizerState<T>> States<T>(IOptimizerState<T> state) where T : struct, IFloatingPointIeee754<T>
    {
        var states = OptimizerState.As<ChainState<T>>(state, this).States;
        if (states.Length != Transforms.Length)
            throw new ArgumentException($"{this}: the state holds {states.Length} transform states for {Transforms.Length} transforms; pass the state this chain's Init made.");
        return states;
    }

    public override string ToString() => $"Chain({string.Join(", ", Transforms.AsEnumerable())})";
}

/// <summary><see cref="Chain"/>'s state: one state per transform, in order.</summary>
public sealed record ChainState<T>(ImmutableArray<IOptimizerState<T>> States) : IOptimizerState<T> where T : struct, IFloatingPointIeee754<T>
{
    public override string ToString() => $"ChainState({string.Join(", ", States)})";
}
