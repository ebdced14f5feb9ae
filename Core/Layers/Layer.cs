namespace Nabla.Layers;

/// <summary>Layer factories in the element type <typeparamref name="T"/> (use <see cref="Layer"/> for float).</summary>
public static class Layer<T> where T : struct, IFloatingPointIeee754<T>
{
    /// <summary>Dense(inputs → outputs): weights drawn by <paramref name="init"/>, bias zero.</summary>
    public static Dense<T> Dense(int inputs, int outputs, Initializer init, Rng rng)
    {
        if (inputs <= 0 || outputs <= 0)
            throw new ArgumentOutOfRangeException(nameof(inputs), $"Dense({inputs} → {outputs}): sizes must be positive.");
        return new(init.Draw<T>(inputs, outputs, rng), Kernels.Zeros<T>(1, outputs));
    }

    /// <summary>Dense(inputs → outputs) with Xavier-uniform weights (Keras's default) and zero bias.</summary>
    public static Dense<T> Dense(int inputs, int outputs, Rng rng) => Dense(inputs, outputs, Init.Xavier, rng);

    public static Relu<T> Relu() => new();
    public static LeakyRelu<T> LeakyRelu(double alpha = 0.01) => new(alpha);
    public static Sigmoid<T> Sigmoid() => new();
    public static Tanh<T> Tanh() => new();
    public static Softmax<T> Softmax() => new();
    public static LogSoftmax<T> LogSoftmax() => new();
    public static Linear<T> Linear() => new();

    /// <summary>Inverted dropout dropping each unit with probability <paramref name="rate"/> in training (Keras's Dropout(rate)).</summary>
    public static Dropout<T> Dropout(double rate) => new(rate);
}

/// <summary>Layer factories in float, the training type: <c>Dense(784, 128, Init.He, rng), Relu()</c>.</summary>
public static class Layer
{
    /// <inheritdoc cref="Layer{T}.Dense(int, int, Initializer, Rng)"/>
    public static Dense<float> Dense(int inputs, int outputs, Initializer init, Rng rng) => Layer<float>.Dense(inputs, outputs, init, rng);

    /// <inheritdoc cref="Layer{T}.Dense(int, int, Rng)"/>
    public static Dense<float> Dense(int inputs, int outputs, Rng rng) => Layer<float>.Dense(inputs, outputs, rng);

    public static Relu<float> Relu() => new();
    public static LeakyRelu<float> LeakyRelu(double alpha = 0.01) => new(alpha);
    public static Sigmoid<float> Sigmoid() => new();
    public static Tanh<float> Tanh() => new();
    public static Softmax<float> Softmax() => new();
    public static LogSoftmax<float> LogSoftmax() => new();
    public static Linear<float> Linear() => new();

    /// <inheritdoc cref="Layer{T}.Dropout(double)"/>
    public static Dropout<float> Dropout(double rate) => new(rate);
}
