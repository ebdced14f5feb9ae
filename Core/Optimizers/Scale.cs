
namespace Nabla.Optimizers;

/// <summary>Multiplies by a constant: Δ = Factor·g (Optax's scale). <c>new Chain(new Scale(-lr))</c> is plain SGD.</summary>
public sealed record Scale(double Factor) : IOptimizer
{
    public double Factor { get; init => field = CheckFactor(value); } = CheckFactor(Factor);

    static double CheckFactor(double factor) => double.IsFinite(factor) ? factor
        : throw new ArgumentOutOfRangeException(nameof(Factor), factor, $"{nameof(Scale)}: {nameof(Factor)} must be finite, got {factor}.");

    public IOptimizerState<T> Init<T>(Parameters<T> parameters) where T : struct, IFloatingPointIeee754<T> => EmptyState<T>.Instance;

    public (Parameters<T> Updates, IOptimizerState<T> State) Update<T>(Parameters<T> gradients, IOptimizerState<T> state, Parameters<T> parameters)
        where T : struct, IFloatingPointIeee754<T>
    {
        return (gradients.Scaled(T.CreateChecked(Factor)), state);
    }
}
