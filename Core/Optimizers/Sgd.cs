using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace Nabla.Optimizers;

/// <summary>
/// Stochastic gradient descent, PyTorch's rule: g' = g + λ·θ; with momentum μ &gt; 0 the buffer t = μ·t + g' and
/// d = Nesterov ? g' + μ·t : t (else d = g'); Δ = −η_t·d. Defaults as PyTorch's: η = 0.01, no momentum, no decay.
/// As Optax defines it: chain(add_decayed_weights(λ), trace(μ, nesterov), scale_by_learning_rate(η)).
/// </summary>
public sealed record Sgd : ComposedOptimizer
{
    /// <summary>SGD with PyTorch's hyperparameters: <c>new Sgd(0.1, Momentum: 0.9)</c>.</summary>
    public Sgd(LearningRateSchedule? LearningRate = null, double Momentum = 0, bool Nesterov = false, double WeightDecay = 0) =>
        (decay, trace, step) = (new(WeightDecay), new(Momentum, Nesterov), new(LearningRate ?? 0.01));

    // The transforms hold (and check) the hyperparameters; the properties below read and replace them.
    readonly AddDecayedWeights decay;
    readonly Trace trace;
    readonly ScaleByLearningRate step;
    static readonly Sgd Default = new();

    /// <summary>chain(add_decayed_weights(λ), trace(μ, nesterov), scale_by_learning_rate(η)), as Optax defines SGD.</summary>
    public override Chain AsChain() => new(decay, trace, step);

    /// <summary>η_t: a number or a schedule (default 0.01).</summary>
    public LearningRateSchedule LearningRate { get => step.LearningRate; init => step = step with { LearningRate = value }; }

    /// <summary>μ in [0, 1): the fraction of the previous step kept (0: no momentum).</summary>
    public double Momentum { get => trace.Momentum; init => trace = trace with { Momentum = value }; }

    /// <summary>Nesterov's look-ahead form of momentum (needs Momentum &gt; 0).</summary>
    public bool Nesterov { get => trace.Nesterov; init => trace = trace with { Nesterov = value }; }

    /// <summary>λ ≥ 0: L2 penalty coefficient added to the gradient (PyTorch's weight_decay).</summary>
    public double WeightDecay { get => decay.WeightDecay; init => decay = decay with { WeightDecay = value }; }

    /// <summary>Which parameters decay, by name (<c>name => !name.EndsWith(".bias")</c>); null: all.</summary>
    public Func<string, bool>? WeightDecayMask { get => decay.Mask; init => decay = decay with { Mask = value }; }

    /// <summary>θ' = θ + Δ in one pass over the parameters, instead of the chain's three passes and an addition: what
    /// Fit's training step calls. Pinned to the chain's Update + Add, bit for bit, by a test.</summary>
    public override (Parameters<T> Parameters, IOptimizerState<T> State) Apply<T>(Parameters<T> gradients, IOptimizerState<T> state, Parameters<T> parameters)
    {
        var states = StatesOf(state);   // as AsChain's Init made them: decay, trace, step
        var traces = OptimizerState.As<TraceState<T>>(states[1], trace).Trace;
        var count = OptimizerState.As<ScaleByLearningRateState<T>>(states[2], step).Count;
        parameters.RequireSameShapes(gradients, $"{nameof(Sgd)}.Apply (parameters vs gradients)");
        traces?.RequireSameShapes(gradients, $"{nameof(Sgd)}.Apply (momentum vs gradients)");
        var (results, nextTraces) = (parameters.Map(Kernels.UninitializedLike), traces?.Map(Kernels.UninitializedLike));
        for (var i = 0; i < gradients.Count; i++)
        {
            var lambda = T.CreateChecked(decay.DecayOf(gradients.Names[i]));
            var k = new Constants<T>(lambda, T.CreateChecked(Momentum), step.RateAt<T>(count), Decays: lambda != T.Zero, Traces: traces is not null, Nesterov);
            var (g, p, r) = (Kernels.Values(gradients[i]), Kernels.Values(parameters[i]), Kernels.Values(results[i]));
            var (t0, t1) = nextTraces is null ? ([], []) : (Kernels.Values(traces![i]), Kernels.Values(nextTraces[i]));   // momentum only
            // Stryker disable once Boolean : equivalent; chunks on the worker threads and one call give the same bits (ThreadSplitTests)
            if (Workers.Forks(g.Length)) OnChunks(g, p, t0, r, t1, k);
            else Kernel<T>(g, p, t0, r, t1, k);   // no closure for a small tensor: this runs at every step
        }
        return (results, new ChainState<T>([states[0], new TraceState<T>(nextTraces), new ScaleByLearningRateState<T>(count + 1)]));
    }

    static void OnChunks<T>(T[] g, T[] p, T[] t0, T[] r, T[] t1, Constants<T> k) where T : struct, IFloatingPointIeee754<T> =>
        Workers.ForChunks(g.Length, (start, n) => Kernel(g.AsSpan(start, n), p.AsSpan(start, n), Workers.Chunk(t0, start, n),
            r.AsSpan(start, n), Workers.Chunk(t1, start, n), k));

    /// <summary>The fused step's constants for one tensor: λ, μ and −η_t (as numbers or as vectors of them), and which of
    /// the rules run: where the chain passes g through a transform (λ = 0, no momentum), the fused step skips its rule.</summary>
    internal readonly record struct Constants<TValue>(TValue Decay, TValue Momentum, TValue Rate, bool Decays, bool Traces, bool Nesterov);

    /// <summary>The fused rule for one element: (θ', t') from g, θ and t, the chain's three rules in turn.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static (T Parameter, T Trace) Rule<T>(T g, T p, T t, in Constants<T> k) where T : struct, IFloatingPointIeee754<T>
    {
        var u = k.Decays ? AddDecayedWeights.Rule(g, p, k.Decay) : g;
        if (k.Traces) (u, t) = Trace.Rule(u, t, k.Momentum, k.Nesterov);
        return (p + ScaleByLearningRate.Rule(u, k.Rate), t);
    }

    /// <summary>The same fused rule for Vector&lt;T&gt;.Count elements at once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static (Vector<T> Parameter, Vector<T> Trace) Rule<T>(Vector<T> g, Vector<T> p, Vector<T> t, in Constants<Vector<T>> k)
        where T : struct, IFloatingPointIeee754<T>
    {
        var u = k.Decays ? AddDecayedWeights.Rule(g, p, k.Decay) : g;
        if (k.Traces) (u, t) = Trace.Rule(u, t, k.Momentum, k.Nesterov);
        return (p + ScaleByLearningRate.Rule(u, k.Rate), t);
    }

    /// <summary>The fused rule over spans (t, nt empty without momentum): vectors while a whole one fits, then element by element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot: skip tier-0 JIT (see Core/Compute/README.md)
    internal static void Kernel<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> p, ReadOnlySpan<T> t, Span<T> np, Span<T> nt, Constants<T> k)
        where T : struct, IFloatingPointIeee754<T>
    {
        if (!k.Decays && !k.Traces)
        {
            // Plain SGD, θ' = θ + (−η)·g: TensorPrimitives' loop (unrolled, unfused multiply then add, as the rule) takes
            // half the time of the general loop below on a 100,352-element tensor (`bench parts sgd`: 42 → 19 µs).
            TensorPrimitives.MultiplyAdd(g, k.Rate, p, np);
            // Stryker disable once Statement : equivalent; the general loop below gives the same bits, only slower
            return;
        }
        var i = 0;
        // Stryker disable once Boolean,Equality : equivalent; the vector loop and the scalar tail give the same bits (RuleKernelTests), so which one takes an element cannot be seen
        if (Simd.Vectorized<T>())
        {
            var kv = new Constants<Vector<T>>(new(k.Decay), new(k.Momentum), new(k.Rate), k.Decays, k.Traces, k.Nesterov);
            for (; i <= g.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                var (pi, ti) = Rule(new Vector<T>(g[i..]), new Vector<T>(p[i..]), k.Traces ? new Vector<T>(t[i..]) : default, kv);
                pi.CopyTo(np[i..]);
                if (k.Traces) ti.CopyTo(nt[i..]);
            }
        }
        for (; i < g.Length; i++)
        {
            var (pi, ti) = Rule(g[i], p[i], k.Traces ? t[i] : T.Zero, k);
            np[i] = pi;
            if (k.Traces) nt[i] = ti;
        }
    }

    /// <summary>Prints "Sgd(LearningRate: 0.01)", with each hyperparameter set away from its default.</summary>
    public override string ToString() => Describe(nameof(Sgd), LearningRate, (nameof(Momentum), Momentum, Default.Momentum),
        (nameof(Nesterov), Nesterov, Default.Nesterov), (nameof(WeightDecay), WeightDecay, Default.WeightDecay),
        (nameof(WeightDecayMask), WeightDecayMask, null));
}
