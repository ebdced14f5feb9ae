using System.Runtime.CompilerServices;

namespace Nabla.Optimizers;

/// <summary>
/// The step down the slope (Optax's scale_by_learning_rate): u = −η_t·g per element, where η_t is the learning rate
/// of update t = 0, 1, 2, … (a number, or a <see cref="LearningRateSchedule"/>). The last transform of every named
/// optimizer; its state counts the updates for the schedule.
/// </summary>
public sealed record ScaleByLearningRate : IOptimizer
{
    /// <summary>u = −η_t·g, η_t from <paramref name="LearningRate"/> (a number converts to a constant schedule).</summary>
    public ScaleByLearningRate(LearningRateSchedule LearningRate) => this.LearningRate = LearningRate;

    /// <summary>η_t: a number or a schedule.</summary>
    public LearningRateSchedule LearningRate { get; init => field = Hyper.Given(value, this); }

    /// <summary>count 0: the next update uses η_0.</summary>
    public IOptimizerState<T> Init<T>(Parameters<T> parameters) where T : struct, IFloatingPointIeee754<T> => new ScaleByLearningRateState<T>(0);

    /// <summary>u = −η_t·g per element, t the updates made so far; u shaped like each parameter.</summary>
    public (Parameters<T> Updates, IOptimizerState<T> State) Update<T>(Parameters<T> gradients, IOptimizerState<T> state, Parameters<T> parameters)
        where T : struct, IFloatingPointIeee754<T> =>
        Step(gradients, state, parameters, apply: false);

    /// <summary>θ' = θ − η_t·g in one pass (no Δ materialized): the last step of a chain's <see cref="Chain.Apply"/>.</summary>
    public (Parameters<T> Parameters, IOptimizerState<T> State) Apply<T>(Parameters<T> gradients, IOptimizerState<T> state, Parameters<T> parameters)
        where T : struct, IFloatingPointIeee754<T> =>
        Step(gradients, state, parameters, apply: true);

    (Parameters<T>, IOptimizerState<T>) Step<T>(Parameters<T> gradients, IOptimizerState<T> state, Parameters<T> parameters, bool apply)
        where T : struct, IFloatingPointIeee754<T>
    {
        var s = OptimizerState.As<ScaleByLearningRateState<T>>(state, this);
        if (apply) parameters.RequireSameShapes(gradients, $"{nameof(ScaleByLearningRate)}.Apply (parameters vs updates)");
        var rate = RateAt<T>(s.Count);
        var results = gradients.Map(Kernels.UninitializedLike);
        for (var i = 0; i < gradients.Count; i++)
        {
            var (g, r, p) = (Kernels.Values(gradients[i]), Kernels.Values(results[i]), apply ? Kernels.Values(parameters[i]) : []);
            Workers.ForChunks(g.Length, (start, n) => Kernel(g.AsSpan(start, n), Workers.Chunk(p, start, n), r.AsSpan(start, n), rate));
        }
        return (results, new ScaleByLearningRateState<T>(s.Count + 1));
    }

    /// <summary>−η_t for update <paramref name="count"/> (0 for the first), in T.</summary>
    internal T RateAt<T>(long count) where T : struct, IFloatingPointIeee754<T> => T.CreateChecked(-LearningRate.At(count));

    /// <summary>η_t of the latest update (η_0 before any).</summary>
    public double? LearningRateInForce<T>(IOptimizerState<T> state) where T : struct, IFloatingPointIeee754<T> =>
        LearningRate.At(OptimizerState.LatestStep(OptimizerState.As<ScaleByLearningRateState<T>>(state, this).Count));

    /// <summary>The rule for one element: u = rate·g with rate = −η_t.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static T Rule<T>(T g, T rate) where T : struct, IFloatingPointIeee754<T> => g * rate;

    /// <summary>The same rule for Vector&lt;T&gt;.Count elements at once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector<T> Rule<T>(Vector<T> g, Vector<T> rate) where T : struct, IFloatingPointIeee754<T> => g * rate;

    /// <summary>The rule over spans, into u; or, given θ (<paramref name="p"/> not empty), θ + u.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot: skip tier-0 JIT (see Core/Compute/README.md)
    internal static void Kernel<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> p, Span<T> result, T rate) where T : struct, IFloatingPointIeee754<T>
    {
        var apply = !p.IsEmpty;
        var i = 0;
        // Stryker disable once Boolean,Equality : equivalent; the vector loop and the scalar tail give the same bits (RuleKernelTests), so which one takes an element cannot be seen
        if (Simd.Vectorized<T>())
            for (var r = new Vector<T>(rate); i <= g.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                var u = Rule(new Vector<T>(g[i..]), r);
                (apply ? new Vector<T>(p[i..]) + u : u).CopyTo(result[i..]);
            }
        for (; i < g.Length; i++) result[i] = apply ? p[i] + Rule(g[i], rate) : Rule(g[i], rate);
    }
}

/// <summary><see cref="ScaleByLearningRate"/>'s state: the number of updates made (saved as count), which picks η_t.</summary>
public sealed record ScaleByLearningRateState<T>(long Count) : IOptimizerState<T> where T : struct, IFloatingPointIeee754<T>
{
    /// <summary>"count": the updates made, which picks η_t.</summary>
    public StateDict<T> ToStateDict() => StateDict<T>.Empty.With("count", Count);

    /// <inheritdoc/>
    public void CollectTensors(List<MathNet.Numerics.LinearAlgebra.Matrix<T>> tensors) { }

    /// <inheritdoc/>
    public IOptimizerState<T> LoadStateDict(StateDict<T> contents)
    {
        contents.RequireSameNames(ToStateDict(), this);
        return new ScaleByLearningRateState<T>(contents.Count());
    }
}
