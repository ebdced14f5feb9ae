using System.Runtime.CompilerServices;

namespace Nabla.Optimizers;

/// <summary>
/// Adam's scaling (Optax's scale_by_adam; PyTorch's Adam without the learning rate). Per element, at update t = 1, 2, …:
/// m = β₁·m + (1 − β₁)·g, v = β₂·v + (1 − β₂)·g², u = (m / (1 − β₁ᵗ)) / (√v / √(1 − β₂ᵗ) + ε). m and v start at 0,
/// which the bias corrections 1 − βᵗ undo; g, m, v and u have each parameter's shape.
/// </summary>
public sealed record ScaleByAdam : IOptimizer
{
    /// <summary>Adam's scaling with PyTorch's (and Optax's) defaults.</summary>
    public ScaleByAdam(double Beta1 = 0.9, double Beta2 = 0.999, double Epsilon = 1e-8) =>
        (this.Beta1, this.Beta2, this.Epsilon) = (Beta1, Beta2, Epsilon);

    /// <summary>β₁ in [0, 1): the fraction of the first moment m each update keeps.</summary>
    public double Beta1 { get; init => field = Hyper.UnitInterval(value, this); }

    /// <summary>β₂ in [0, 1): the fraction of the second moment v each update keeps.</summary>
    public double Beta2 { get; init => field = Hyper.UnitInterval(value, this); }

    /// <summary>ε &gt; 0, added after the square root (as PyTorch does) so that a zero v does not divide by zero.</summary>
    public double Epsilon { get; init => field = Hyper.Positive(value, this); }

    /// <summary>count 0 and m = v = 0, shaped like each parameter.</summary>
    public IOptimizerState<T> Init<T>(Parameters<T> parameters) where T : struct, IFloatingPointIeee754<T> =>
        new ScaleByAdamState<T>(0, parameters.ZerosLike(), parameters.ZerosLike());

    /// <summary>m = β₁·m + (1 − β₁)·g, v = β₂·v + (1 − β₂)·g², u = (m / (1 − β₁ᵗ)) / (√v / √(1 − β₂ᵗ) + ε), per element, at update
    /// t = count + 1.</summary>
    public (Parameters<T> Updates, IOptimizerState<T> State) Update<T>(Parameters<T> gradients, IOptimizerState<T> state, Parameters<T> parameters)
        where T : struct, IFloatingPointIeee754<T>
    {
        var s = OptimizerState.As<ScaleByAdamState<T>>(state, this);
        s.M.RequireSameShapes(gradients, $"{nameof(ScaleByAdam)}.Update (state vs gradients)");
        var k = At<T>(s.Count + 1);
        var (u, m, v) = (gradients.Map(Kernels.UninitializedLike), s.M.Map(Kernels.UninitializedLike), s.V.Map(Kernels.UninitializedLike));
        for (var i = 0; i < gradients.Count; i++)
        {
            var (g, m0, v0, u1, m1, v1) = (Kernels.Values(gradients[i]), Kernels.Values(s.M[i]), Kernels.Values(s.V[i]),
                Kernels.Values(u[i]), Kernels.Values(m[i]), Kernels.Values(v[i]));
            Workers.ForChunks(g.Length, (start, n) => Kernel(g.AsSpan(start, n), m0.AsSpan(start, n), v0.AsSpan(start, n),
                u1.AsSpan(start, n), m1.AsSpan(start, n), v1.AsSpan(start, n), k));
        }
        return (u, new ScaleByAdamState<T>(s.Count + 1, m, v));
    }

    /// <summary>The constants of update <paramref name="t"/> (from 1). The bias corrections are computed in double:
    /// β₂ᵗ in float loses its digits long before t is large.</summary>
    internal Constants<T> At<T>(long t) where T : struct, IFloatingPointIeee754<T> =>
        new(T.CreateChecked(Beta1), T.CreateChecked(1 - Beta1), T.CreateChecked(Beta2), T.CreateChecked(1 - Beta2),
            T.CreateChecked(1 / Math.Sqrt(1 - Math.Pow(Beta2, t))), T.CreateChecked(Epsilon), T.CreateChecked(1 / (1 - Math.Pow(Beta1, t))));

    /// <summary>Per-update constants, as numbers (T) or as vectors of them (Vector&lt;T&gt;).</summary>
    internal readonly record struct Constants<TValue>(TValue Beta1, TValue OneMinusBeta1, TValue Beta2, TValue OneMinusBeta2,
        TValue InvSqrtCorrection2, TValue Epsilon, TValue InvCorrection1);

    /// <summary>Each constant as a vector of it.</summary>
    internal static Constants<Vector<T>> Broadcast<T>(in Constants<T> k) where T : struct, IFloatingPointIeee754<T> =>
        new(new(k.Beta1), new(k.OneMinusBeta1), new(k.Beta2), new(k.OneMinusBeta2), new(k.InvSqrtCorrection2), new(k.Epsilon), new(k.InvCorrection1));

    /// <summary>The rule for one element: (u, m', v') from g, m, v.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static (T U, T M, T V) Rule<T>(T g, T m, T v, in Constants<T> k) where T : struct, IFloatingPointIeee754<T>
    {
        m = Simd.Flushed(m * k.Beta1 + g * k.OneMinusBeta1);   // flushed: a moment decaying toward 0 stays out of the slow subnormals
        v = Simd.Flushed(v * k.Beta2 + g * g * k.OneMinusBeta2);
        return (m / (T.Sqrt(v) * k.InvSqrtCorrection2 + k.Epsilon) * k.InvCorrection1, m, v);
    }

    /// <summary>The same rule for Vector&lt;T&gt;.Count elements at once, operation for operation.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static (Vector<T> U, Vector<T> M, Vector<T> V) Rule<T>(Vector<T> g, Vector<T> m, Vector<T> v, in Constants<Vector<T>> k)
        where T : struct, IFloatingPointIeee754<T>
    {
        m = Simd.Flushed(m * k.Beta1 + g * k.OneMinusBeta1);
        v = Simd.Flushed(v * k.Beta2 + g * g * k.OneMinusBeta2);
        return (m / (Vector.SquareRoot(v) * k.InvSqrtCorrection2 + k.Epsilon) * k.InvCorrection1, m, v);
    }

    /// <summary>The rule over spans: vectors while a whole one fits, then element by element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot: skip tier-0 JIT (see Core/Compute/README.md)
    internal static void Kernel<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> m, ReadOnlySpan<T> v, Span<T> u, Span<T> nm, Span<T> nv, Constants<T> k)
        where T : struct, IFloatingPointIeee754<T>
    {
        var i = 0;
        // Stryker disable once Boolean,Equality : equivalent; the vector loop and the scalar tail give the same bits (RuleKernelTests), so which one takes an element cannot be seen
        if (Simd.Vectorized<T>())
        {
            var kv = Broadcast(k);
            for (; i <= g.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                var (ui, mi, vi) = Rule(new Vector<T>(g[i..]), new Vector<T>(m[i..]), new Vector<T>(v[i..]), kv);
                ui.CopyTo(u[i..]);
                mi.CopyTo(nm[i..]);
                vi.CopyTo(nv[i..]);
            }
        }
        for (; i < g.Length; i++) (u[i], nm[i], nv[i]) = Rule(g[i], m[i], v[i], k);
    }
}

/// <summary><see cref="ScaleByAdam"/>'s state: the number of updates made, the first moments m and the second moments v
/// (saved as count, m/parameter, v/parameter).</summary>
public sealed record ScaleByAdamState<T>(long Count, Parameters<T> M, Parameters<T> V) : IOptimizerState<T> where T : struct, IFloatingPointIeee754<T>
{
    /// <summary>"count", then "m/" and "v/" + each parameter's name → m and v.</summary>
    public StateDict<T> ToStateDict() => StateDict<T>.Empty.With("count", Count).With("m", M).With("v", V);

    /// <inheritdoc/>
    public void CollectTensors(List<MathNet.Numerics.LinearAlgebra.Matrix<T>> tensors)
    {
        M.CollectTensors(tensors);
        V.CollectTensors(tensors);
    }

    /// <inheritdoc/>
    public IOptimizerState<T> LoadStateDict(StateDict<T> contents)
    {
        contents.RequireSameNames(ToStateDict(), this);
        return new ScaleByAdamState<T>(contents.Count(), contents.Slot("m", M)!, contents.Slot("v", V)!);
    }

    /// <summary>Prints the count and the moments' names and shapes, never the values.</summary>
    public override string ToString() => $"ScaleByAdamState(count {Count}, {M})";
}
