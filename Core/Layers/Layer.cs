namespace Nabla.Layers;

/// <summary>Layer factories in the element type <typeparamref name="T"/> (use <see cref="Layer"/> for float). Each layer's
/// file adds its own.</summary>
public static partial class Layer<T> where T : struct, IFloatingPointIeee754<T>;

/// <summary>Layer factories in float, the training type: <c>Dense(784, 128, Init.He, rng), Relu()</c>. Each layer's file
/// adds its own.</summary>
public static partial class Layer;
