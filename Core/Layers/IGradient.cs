using MathNet.Numerics.LinearAlgebra;

namespace Nabla.Layers;

/// <summary>dL/dθ for one layer: a record that mirrors the layer's parameter names, and lists its tensors in
/// the order of <see cref="ILayer{T}.Parameters"/>.</summary>
public interface IGradient<T> where T : struct, IFloatingPointIeee754<T>
{
    /// <summary>The gradient tensors, in the layer's parameter order.</summary>
    IReadOnlyList<Matrix<T>> Tensors { get; }
}

/// <summary>The gradient of a layer without parameters.</summary>
public sealed record NoGradient<T> : IGradient<T> where T : struct, IFloatingPointIeee754<T>
{
    /// <summary>The one instance (it holds nothing).</summary>
    public static readonly NoGradient<T> Instance = new();

    /// <summary>None.</summary>
    public IReadOnlyList<Matrix<T>> Tensors => [];

    /// <summary>Prints "no parameters".</summary>
    public override string ToString() => "no parameters";
}
