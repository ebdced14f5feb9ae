
namespace Nabla.Optimizers;

/// <summary>Multiplies by a constant: Δ = Factor·g (Optax's scale). <c>new Chain(new Scale(-lr))</c> is plain SGD.</summary>
public sealed record Scale : IOptimizer
{
    /// <summary>Δ = <paramref name="Factor"/>·g.</summary>
    public Scale(double Factor) => this.Factor = Factor;

    /// <summary>The finite factor every update is multiplied by.</summary>
    public double Factor { get; init => field = Hyper.Finite(value, this); }

    /// <summary>No state: <see cref="EmptyState{T}"/>.</summary>
    public IOptimizerState<T> Init<T>(Parameters<T> parameters) where T : struct, IFloatingPointIeee754<T> => EmptyState<T>.Instance;

    /// <summary>Δ = Factor·g, each tensor shaped like its parameter.</summary>
    public (Parameters<T> Updates, IOptimizerState<T> State) Update<T>(Parameters<T> gradients, IOptimizerState<T> state, Parameters<T> parameters)
        where T : struct, IFloatingPointIeee754<T>
        => (gradients.Scaled(T.CreateChecked(Factor)), OptimizerState.As<EmptyState<T>>(state, this));
}
