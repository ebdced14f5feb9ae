using Nabla.Models;

namespace Nabla.Optimizers;

/// <summary>Stochastic gradient descent: Δ = −LearningRate · g.</summary>
public sealed record Sgd(double LearningRate = 0.01) : IOptimizer
{
    public double LearningRate { get; init; } = Hyper.NonNegative(LearningRate, nameof(LearningRate), nameof(Sgd));

    public IOptimizerState<T> Init<T>(Parameters<T> parameters) where T : struct, IFloatingPointIeee754<T> => EmptyState<T>.Instance;

    public (Parameters<T> Updates, IOptimizerState<T> State) Update<T>(Parameters<T> gradients, IOptimizerState<T> state, Parameters<T> parameters)
        where T : struct, IFloatingPointIeee754<T>
    {
        var rate = T.CreateChecked(-LearningRate);
        return (gradients.Map(g =>
        {
            var update = Kernels.FreshLike(g);   // fresh (recycled inside Fit)
            g.Multiply(rate, update);
            return update;
        }), state);
    }
}
