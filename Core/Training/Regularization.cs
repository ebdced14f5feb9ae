using MathNet.Numerics.LinearAlgebra;
using Nabla.Layers;
using Nabla.Models;

namespace Nabla.Training;

/// <summary>The model-wide regularization penalty Σ R(θ) over every <see cref="IRegularized"/> layer, and its gradient.</summary>
public static class Regularization
{
    /// <summary>Σ R(θ) over every regularized tensor of the model (0 when none is).</summary>
    public static double Penalty<T>(this Sequential<T> model) where T : struct, IFloatingPointIeee754<T> =>
        Regularized(model).Sum(r => Penalty(r.Regularizer, r.Tensor));

    /// <summary>Σ R(θ), and <paramref name="gradients"/> (in <see cref="Sequential{T}.Parameters"/> order) plus dR/dθ;
    /// the gradients come back as they are when no layer is regularized.</summary>
    public static (double Penalty, Parameters<T> Gradients) Regularize<T>(this Sequential<T> model, Parameters<T> gradients)
        where T : struct, IFloatingPointIeee754<T>
    {
        var regularized = Regularized(model).ToList();
        if (regularized.Count == 0) return (0, gradients);
        var penalty = 0.0;
        var tensors = gradients.Tensors.ToArray();
        foreach (var (index, regularizer, tensor) in regularized)
        {
            penalty += Penalty(regularizer, tensor);
            var sum = Kernels.UninitializedLike(tensor);   // a fresh sum (recycled inside Fit): the backward's tensor is not touched
            tensors[index].Add(Gradient(regularizer, tensor), sum);
            tensors[index] = sum;
        }
        return (penalty, gradients.WithTensors(tensors));
    }

    // A regularizer defined outside Nabla (a script's) may keep the tensor: handed off, Fit never recycles it.
    static double Penalty<T>(IRegularizer regularizer, Matrix<T> w) where T : struct, IFloatingPointIeee754<T>
    {
        using (StepPool<T>.HandOff(regularizer, w)) return regularizer.Penalty(w);
    }

    static Matrix<T> Gradient<T>(IRegularizer regularizer, Matrix<T> w) where T : struct, IFloatingPointIeee754<T>
    {
        using (StepPool<T>.HandOff(regularizer, w)) return regularizer.Gradient(w);
    }

    /// <summary>Each regularized tensor with its index in the model's flat parameter list.</summary>
    static IEnumerable<(int Index, IRegularizer Regularizer, Matrix<T> Tensor)> Regularized<T>(Sequential<T> model)
        where T : struct, IFloatingPointIeee754<T>
    {
        var next = 0;
        foreach (var layer in model.Layers)
        {
            var parameters = Sequential<T>.ParametersOf(layer);
            if (layer is IRegularized { Regularizers: var regularizers })
            {
                if (regularizers.Count != parameters.Count)
                    throw new InvalidOperationException($"{layer}: {regularizers.Count} regularizers for {parameters.Count} parameter tensors; give one (or null) per tensor.");
                for (var p = 0; p < parameters.Count; p++)
                    if (regularizers[p] is { } regularizer) yield return (next + p, regularizer, parameters[p]);
            }
            next += parameters.Count;
        }
    }
}
