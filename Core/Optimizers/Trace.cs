using System.Runtime.CompilerServices;

namespace Nabla.Optimizers;

/// <summary>
/// Momentum (Optax's trace; PyTorch's SGD momentum buffer, without dampening). Per element: t = μ·t + g, and
/// u = t, or u = g + μ·t with Nesterov (the look-ahead form). t starts at 0 and has each parameter's shape. With
/// Momentum 0 it passes g through and keeps no buffer.
/// </summary>
public sealed record Trace : IOptimizer
{
    /// <summary>Momentum μ, with or without Nesterov's look-ahead.</summary>
    public Trace(double Momentum, bool Nesterov = false) => (this.Momentum, this.Nesterov) = (Momentum, Nesterov);

    /// <summary>μ in [0, 1): the fraction of the previous trace kept.</summary>
    public double Momentum
    {
        get;
        init
        {
            field = Hyper.UnitInterval(value, this);
            CheckNesterov(Nesterov, field);   // `with { Momentum = 0 }` on a Nesterov trace
        }
    }

    /// <summary>Nesterov's look-ahead form, u = g + μ·t (needs Momentum &gt; 0, as PyTorch's SGD does).</summary>
    public bool Nesterov { get; init => field = CheckNesterov(value, Momentum); }

    bool CheckNesterov(bool nesterov, double momentum) => !nesterov || momentum > 0 ? nesterov
        : throw new ArgumentException($"{GetType().Name}: Nesterov needs Momentum > 0, got Momentum = {momentum}.", nameof(Nesterov));

    /// <summary>t = 0 shaped like each parameter; no buffers when Momentum is 0.</summary>
    public IOptimizerState<T> Init<T>(Parameters<T> parameters) where T : struct, IFloatingPointIeee754<T> =>
        new TraceState<T>(Momentum > 0 ? parameters.ZerosLike() : null);

    /// <summary>t = μ·t + g and u = t, or u = g + μ·t with Nesterov, per element; u = g itself when Momentum is 0.</summary>
    public (Parameters<T> Updates, IOptimizerState<T> State) Update<T>(Parameters<T> gradients, IOptimizerState<T> state, Parameters<T> parameters)
        where T : struct, IFloatingPointIeee754<T>
    {
        var s = OptimizerState.As<TraceState<T>>(state, this);
        if (s.Trace is null) return (gradients, s);   // μ = 0: u = g (nothing mutates g, so passing it on is pure)
        s.Trace.RequireSameShapes(gradients, $"{nameof(Trace)}.Update (state vs gradients)");
        var (mu, nesterov) = (T.CreateChecked(Momentum), Nesterov);
        var (u, t) = (gradients.Map(Kernels.UninitializedLike), s.Trace.Map(Kernels.UninitializedLike));
        for (var i = 0; i < gradients.Count; i++)
        {
            var (g, t0, u1, t1) = (Kernels.Values(gradients[i]), Kernels.Values(s.Trace[i]), Kernels.Values(u[i]), Kernels.Values(t[i]));
            Workers.ForChunks(g.Length, (start, n) => Kernel(g.AsSpan(start, n), t0.AsSpan(start, n), u1.AsSpan(start, n), t1.AsSpan(start, n), mu, nesterov));
        }
        return (u, new TraceState<T>(t));
    }

    /// <summary>The rule for one element: (u, t') from g and t.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static (T U, T Trace) Rule<T>(T g, T t, T mu, bool nesterov) where T : struct, IFloatingPointIeee754<T>
    {
        t = Simd.Flushed(t * mu + g);   // flushed: a trace decaying toward 0 stays out of the slow subnormals
        return (nesterov ? t * mu + g : t, t);
    }

    /// <summary>The same rule for Vector&lt;T&gt;.Count elements at once, operation for operation.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static (Vector<T> U, Vector<T> Trace) Rule<T>(Vector<T> g, Vector<T> t, Vector<T> mu, bool nesterov) where T : struct, IFloatingPointIeee754<T>
    {
        t = Simd.Flushed(t * mu + g);
        return (nesterov ? t * mu + g : t, t);
    }

    /// <summary>The rule over spans: vectors while a whole one fits, then element by element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot: skip tier-0 JIT (see Core/Compute/README.md)
    internal static void Kernel<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> t, Span<T> u, Span<T> nt, T mu, bool nesterov) where T : struct, IFloatingPointIeee754<T>
    {
        var i = 0;
        // Stryker disable once Boolean,Equality : equivalent; the vector loop and the scalar tail give the same bits (RuleKernelTests), so which one takes an element cannot be seen
        if (Simd.Vectorized<T>())
            for (var muv = new Vector<T>(mu); i <= g.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                var (ui, ti) = Rule(new Vector<T>(g[i..]), new Vector<T>(t[i..]), muv, nesterov);
                ui.CopyTo(u[i..]);
                ti.CopyTo(nt[i..]);
            }
        for (; i < g.Length; i++) (u[i], nt[i]) = Rule(g[i], t[i], mu, nesterov);
    }
}

/// <summary><see cref="Trace"/>'s state: the momentum buffers t (saved as trace/parameter), null when Momentum is 0.</summary>
public sealed record TraceState<T>(Parameters<T>? Trace) : IOptimizerState<T> where T : struct, IFloatingPointIeee754<T>
{
    /// <summary>"trace/" + each parameter's name → t; empty when Momentum is 0.</summary>
    public StateDict<T> ToStateDict() => StateDict<T>.Empty.With("trace", Trace);

    /// <inheritdoc/>
    public void CollectTensors(List<MathNet.Numerics.LinearAlgebra.Matrix<T>> tensors) => Trace?.CollectTensors(tensors);

    /// <inheritdoc/>
    public IOptimizerState<T> LoadStateDict(StateDict<T> contents)
    {
        contents.RequireSameNames(ToStateDict(), this);
        return new TraceState<T>(contents.Slot("trace", Trace));
    }

    /// <summary>Prints the buffers' names and shapes, or "no buffers".</summary>
    public override string ToString() => $"TraceState({Trace?.ToString() ?? "no buffers"})";
}
