using System.Numerics.Tensors;
using MathNet.Numerics.LinearAlgebra;
using Nabla.Models;

namespace Nabla.Optimizers;

/// <summary>
/// Stochastic gradient descent, PyTorch's rule: g' = g + WeightDecay·θ; with Momentum μ > 0 the buffer b = μ·b + g'
/// and d = Nesterov ? g' + μ·b : b (else d = g'); Δ = −η_t·d. Defaults: η = 0.01, no momentum, no decay.
/// </summary>
public sealed record Sgd(LearningRateSchedule? LearningRate = null, double Momentum = 0, bool Nesterov = false, double WeightDecay = 0) : IOptimizer
{
    /// <summary>η_t: a number or a schedule (default 0.01).</summary>
    public LearningRateSchedule LearningRate { get; init => field = Hyper.LearningRate(value, 0.01); }
        = Hyper.LearningRate(LearningRate, 0.01);

    /// <summary>μ in [0, 1): the fraction of the previous step kept.</summary>
    public double Momentum
    {
        get;
        init
        {
            field = Hyper.UnitInterval(value, nameof(Momentum), nameof(Sgd));
            CheckNesterov(Nesterov, field);   // `with { Momentum = 0 }` on a Nesterov SGD
        }
    } = Hyper.UnitInterval(Momentum, nameof(Momentum), nameof(Sgd));

    /// <summary>Nesterov's look-ahead form of momentum (needs Momentum &gt; 0).</summary>
    public bool Nesterov { get; init => field = CheckNesterov(value, Momentum); } = CheckNesterov(Nesterov, Momentum);

    /// <summary>L2 penalty coefficient added to the gradient (PyTorch's coupled weight_decay).</summary>
    public double WeightDecay { get; init => field = Hyper.NonNegative(value, nameof(WeightDecay), nameof(Sgd)); }
        = Hyper.NonNegative(WeightDecay, nameof(WeightDecay), nameof(Sgd));

    static bool CheckNesterov(bool nesterov, double momentum) => !nesterov || momentum > 0 ? nesterov
        : throw new ArgumentException($"{nameof(Sgd)}: Nesterov needs Momentum > 0, got Momentum = {momentum}.", nameof(Nesterov));

    public IOptimizerState<T> Init<T>(Parameters<T> parameters) where T : struct, IFloatingPointIeee754<T> =>
        new SgdState<T>(0, Momentum > 0 ? parameters.ZerosLike() : null);

    public (Parameters<T> Updates, IOptimizerState<T> State) Update<T>(Parameters<T> gradients, IOptimizerState<T> state, Parameters<T> parameters)
        where T : struct, IFloatingPointIeee754<T>
    {
        var s = OptimizerState.As<SgdState<T>>(state, this);
        parameters.RequireSameShapes(gradients, "Sgd.Update (parameters vs gradients)");
        var rate = T.CreateChecked(-LearningRate.At(s.Count));
        var (mu, decay) = (T.CreateChecked(Momentum), T.CreateChecked(WeightDecay));
        var updates = new Matrix<T>[gradients.Count];
        var buffers = s.Momentum is null ? null : new Matrix<T>[gradients.Count];
        for (var i = 0; i < gradients.Count; i++)
        {
            var (g, p) = (Kernels.Values(gradients[i]), Kernels.Values(parameters[i]));
            updates[i] = Kernels.FreshLike(gradients[i]);   // every element written below: no clearing
            var u = Kernels.Values(updates[i]);
            // Span kernels (SIMD): the update runs over every parameter each step.
            if (buffers is null && decay == T.Zero)
            {
                TensorPrimitives.Multiply<T>(g, rate, u);                            // plain SGD: Δ = −lr·g
                continue;
            }
            if (decay == T.Zero) g.AsSpan().CopyTo(u);
            else TensorPrimitives.MultiplyAdd<T>(p, decay, g, u);                 // u = g' = g + λ·θ
            if (buffers is null)
            {
                TensorPrimitives.Multiply<T>(u, rate, u);                            // Δ = −lr·g'
                continue;
            }
            var b = Kernels.Values(s.Momentum![i]);
            buffers[i] = Kernels.FreshLike(gradients[i]);
            var nb = Kernels.Values(buffers[i]);
            TensorPrimitives.MultiplyAdd<T>(b, mu, u, nb);                           // b' = μ·b + g' (b starts at 0: PyTorch's clone)
            Simd.FlushSubnormals<T>(nb);                                              // a decaying buffer: see FlushSubnormals
            if (Nesterov) TensorPrimitives.MultiplyAdd<T>(nb, mu, u, u);            // Nesterov: g' + μ·b'
            else nb.AsSpan().CopyTo(u);
            TensorPrimitives.Multiply<T>(u, rate, u);                                // Δ = −lr·(…)
        }
        return (new Parameters<T>(updates), new SgdState<T>(s.Count + 1, buffers is null ? null : new Parameters<T>(buffers)));
    }

    // Fused: θ' = θ − lr·(g + λ·θ) (plain SGD) or the momentum rule, in one pass instead of Update's Δ and then θ + Δ.
    public (Parameters<T> Parameters, IOptimizerState<T> State) Apply<T>(Parameters<T> gradients, IOptimizerState<T> state, Parameters<T> parameters)
        where T : struct, IFloatingPointIeee754<T>
    {
        var s = OptimizerState.As<SgdState<T>>(state, this);
        parameters.RequireSameShapes(gradients, "Sgd.Apply (parameters vs gradients)");
        var rate = T.CreateChecked(-LearningRate.At(s.Count));
        if (s.Momentum is { } momentum)
        {
            // Momentum, fused too: θ' and the new buffer b' in one pass.
            var (mu, decay) = (T.CreateChecked(Momentum), T.CreateChecked(WeightDecay));
            var (next, buffers) = (new Matrix<T>[gradients.Count], new Matrix<T>[gradients.Count]);
            for (var i = 0; i < gradients.Count; i++)
            {
                (next[i], buffers[i]) = (Kernels.FreshLike(parameters[i]), Kernels.FreshLike(parameters[i]));
                var (g, p, b) = (Kernels.Values(gradients[i]), Kernels.Values(parameters[i]), Kernels.Values(momentum[i]));
                var (nb, r) = (Kernels.Values(buffers[i]), Kernels.Values(next[i]));
                Workers.ForChunks(g.Length, (start, count) => Simd.SgdMomentumStep<T>(g.AsSpan(start, count), p.AsSpan(start, count),
                    b.AsSpan(start, count), nb.AsSpan(start, count), r.AsSpan(start, count), rate, mu, decay, Nesterov));
            }
            return (new Parameters<T>(next), new SgdState<T>(s.Count + 1, new Parameters<T>(buffers)));
        }
        var shrink = T.One + rate * T.CreateChecked(WeightDecay);   // θ − lr·λ·θ = (1 − lr·λ)·θ
        var result = new Matrix<T>[gradients.Count];
        for (var i = 0; i < gradients.Count; i++)
        {
            result[i] = Kernels.FreshLike(parameters[i]);
            var (g, p, r) = (Kernels.Values(gradients[i]), Kernels.Values(parameters[i]), Kernels.Values(result[i]));
            // Memory-bound: large tensors stream on both cores.
            Workers.ForChunks(r.Length, (start, count) =>
            {
                Span<T> gc = g.AsSpan(start, count), pc = p.AsSpan(start, count), rc = r.AsSpan(start, count);
                if (WeightDecay == 0) TensorPrimitives.MultiplyAdd<T>(gc, rate, pc, rc);
                else
                {
                    TensorPrimitives.Multiply<T>(pc, shrink, rc);
                    TensorPrimitives.MultiplyAdd<T>(gc, rate, rc, rc);
                }
            });
        }
        return (new Parameters<T>(result), new SgdState<T>(s.Count + 1, null));
    }

    public override string ToString() =>
        $"Sgd(LearningRate: {LearningRate}" + (Momentum == 0 ? "" : $", Momentum: {Momentum:R}") + (Nesterov ? ", Nesterov: true" : "")
        + (WeightDecay == 0 ? "" : $", WeightDecay: {WeightDecay:R}") + ")";

    public double? LearningRateInForce<T>(IOptimizerState<T> state) where T : struct, IFloatingPointIeee754<T> =>
        LearningRate.At(OptimizerState.LatestStep(OptimizerState.As<SgdState<T>>(state, this).Count));
}

/// <summary><see cref="Sgd"/>'s state: the number of updates made and the momentum buffers b (null without momentum).</summary>
public sealed record SgdState<T>(long Count, Parameters<T>? Momentum) : IOptimizerState<T> where T : struct, IFloatingPointIeee754<T>
{
    public override string ToString() => $"SgdState(count {Count}{(Momentum is null ? "" : $", momentum {Momentum}")})";
}
