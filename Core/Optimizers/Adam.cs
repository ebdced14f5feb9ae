using System.Runtime.CompilerServices;

namespace Nabla.Optimizers;

/// <summary>
/// Adam, PyTorch's rule: g' = g + λ·θ, m = β₁·m + (1 − β₁)·g', v = β₂·v + (1 − β₂)·g'², and at update t (from 1)
/// Δ = −η_t · (m / (1 − β₁ᵗ)) / (√v / √(1 − β₂ᵗ) + ε). Defaults: η = 1e-3, β₁ = 0.9, β₂ = 0.999, ε = 1e-8, λ = 0.
/// As Optax defines it: chain(add_decayed_weights(λ), scale_by_adam(β₁, β₂, ε), scale_by_learning_rate(η)).
/// For decoupled weight decay use <see cref="AdamW"/>.
/// </summary>
public sealed record Adam : ComposedOptimizer
{
    /// <summary>Adam with PyTorch's hyperparameters: <c>new Adam(1e-3, Beta2: 0.99)</c>.</summary>
    public Adam(LearningRateSchedule? LearningRate = null, double Beta1 = 0.9, double Beta2 = 0.999, double Epsilon = 1e-8, double WeightDecay = 0) =>
        (decay, adam, step) = (new(WeightDecay), new(Beta1, Beta2, Epsilon), new(LearningRate ?? 1e-3));

    // The transforms hold (and check) the hyperparameters; the properties below read and replace them.
    readonly AddDecayedWeights decay;
    readonly ScaleByAdam adam;
    readonly ScaleByLearningRate step;
    static readonly Adam Default = new();

    /// <summary>chain(add_decayed_weights(λ), scale_by_adam(β₁, β₂, ε), scale_by_learning_rate(η)), as Optax defines
    /// Adam.</summary>
    public override Chain AsChain() => new(decay, adam, step);

    /// <summary>η_t: a number or a schedule (default 1e-3).</summary>
    public LearningRateSchedule LearningRate { get => step.LearningRate; init => step = step with { LearningRate = value }; }

    /// <summary>β₁ in [0, 1): the fraction of the first moment m each update keeps.</summary>
    public double Beta1 { get => adam.Beta1; init => adam = adam with { Beta1 = value }; }

    /// <summary>β₂ in [0, 1): the fraction of the second moment v each update keeps.</summary>
    public double Beta2 { get => adam.Beta2; init => adam = adam with { Beta2 = value }; }

    /// <summary>ε &gt; 0, added after the square root so that a zero v does not divide by zero.</summary>
    public double Epsilon { get => adam.Epsilon; init => adam = adam with { Epsilon = value }; }

    /// <summary>λ ≥ 0: L2 penalty coefficient added to the gradient (PyTorch Adam's coupled weight_decay).</summary>
    public double WeightDecay { get => decay.WeightDecay; init => decay = decay with { WeightDecay = value }; }

    /// <summary>Which parameters decay, by name (<c>name => !name.EndsWith(".bias")</c>); null: all.</summary>
    public Func<string, bool>? WeightDecayMask { get => decay.Mask; init => decay = decay with { Mask = value }; }

    /// <summary>θ' = θ + Δ in one pass over the parameters (the chain makes three passes and an addition). Pinned to the
    /// chain's Update + Add, bit for bit, by a test.</summary>
    public override (Parameters<T> Parameters, IOptimizerState<T> State) Apply<T>(Parameters<T> gradients, IOptimizerState<T> state, Parameters<T> parameters)
    {
        var states = StatesOf(state);   // as AsChain's Init made them: decay, adam, step
        var count = OptimizerState.As<ScaleByLearningRateState<T>>(states[2], step).Count;
        var (next, moments) = Fused(adam, decay, decoupled: false, step, gradients, states[1], count, parameters);
        return (next, new ChainState<T>([states[0], moments, new ScaleByLearningRateState<T>(count + 1)]));
    }

    /// <summary>Adam's or AdamW's chain in one pass: θ' and the new moments.</summary>
    internal static (Parameters<T>, ScaleByAdamState<T>) Fused<T>(ScaleByAdam adam, AddDecayedWeights decay, bool decoupled, ScaleByLearningRate step,
        Parameters<T> gradients, IOptimizerState<T> moments, long count, Parameters<T> parameters) where T : struct, IFloatingPointIeee754<T>
    {
        var s = OptimizerState.As<ScaleByAdamState<T>>(moments, adam);
        parameters.RequireSameShapes(gradients, "Adam.Apply (parameters vs gradients)");
        s.M.RequireSameShapes(gradients, "Adam.Apply (moments vs gradients)");
        var (adamConstants, rate) = (adam.At<T>(s.Count + 1), step.RateAt<T>(count));
        var (results, m, v) = (parameters.Map(Kernels.UninitializedLike), s.M.Map(Kernels.UninitializedLike), s.V.Map(Kernels.UninitializedLike));
        for (var i = 0; i < gradients.Count; i++)
        {
            var lambda = T.CreateChecked(decay.DecayOf(gradients.Names[i]));
            var k = new Constants<T>(adamConstants, lambda, rate, Coupled: !decoupled && lambda != T.Zero, Decoupled: decoupled && lambda != T.Zero);
            var (g, p, m0, v0) = (Kernels.Values(gradients[i]), Kernels.Values(parameters[i]), Kernels.Values(s.M[i]), Kernels.Values(s.V[i]));
            var (r, m1, v1) = (Kernels.Values(results[i]), Kernels.Values(m[i]), Kernels.Values(v[i]));
            // Stryker disable once Boolean : equivalent; chunks on the worker threads and one call give the same bits (ThreadSplitTests)
            if (Workers.Forks(g.Length)) OnChunks(g, p, m0, v0, r, m1, v1, k);
            else Kernel<T>(g, p, m0, v0, r, m1, v1, k);   // no closure for a small tensor: this runs at every step
        }
        return (results, new ScaleByAdamState<T>(s.Count + 1, m, v));
    }

    static void OnChunks<T>(T[] g, T[] p, T[] m0, T[] v0, T[] r, T[] m1, T[] v1, Constants<T> k) where T : struct, IFloatingPointIeee754<T> =>
        Workers.ForChunks(g.Length, (start, n) => Kernel(g.AsSpan(start, n), p.AsSpan(start, n), m0.AsSpan(start, n), v0.AsSpan(start, n),
            r.AsSpan(start, n), m1.AsSpan(start, n), v1.AsSpan(start, n), k));

    /// <summary>The fused step's constants for one tensor: Adam's, λ and −η_t (as numbers or as vectors of them), and where
    /// λ·θ is added: to g (Adam, coupled), to u (AdamW, decoupled), or nowhere (λ = 0, which the chain passes through).</summary>
    internal readonly record struct Constants<TValue>(ScaleByAdam.Constants<TValue> Adam, TValue Decay, TValue Rate, bool Coupled, bool Decoupled);

    /// <summary>The fused rule for one element: (θ', m', v') from g, θ, m and v, the chain's rules in turn.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static (T Parameter, T M, T V) Rule<T>(T g, T p, T m, T v, in Constants<T> k) where T : struct, IFloatingPointIeee754<T>
    {
        if (k.Coupled) g = AddDecayedWeights.Rule(g, p, k.Decay);
        (var u, m, v) = ScaleByAdam.Rule(g, m, v, k.Adam);
        if (k.Decoupled) u = AddDecayedWeights.Rule(u, p, k.Decay);
        return (p + ScaleByLearningRate.Rule(u, k.Rate), m, v);
    }

    /// <summary>The same fused rule for Vector&lt;T&gt;.Count elements at once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static (Vector<T> Parameter, Vector<T> M, Vector<T> V) Rule<T>(Vector<T> g, Vector<T> p, Vector<T> m, Vector<T> v, in Constants<Vector<T>> k)
        where T : struct, IFloatingPointIeee754<T>
    {
        if (k.Coupled) g = AddDecayedWeights.Rule(g, p, k.Decay);
        (var u, m, v) = ScaleByAdam.Rule(g, m, v, k.Adam);
        if (k.Decoupled) u = AddDecayedWeights.Rule(u, p, k.Decay);
        return (p + ScaleByLearningRate.Rule(u, k.Rate), m, v);
    }

    /// <summary>The fused rule over spans: vectors while a whole one fits, then element by element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot: skip tier-0 JIT (see Core/Compute/README.md)
    internal static void Kernel<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> p, ReadOnlySpan<T> m, ReadOnlySpan<T> v, Span<T> np, Span<T> nm, Span<T> nv,
        Constants<T> k) where T : struct, IFloatingPointIeee754<T>
    {
        var i = 0;
        // Stryker disable once Boolean,Equality : equivalent; the vector loop and the scalar tail give the same bits (RuleKernelTests), so which one takes an element cannot be seen
        if (Simd.Vectorized<T>())
        {
            var kv = new Constants<Vector<T>>(ScaleByAdam.Broadcast(k.Adam), new(k.Decay), new(k.Rate), k.Coupled, k.Decoupled);
            for (; i <= g.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                var (pi, mi, vi) = Rule(new Vector<T>(g[i..]), new Vector<T>(p[i..]), new Vector<T>(m[i..]), new Vector<T>(v[i..]), kv);
                pi.CopyTo(np[i..]);
                mi.CopyTo(nm[i..]);
                vi.CopyTo(nv[i..]);
            }
        }
        for (; i < g.Length; i++) (np[i], nm[i], nv[i]) = Rule(g[i], p[i], m[i], v[i], k);
    }

    /// <summary>Prints "Adam(LearningRate: 0.001)", with each hyperparameter set away from its default.</summary>
    public override string ToString() => Describe(nameof(Adam), LearningRate, (nameof(Beta1), Beta1, Default.Beta1), (nameof(Beta2), Beta2, Default.Beta2),
        (nameof(Epsilon), Epsilon, Default.Epsilon), (nameof(WeightDecay), WeightDecay, Default.WeightDecay), (nameof(WeightDecayMask), WeightDecayMask, null));
}
