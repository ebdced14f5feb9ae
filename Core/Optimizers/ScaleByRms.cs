using System.Runtime.CompilerServices;

namespace Nabla.Optimizers;

/// <summary>
/// RMSProp's scaling (Optax's scale_by_rms, or scale_by_stddev when Centered; PyTorch's RMSprop without momentum and
/// learning rate). Per element: v = ρ·v + (1 − ρ)·g², u = g / (√v + ε); Centered also keeps m = ρ·m + (1 − ρ)·g and
/// divides by √(v − m²) + ε, the standard deviation of g instead of its root mean square. v and m start at 0 and have
/// each parameter's shape; ε is added after the square root, as PyTorch does.
/// </summary>
public sealed record ScaleByRms : IOptimizer
{
    /// <summary>RMSProp's scaling with PyTorch's defaults (ρ is PyTorch's alpha, Keras's rho).</summary>
    public ScaleByRms(double Rho = 0.99, double Epsilon = 1e-8, bool Centered = false) =>
        (this.Rho, this.Epsilon, this.Centered) = (Rho, Epsilon, Centered);

    /// <summary>ρ in [0, 1): the fraction of the running means each update keeps.</summary>
    public double Rho { get; init => field = Hyper.UnitInterval(value, this); }

    /// <summary>ε &gt; 0, added after the square root so that a zero mean square does not divide by zero.</summary>
    public double Epsilon { get; init => field = Hyper.Positive(value, this); }

    /// <summary>Divide by the standard deviation of g (subtract the squared running mean m²) rather than its RMS.</summary>
    public bool Centered { get; init; }

    /// <summary>v = 0 (and m = 0 when Centered), shaped like each parameter.</summary>
    public IOptimizerState<T> Init<T>(Parameters<T> parameters) where T : struct, IFloatingPointIeee754<T> =>
        new ScaleByRmsState<T>(parameters.ZerosLike(), Centered ? parameters.ZerosLike() : null);

    /// <summary>v = ρ·v + (1 − ρ)·g², u = g / (√v + ε), per element; Centered also m = ρ·m + (1 − ρ)·g and u = g / (√(v − m²) +
    /// ε).</summary>
    public (Parameters<T> Updates, IOptimizerState<T> State) Update<T>(Parameters<T> gradients, IOptimizerState<T> state, Parameters<T> parameters)
        where T : struct, IFloatingPointIeee754<T>
    {
        var s = OptimizerState.As<ScaleByRmsState<T>>(state, this);
        s.V.RequireSameShapes(gradients, $"{nameof(ScaleByRms)}.Update (state vs gradients)");
        var k = new Constants<T>(T.CreateChecked(Rho), T.CreateChecked(1 - Rho), T.CreateChecked(Epsilon));
        var (u, v, m) = (gradients.Map(Kernels.UninitializedLike), s.V.Map(Kernels.UninitializedLike), s.M?.Map(Kernels.UninitializedLike));
        for (var i = 0; i < gradients.Count; i++)
        {
            var (g, v0, u1, v1) = (Kernels.Values(gradients[i]), Kernels.Values(s.V[i]), Kernels.Values(u[i]), Kernels.Values(v[i]));
            var (m0, m1) = m is null ? ([], []) : (Kernels.Values(s.M![i]), Kernels.Values(m[i]));   // centered only
            Workers.ForChunks(g.Length, (start, n) => Kernel(g.AsSpan(start, n), v0.AsSpan(start, n), Workers.Chunk(m0, start, n),
                u1.AsSpan(start, n), v1.AsSpan(start, n), Workers.Chunk(m1, start, n), k));
        }
        return (u, new ScaleByRmsState<T>(v, m));
    }

    /// <summary>ρ, 1 − ρ and ε, as numbers (T) or as vectors of them (Vector&lt;T&gt;).</summary>
    internal readonly record struct Constants<TValue>(TValue Rho, TValue OneMinusRho, TValue Epsilon);

    /// <summary>The rule for one element: (u, v', m') from g, v and m (m ignored and returned as is unless centered).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static (T U, T V, T M) Rule<T>(T g, T v, T m, bool centered, in Constants<T> k) where T : struct, IFloatingPointIeee754<T>
    {
        v = k.Rho * v + k.OneMinusRho * g * g;
        var meanSquare = v;
        if (centered)
        {
            m = k.Rho * m + k.OneMinusRho * g;
            meanSquare -= m * m;   // the variance of g, not its raw second moment
        }
        // Flushed as stored, after use: a mean decaying toward 0 stays out of the slow subnormals.
        return (g / (T.Sqrt(meanSquare) + k.Epsilon), Simd.Flushed(v), Simd.Flushed(m));
    }

    /// <summary>The same rule for Vector&lt;T&gt;.Count elements at once, operation for operation.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static (Vector<T> U, Vector<T> V, Vector<T> M) Rule<T>(Vector<T> g, Vector<T> v, Vector<T> m, bool centered, in Constants<Vector<T>> k)
        where T : struct, IFloatingPointIeee754<T>
    {
        v = k.Rho * v + k.OneMinusRho * g * g;
        var meanSquare = v;
        if (centered)
        {
            m = k.Rho * m + k.OneMinusRho * g;
            meanSquare -= m * m;
        }
        return (g / (Vector.SquareRoot(meanSquare) + k.Epsilon), Simd.Flushed(v), Simd.Flushed(m));
    }

    /// <summary>The rule over spans (m, nm empty unless centered): vectors while a whole one fits, then element by element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot: skip tier-0 JIT (see Core/Compute/README.md)
    internal static void Kernel<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> v, ReadOnlySpan<T> m, Span<T> u, Span<T> nv, Span<T> nm, Constants<T> k)
        where T : struct, IFloatingPointIeee754<T>
    {
        var centered = !nm.IsEmpty;
        var i = 0;
        // Stryker disable once Boolean,Equality : equivalent; the vector loop and the scalar tail give the same bits (RuleKernelTests), so which one takes an element cannot be seen
        if (Simd.Vectorized<T>())
        {
            var kv = new Constants<Vector<T>>(new(k.Rho), new(k.OneMinusRho), new(k.Epsilon));
            for (; i <= g.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                var (ui, vi, mi) = Rule(new Vector<T>(g[i..]), new Vector<T>(v[i..]), centered ? new Vector<T>(m[i..]) : default, centered, kv);
                ui.CopyTo(u[i..]);
                vi.CopyTo(nv[i..]);
                if (centered) mi.CopyTo(nm[i..]);
            }
        }
        for (; i < g.Length; i++)
        {
            var (ui, vi, mi) = Rule(g[i], v[i], centered ? m[i] : T.Zero, centered, k);
            (u[i], nv[i]) = (ui, vi);
            if (centered) nm[i] = mi;
        }
    }
}

/// <summary><see cref="ScaleByRms"/>'s state: the running mean square v and, when centered, the running mean m (saved as
/// v/parameter and m/parameter, as Adam's moments).</summary>
public sealed record ScaleByRmsState<T>(Parameters<T> V, Parameters<T>? M) : IOptimizerState<T> where T : struct, IFloatingPointIeee754<T>
{
    /// <summary>"v/" (and, centered, "m/") + each parameter's name → v and m.</summary>
    public StateDict<T> ToStateDict() => StateDict<T>.Empty.With("v", V).With("m", M);

    /// <inheritdoc/>
    public void CollectTensors(List<MathNet.Numerics.LinearAlgebra.Matrix<T>> tensors)
    {
        V.CollectTensors(tensors);
        M?.CollectTensors(tensors);
    }

    /// <inheritdoc/>
    public IOptimizerState<T> LoadStateDict(StateDict<T> contents)
    {
        contents.RequireSameNames(ToStateDict(), this);
        return new ScaleByRmsState<T>(contents.Slot("v", V)!, contents.Slot("m", M));
    }

    /// <summary>Prints v's names and shapes, never the values.</summary>
    public override string ToString() => $"ScaleByRmsState({V})";
}
