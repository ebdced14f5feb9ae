using MathNet.Numerics.LinearAlgebra;

namespace Nabla.Optimizers;

/// <summary>
/// Stochastic gradient descent, PyTorch's rule: g' = g + WeightDecay·θ; with Momentum μ > 0 the buffer b = μ·b + g'
/// and d = Nesterov ? g' + μ·b : b (else d = g'); Δ = −η_t·d. Defaults: η = 0.01, no momentum, no decay.
/// </summary>
public sealed record Sgd(LearningRateSchedule? LearningRate = null, double Momentum = 0, bool Nesterov = false, double WeightDecay = 0) : IOptimizer
{
    /// <summary>η_t: a number or a schedule (default 0.01).</summary>
    public LearningRateSchedule LearningRate { get; init => field = value ?? 0.01; }
        = LearningRate ?? 0.01;

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
        where T : struct, IFloatingPointIeee754<T> =>
        Step(gradients, state, parameters, apply: false);

    // Fused: θ' = θ + Δ in the same pass that computes Δ, instead of Update's Δ and then θ + Δ.
    public (Parameters<T> Parameters, IOptimizerState<T> State) Apply<T>(Parameters<T> gradients, IOptimizerState<T> state, Parameters<T> parameters)
        where T : struct, IFloatingPointIeee754<T> =>
        Step(gradients, state, parameters, apply: true);

    // Δ (or θ' = θ + Δ when apply) and the new momentum buffers: one SIMD pass per slice, large tensors on both cores.
    (Parameters<T>, IOptimizerState<T>) Step<T>(Parameters<T> gradients, IOptimizerState<T> state, Parameters<T> parameters, bool apply)
        where T : struct, IFloatingPointIeee754<T>
    {
        var s = OptimizerState.As<SgdState<T>>(state, this);
        parameters.RequireSameShapes(gradients, $"Sgd.{(apply ? "Apply" : "Update")} (parameters vs gradients)");
        var rate = T.CreateChecked(-LearningRate.At(s.Count));
        var (mu, decay) = (T.CreateChecked(Momentum), T.CreateChecked(WeightDecay));
        var results = new Matrix<T>[gradients.Count];
        var buffers = s.Momentum is null ? null : new Matrix<T>[gradients.Count];
        for (var i = 0; i < gradients.Count; i++)
        {
            results[i] = Kernels.UninitializedLike(gradients[i]);   // every element written below: no clearing
            var (g, p, r) = (Kernels.Values(gradients[i]), Kernels.Values(parameters[i]), Kernels.Values(results[i]));
            T[] b = [], nb = [];
            if (buffers is not null) (b, nb) = (Kernels.Values(s.Momentum![i]), Kernels.Values(buffers[i] = Kernels.UninitializedLike(gradients[i])));
            Workers.ForChunks(g.Length, (start, count) => Simd.SgdStep<T>(g.AsSpan(start, count), p.AsSpan(start, count),
                Workers.Chunk(b, start, count), Workers.Chunk(nb, start, count), r.AsSpan(start, count), rate, mu, decay, Nesterov, apply));
        }
        return (gradients.WithTensors(results), new SgdState<T>(s.Count + 1, buffers is null ? null : gradients.WithTensors(buffers)));
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
    public StateDict<T> ToStateDict() => StateDict<T>.Empty.With("count", Count).With("trace", Momentum);

    public IOptimizerState<T> LoadStateDict(StateDict<T> contents)
    {
        contents.RequireSameNames(ToStateDict(), this);
        return new SgdState<T>(contents.Count(), contents.Slot("trace", Momentum));
    }

    public override string ToString() => $"SgdState(count {Count}{(Momentum is null ? "" : $", momentum {Momentum}")})";
}
