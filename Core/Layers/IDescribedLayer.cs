using MathNet.Numerics.LinearAlgebra;

namespace Nabla.Layers;

/// <summary>
/// A layer type that is saved by name and rebuilt from its description: every built-in layer. The type name, the tensor
/// list and the builder are static, so a saved architecture is checked (every setting, every tensor's shape) before any
/// layer or tensor exists. <see cref="LayerTypes"/> finds the implementations by reflection: adding a layer adds no line
/// anywhere else.
/// </summary>
public interface IDescribedLayer<TSelf, T> : ILayer<T>
    where TSelf : IDescribedLayer<TSelf, T>
    where T : struct, IFloatingPointIeee754<T>
{
    /// <summary>The name in saved architectures, snake_case as PyTorch's functional names ("dense", "conv2d", "batch_norm").</summary>
    static abstract string TypeName { get; }

    /// <summary>This layer's settings: what <see cref="Build"/> needs besides the tensors.</summary>
    LayerConfig Config => LayerConfig.Empty;

    /// <summary>The tensors a layer with settings <paramref name="config"/> has, in <see cref="ILayer{T}.Parameters"/> then
    /// <see cref="ILayer{T}.State"/> order; checks every setting (a <see cref="LayerConfigException"/> names a bad one).</summary>
    static virtual IReadOnlyList<TensorDescription> TensorsFor(LayerConfig config) => [];

    /// <summary>The layer with settings <paramref name="config"/> and <paramref name="tensors"/> (as <see cref="TensorsFor"/>
    /// lists them, each a matrix of its <see cref="TensorDescription.MatrixShape"/>, checked by the caller).</summary>
    static abstract TSelf Build(LayerConfig config, IReadOnlyList<Matrix<T>> tensors);

    LayerDescription? ILayer<T>.Describe() => new(TSelf.TypeName, Config, TSelf.TensorsFor(Config));
}
