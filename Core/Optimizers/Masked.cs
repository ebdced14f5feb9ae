namespace Nabla.Optimizers;

/// <summary>
/// A transform restricted to some parameters by name (Optax's masked): <see cref="Inner"/> sees only the parameters
/// whose name <see cref="Mask"/> accepts, and keeps state for those only; the others' updates pass through unchanged.
/// <c>new Chain(new Masked(new AddDecayedWeights(1e-4), name => !name.EndsWith(".bias")), new Adam())</c> decays
/// weights but not biases. (Unchanged means the raw gradient, so masking out the whole optimizer would step uphill;
/// to freeze parameters, mask in <c>new Scale(0)</c>.)
/// </summary>
public sealed record Masked : IOptimizer
{
    /// <summary><paramref name="Inner"/> applied to the parameters whose name <paramref name="Mask"/> accepts.</summary>
    public Masked(IOptimizer Inner, Func<string, bool> Mask) => (this.Inner, this.Mask) = (Inner, Mask);

    /// <summary>The transform applied to the parameters the mask accepts.</summary>
    public IOptimizer Inner { get; init => field = Hyper.Given(value, this); }

    /// <summary>Which parameters <see cref="Inner"/> sees, by name ("0.weight", "0.bias", …).</summary>
    public Func<string, bool> Mask { get; init => field = Hyper.Given(value, this); }

    /// <summary><see cref="Inner"/>'s state for the parameters the mask accepts.</summary>
    public IOptimizerState<T> Init<T>(Parameters<T> parameters) where T : struct, IFloatingPointIeee754<T> =>
        Inner.Init(Selected(parameters));

    /// <summary><see cref="Inner"/>'s Δ for the parameters the mask accepts; the others' g unchanged.</summary>
    public (Parameters<T> Updates, IOptimizerState<T> State) Update<T>(Parameters<T> gradients, IOptimizerState<T> state, Parameters<T> parameters)
        where T : struct, IFloatingPointIeee754<T>
    {
        parameters.RequireSameShapes(gradients, $"{nameof(Masked)}.Update (parameters vs gradients)");
        var (g, p) = (Selected(gradients), Selected(parameters));
        Parameters<T> inner;
        IOptimizerState<T> next;
        // An inner transform defined outside Nabla (a script's) may keep what it is given: handed off, Fit never recycles it.
        using (StepPool<T>.HandOff(Inner, g.Tensors, p.Tensors)) (inner, next) = Inner.Update(g, state, p);
        var k = 0;   // Selected keeps the order, so the k-th accepted tensor is inner's k-th
        return (gradients.WithTensors(gradients.Tensors.Select((g, i) => Mask(gradients.Names[i]) ? inner[k++] : g).ToArray()), next);
    }

    /// <summary><see cref="Inner"/>'s.</summary>
    public double? LearningRateInForce<T>(IOptimizerState<T> state) where T : struct, IFloatingPointIeee754<T> => Inner.LearningRateInForce(state);

    /// <summary>The tensors the mask accepts, in order, under their names.</summary>
    Parameters<T> Selected<T>(Parameters<T> all) where T : struct, IFloatingPointIeee754<T>
    {
        var keep = Enumerable.Range(0, all.Count).Where(i => Mask(all.Names[i])).ToArray();
        return new Parameters<T>(keep.Select(i => all.Names[i]), keep.Select(i => all[i]));
    }

    /// <summary>Prints "Masked(inner)"; the mask, a function, has no printed form.</summary>
    public override string ToString() => $"Masked({Inner})";
}
