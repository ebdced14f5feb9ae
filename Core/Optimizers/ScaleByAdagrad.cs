using System.Runtime.CompilerServices;

namespace Nabla.Optimizers;

/// <summary>
/// AdaGrad's scaling (Optax's scale_by_rss; PyTorch's Adagrad without the learning rate). Per element:
/// s = s + g², u = g / (√s + ε): each parameter's steps shrink with the squared gradients it has seen. s starts at
/// InitialAccumulatorValue and has each parameter's shape; ε is added after the square root, as PyTorch does.
/// </summary>
public sealed record ScaleByAdagrad : IOptimizer
{
    /// <summary>AdaGrad's scaling with PyTorch's defaults.</summary>
    public ScaleByAdagrad(double Epsilon = 1e-10, double InitialAccumulatorValue = 0) =>
        (this.Epsilon, this.InitialAccumulatorValue) = (Epsilon, InitialAccumulatorValue);

    /// <summary>ε &gt; 0, added after the square root so that a zero sum does not divide by zero.</summary>
    public double Epsilon { get; init => field = Hyper.Positive(value, this); }

    /// <summary>s at the start, ≥ 0 (PyTorch uses 0, Keras 0.1).</summary>
    public double InitialAccumulatorValue { get; init => field = Hyper.NonNegative(value, this); }

    /// <summary>s = InitialAccumulatorValue everywhere, shaped like each parameter.</summary>
    public IOptimizerState<T> Init<T>(Parameters<T> parameters) where T : struct, IFloatingPointIeee754<T>
    {
        var start = T.CreateChecked(InitialAccumulatorValue);
        // Zeros.Include: MathNet skips zero entries unless told, and f(0) = start is not 0.
        return new ScaleByAdagradState<T>(parameters.Map(p => p.Map(_ => start, MathNet.Numerics.LinearAlgebra.Zeros.Include)));
    }

    /// <summary>s = s + g², u = g / (√s + ε), per element; u and s shaped like each parameter.</summary>
    public (Parameters<T> Updates, IOptimizerState<T> State) Update<T>(Parameters<T> gradients, IOptimizerState<T> state, Parameters<T> parameters)
        where T : struct, IFloatingPointIeee754<T>
    {
        var s = OptimizerState.As<ScaleByAdagradState<T>>(state, this);
        s.SumOfSquares.RequireSameShapes(gradients, $"{nameof(ScaleByAdagrad)}.Update (state vs gradients)");
        var epsilon = T.CreateChecked(Epsilon);
        var (u, sums) = (gradients.Map(Kernels.UninitializedLike), s.SumOfSquares.Map(Kernels.UninitializedLike));
        for (var i = 0; i < gradients.Count; i++)
        {
            var (g, s0, u1, s1) = (Kernels.Values(gradients[i]), Kernels.Values(s.SumOfSquares[i]), Kernels.Values(u[i]), Kernels.Values(sums[i]));
            Workers.ForChunks(g.Length, (start, n) => Kernel(g.AsSpan(start, n), s0.AsSpan(start, n), u1.AsSpan(start, n), s1.AsSpan(start, n), epsilon));
        }
        return (u, new ScaleByAdagradState<T>(sums));
    }

    /// <summary>The rule for one element: (u, s') from g and s. (s only grows: no subnormal flush needed.)</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static (T U, T Sum) Rule<T>(T g, T s, T epsilon) where T : struct, IFloatingPointIeee754<T>
    {
        s += g * g;
        return (g / (T.Sqrt(s) + epsilon), s);
    }

    /// <summary>The same rule for Vector&lt;T&gt;.Count elements at once, operation for operation.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static (Vector<T> U, Vector<T> Sum) Rule<T>(Vector<T> g, Vector<T> s, Vector<T> epsilon) where T : struct, IFloatingPointIeee754<T>
    {
        s += g * g;
        return (g / (Vector.SquareRoot(s) + epsilon), s);
    }

    /// <summary>The rule over spans: vectors while a whole one fits, then element by element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot: skip tier-0 JIT (see Core/Compute/README.md)
    internal static void Kernel<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> s, Span<T> u, Span<T> ns, T epsilon) where T : struct, IFloatingPointIeee754<T>
    {
        var i = 0;
        // Stryker disable once Boolean,Equality : equivalent; the vector loop and the scalar tail give the same bits (RuleKernelTests), so which one takes an element cannot be seen
        if (Simd.Vectorized<T>())
            for (var e = new Vector<T>(epsilon); i <= g.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                var (ui, si) = Rule(new Vector<T>(g[i..]), new Vector<T>(s[i..]), e);
                ui.CopyTo(u[i..]);
                si.CopyTo(ns[i..]);
            }
        for (; i < g.Length; i++) (u[i], ns[i]) = Rule(g[i], s[i], epsilon);
    }
}

/// <summary><see cref="ScaleByAdagrad"/>'s state: the running sums of squared gradients s (saved as sum_of_squares/parameter).</summary>
public sealed record ScaleByAdagradState<T>(Parameters<T> SumOfSquares) : IOptimizerState<T> where T : struct, IFloatingPointIeee754<T>
{
    /// <summary>"sum_of_squares/" + each parameter's name → s.</summary>
    public StateDict<T> ToStateDict() => StateDict<T>.Empty.With("sum_of_squares", SumOfSquares);

    /// <inheritdoc/>
    public void CollectTensors(List<MathNet.Numerics.LinearAlgebra.Matrix<T>> tensors) => SumOfSquares.CollectTensors(tensors);

    /// <inheritdoc/>
    public IOptimizerState<T> LoadStateDict(StateDict<T> contents)
    {
        contents.RequireSameNames(ToStateDict(), this);
        return new ScaleByAdagradState<T>(contents.Slot("sum_of_squares", SumOfSquares)!);
    }

    /// <summary>Prints the parameters' names and shapes, never the values.</summary>
    public override string ToString() => $"ScaleByAdagradState({SumOfSquares})";
}
