namespace Nabla.Tensors;

/// <summary>A matrix had the wrong shape for the layer, loss or operation that received it.</summary>
public sealed class ShapeException(string message) : ArgumentException(message);
