using System.Numerics.Tensors;

namespace Nabla.Optimizers;

/// <summary>Rescales all gradients together when their global norm ‖g‖ = √(Σ g²) exceeds MaxNorm:
/// g' = g · MaxNorm / ‖g‖, else g' = g (Optax's clip_by_global_norm). The direction is kept.</summary>
public sealed record ClipByGlobalNorm : IOptimizer
{
    /// <summary>Rescales to norm <paramref name="MaxNorm"/> when above it.</summary>
    public ClipByGlobalNorm(double MaxNorm) => this.MaxNorm = MaxNorm;

    /// <summary>The largest global norm let through, &gt; 0.</summary>
    public double MaxNorm { get; init => field = Hyper.Positive(value, this); }

    /// <summary>No state: <see cref="EmptyState{T}"/>.</summary>
    public IOptimizerState<T> Init<T>(Parameters<T> parameters) where T : struct, IFloatingPointIeee754<T> => EmptyState<T>.Instance;

    /// <summary>g' = g · MaxNorm / ‖g‖ when ‖g‖ = √(Σ g²) over every tensor exceeds MaxNorm, else g itself.</summary>
    public (Parameters<T> Updates, IOptimizerState<T> State) Update<T>(Parameters<T> gradients, IOptimizerState<T> state, Parameters<T> parameters)
        where T : struct, IFloatingPointIeee754<T>
    {
        var norm = gradients.GlobalNorm();
        // Stryker disable once Equality : equivalent; at ‖g‖ = MaxNorm the scale is exactly 1
        if (norm <= MaxNorm) return (gradients, state);   // unchanged: passing the same tensors on is pure, nothing mutates them
        return (gradients.Scaled(T.CreateChecked(MaxNorm / norm)), state);
    }
}

/// <summary>Clips every gradient entry to [−ClipValue, ClipValue] (PyTorch's clip_grad_value_, Keras's clipvalue).</summary>
public sealed record ClipByValue : IOptimizer
{
    /// <summary>Clips to [−<paramref name="ClipValue"/>, <paramref name="ClipValue"/>].</summary>
    public ClipByValue(double ClipValue) => this.ClipValue = ClipValue;

    /// <summary>The largest magnitude an entry keeps, &gt; 0.</summary>
    public double ClipValue { get; init => field = Hyper.Positive(value, this); }

    /// <summary>No state: <see cref="EmptyState{T}"/>.</summary>
    public IOptimizerState<T> Init<T>(Parameters<T> parameters) where T : struct, IFloatingPointIeee754<T> => EmptyState<T>.Instance;

    /// <summary>g' = clamp(g, −ClipValue, ClipValue), per element.</summary>
    public (Parameters<T> Updates, IOptimizerState<T> State) Update<T>(Parameters<T> gradients, IOptimizerState<T> state, Parameters<T> parameters)
        where T : struct, IFloatingPointIeee754<T>
    {
        var (high, low) = (T.CreateChecked(ClipValue), T.CreateChecked(-ClipValue));
        return (gradients.Map(g =>
        {
            var clipped = Kernels.UninitializedLike(g);   // every element written
            TensorPrimitives.Clamp<T>(Kernels.Values(g), low, high, Kernels.Values(clipped));
            return clipped;
        }), state);
    }
}
