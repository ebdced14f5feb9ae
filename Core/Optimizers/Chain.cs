using System.Collections.Immutable;
using MathNet.Numerics.LinearAlgebra;

namespace Nabla.Optimizers;

/// <summary>
/// Transforms applied in order, each turning the previous one's output into its input (Optax's chain):
/// <c>new Chain(new ClipByGlobalNorm(1.0), new Adam())</c> clips the gradients, then Adam turns them into Δ.
/// </summary>
public sealed record Chain : IOptimizer
{
    /// <summary>The transforms, applied in the order given.</summary>
    public Chain(params IOptimizer[] Transforms) => this.Transforms = Transforms;

    /// <summary>The transforms, in order: at least one, none null.</summary>
    public IOptimizer[] Transforms { get; init => field = Checked(value); }

    static IOptimizer[] Checked(IOptimizer[]? transforms) =>
        transforms is { Length: > 0 } && transforms.All(t => t is not null) ? [.. transforms]
            : throw new ArgumentException("Chain needs at least one transform, and none may be null: " +
                "a chain of nothing would apply the raw gradient as the update (ascent).", nameof(Transforms));

    /// <summary>One state per transform, in order (<see cref="ChainState{T}"/>).</summary>
    public IOptimizerState<T> Init<T>(Parameters<T> parameters) where T : struct, IFloatingPointIeee754<T> =>
        new ChainState<T>([.. Transforms.Select(t => t.Init(parameters))]);

    /// <summary>Each transform's Update in turn, each taking the previous one's output; Δ is the last one's.</summary>
    public (Parameters<T> Updates, IOptimizerState<T> State) Update<T>(Parameters<T> gradients, IOptimizerState<T> state, Parameters<T> parameters)
        where T : struct, IFloatingPointIeee754<T> =>
        Run(gradients, state, parameters, apply: false);

    // The last transform applies its own output, so one that fuses the step (ScaleByLearningRate, Sgd) keeps doing so
    // inside a chain.
    /// <summary>θ' = θ + Δ: the transforms' Updates, then the last one's Apply, which may fuse the addition.</summary>
    public (Parameters<T> Parameters, IOptimizerState<T> State) Apply<T>(Parameters<T> gradients, IOptimizerState<T> state, Parameters<T> parameters)
        where T : struct, IFloatingPointIeee754<T> =>
        Run(gradients, state, parameters, apply: true);

    (Parameters<T>, IOptimizerState<T>) Run<T>(Parameters<T> gradients, IOptimizerState<T> state, Parameters<T> parameters, bool apply)
        where T : struct, IFloatingPointIeee754<T>
    {
        var states = StatesOf(state);
        var next = ImmutableArray.CreateBuilder<IOptimizerState<T>>(Transforms.Length);
        var result = gradients;
        for (var i = 0; i < Transforms.Length; i++)
        {
            var transform = Transforms[i];
            IOptimizerState<T> s;
            // A transform defined outside Nabla (a script's) may keep what it is given: handed off, Fit never recycles it.
            using (StepPool<T>.HandOff(transform, result.Tensors, parameters.Tensors))
                (result, s) = apply && i == Transforms.Length - 1
                    ? transform.Apply(result, states[i], parameters)
                    : transform.Update(result, states[i], parameters);
            next.Add(s);
        }
        return (result, new ChainState<T>(next.MoveToImmutable()));
    }

    /// <summary>The learning rate of the first transform that has one.</summary>
    public double? LearningRateInForce<T>(IOptimizerState<T> state) where T : struct, IFloatingPointIeee754<T>
    {
        var states = StatesOf(state);
        for (var i = 0; i < Transforms.Length; i++)
            if (Transforms[i].LearningRateInForce(states[i]) is { } rate) return rate;
        return null;
    }

    /// <summary>The transforms' states in <paramref name="state"/>, one per transform, or an error saying what was passed.</summary>
    internal ImmutableArray<IOptimizerState<T>> StatesOf<T>(IOptimizerState<T> state) where T : struct, IFloatingPointIeee754<T>
    {
        var states = OptimizerState.As<ChainState<T>>(state, this).States;
        if (states.Length != Transforms.Length)
            throw new ArgumentException($"{this}: the state holds {states.Length} transform states for {Transforms.Length} transforms; pass the state this chain's Init made.");
        return states;
    }

    /// <summary>Prints the transforms: "Chain(ClipByGlobalNorm { MaxNorm = 1 }, Adam(LearningRate: 0.001))".</summary>
    public override string ToString() => $"Chain({string.Join(", ", Transforms.AsEnumerable())})";
}

/// <summary><see cref="Chain"/>'s state: one state per transform, in order.</summary>
public sealed record ChainState<T>(ImmutableArray<IOptimizerState<T>> States) : IOptimizerState<T> where T : struct, IFloatingPointIeee754<T>
{
    // The transforms' names as they are (Adam in a chain after clipping still saves m/0.weight). A tensor name that two
    // transforms both give gets each one's position in front (1/trace/0.weight, 3/trace/0.weight). A scalar that several
    // give (each one's count) is listed once: every transform of a chain makes the same number of updates.
    /// <summary>Every transform's entries, under their own names; a tensor name two transforms share gets each one's position in
    /// front ("1/trace/0.weight").</summary>
    public StateDict<T> ToStateDict()
    {
        var parts = States.Select(s => s.ToStateDict()).ToArray();
        var shared = SharedTensorNames(parts);
        var (names, tensors, scalars) = (new List<string>(), new List<Matrix<T>>(), new List<(string Name, long Value)>());
        for (var i = 0; i < parts.Length; i++)
        {
            for (var k = 0; k < parts[i].Tensors.Count; k++)
            {
                names.Add(Name(i, parts[i].Tensors.Names[k], shared));
                tensors.Add(parts[i].Tensors[k]);
            }
            foreach (var (name, value) in parts[i].Scalars)
            {
                var j = scalars.FindIndex(s => s.Name == name);
                if (j < 0) scalars.Add((name, value));
                else if (scalars[j].Value != value)
                    throw new InvalidOperationException($"ChainState: two transforms hold {name} = {scalars[j].Value} and {value}; " +
                        "the transforms of a chain make the same number of updates, so the state was not made by Init and Update.");
            }
        }
        return new StateDict<T>(new Parameters<T>(names, tensors), [.. scalars]);
    }

    /// <inheritdoc/>
    public void CollectTensors(List<Matrix<T>> tensors)
    {
        // The parts' tensors in turn: ToStateDict's order (renaming shared names moves none).
        foreach (var state in States) state.CollectTensors(tensors);
    }

    /// <inheritdoc/>
    public IOptimizerState<T> LoadStateDict(StateDict<T> contents)
    {
        contents.RequireSameNames(ToStateDict(), this);
        var parts = States.Select(s => s.ToStateDict()).ToArray();
        var shared = SharedTensorNames(parts);
        return new ChainState<T>([.. States.Select((state, i) => state.LoadStateDict(new StateDict<T>(
            parts[i].Tensors.WithTensors(parts[i].Tensors.Names.Select(n => contents.Tensors[Name(i, n, shared)])),
            [.. parts[i].Scalars.Select(s => (s.Name, contents.Scalar(s.Name)))])))]);
    }

    static HashSet<string> SharedTensorNames(StateDict<T>[] parts) =>
        parts.SelectMany(p => p.Tensors.Names).GroupBy(n => n).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet();

    static string Name(int position, string name, HashSet<string> shared) => shared.Contains(name) ? $"{position}/{name}" : name;

    /// <summary>Prints each transform's state.</summary>
    public override string ToString() => $"ChainState({string.Join(", ", States)})";
}
