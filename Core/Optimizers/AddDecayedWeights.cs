using System.Runtime.CompilerServices;

namespace Nabla.Optimizers;

/// <summary>
/// Weight decay (Optax's add_decayed_weights): u = g + λ·θ per element, for the parameters whose name
/// <see cref="Mask"/> accepts (all when it is null); the others pass g through. Before Adam's scaling it is PyTorch's
/// coupled weight_decay (an L2 penalty's gradient); after it, AdamW's decoupled decay.
/// </summary>
public sealed record AddDecayedWeights : IOptimizer
{
    /// <summary>λ·θ added to the updates of the parameters <paramref name="Mask"/> accepts (all when null).</summary>
    public AddDecayedWeights(double WeightDecay, Func<string, bool>? Mask = null) => (this.WeightDecay, this.Mask) = (WeightDecay, Mask);

    /// <summary>λ ≥ 0: the fraction of θ added to its update.</summary>
    public double WeightDecay { get; init => field = Hyper.NonNegative(value, this); }

    /// <summary>Which parameters decay, by name ("0.weight", "0.bias", …): <c>name => !name.EndsWith(".bias")</c> spares the
    /// biases. Null: all of them.</summary>
    public Func<string, bool>? Mask { get; init; }

    /// <summary>λ for the parameter named <paramref name="name"/>: 0 where the mask says no.</summary>
    public double DecayOf(string name) => Mask is null || Mask(name) ? WeightDecay : 0;

    /// <summary>No state: <see cref="EmptyState{T}"/>.</summary>
    public IOptimizerState<T> Init<T>(Parameters<T> parameters) where T : struct, IFloatingPointIeee754<T> => EmptyState<T>.Instance;

    /// <summary>u = g + λ·θ per element for the parameters the mask accepts, u = g (the same tensor) for the others.</summary>
    public (Parameters<T> Updates, IOptimizerState<T> State) Update<T>(Parameters<T> gradients, IOptimizerState<T> state, Parameters<T> parameters)
        where T : struct, IFloatingPointIeee754<T>
    {
        OptimizerState.As<EmptyState<T>>(state, this);
        parameters.RequireSameShapes(gradients, $"{nameof(AddDecayedWeights)}.Update (parameters vs gradients)");
        var u = gradients.Tensors.Select((gradient, i) =>
        {
            var decay = T.CreateChecked(DecayOf(gradients.Names[i]));
            if (decay == T.Zero) return gradient;   // u = g: nothing mutates g, so passing it on is pure
            var decayed = Kernels.UninitializedLike(gradient);
            var (g, p, u1) = (Kernels.Values(gradient), Kernels.Values(parameters[i]), Kernels.Values(decayed));
            Workers.ForChunks(g.Length, (start, n) => Kernel(g.AsSpan(start, n), p.AsSpan(start, n), u1.AsSpan(start, n), decay));
            return decayed;
        });
        return (gradients.WithTensors(u), state);
    }

    /// <summary>The rule for one element: u from g and θ.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static T Rule<T>(T g, T p, T decay) where T : struct, IFloatingPointIeee754<T> => g + decay * p;

    /// <summary>The same rule for Vector&lt;T&gt;.Count elements at once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector<T> Rule<T>(Vector<T> g, Vector<T> p, Vector<T> decay) where T : struct, IFloatingPointIeee754<T> => g + decay * p;

    /// <summary>The rule over spans: vectors while a whole one fits, then element by element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot: skip tier-0 JIT (see Core/Compute/README.md)
    internal static void Kernel<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> p, Span<T> u, T decay) where T : struct, IFloatingPointIeee754<T>
    {
        var i = 0;
        // Stryker disable once Boolean,Equality : equivalent; the vector loop and the scalar tail give the same bits (RuleKernelTests), so which one takes an element cannot be seen
        if (Simd.Vectorized<T>())
            for (var d = new Vector<T>(decay); i <= g.Length - Vector<T>.Count; i += Vector<T>.Count)
                Rule(new Vector<T>(g[i..]), new Vector<T>(p[i..]), d).CopyTo(u[i..]);
        for (; i < g.Length; i++) u[i] = Rule(g[i], p[i], decay);
    }

    /// <summary>Prints "AddDecayedWeights(0.0001)", with ", masked" when a mask is set.</summary>
    public override string ToString() => $"AddDecayedWeights({WeightDecay:R}{(Mask is null ? "" : ", masked")})";
}
