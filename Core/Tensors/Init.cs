using MathNet.Numerics.LinearAlgebra;

namespace Nabla.Tensors;

/// <summary>
/// A weight initializer: draws a fanIn × fanOut matrix from a seeded <see cref="Rng"/>.
/// Fan-in is the number of inputs of the layer, fan-out the number of outputs.
/// </summary>
public sealed record Initializer(string Name, Func<int, int, Rng, double> Sample)
{
    /// <summary>Draws a fanIn × fanOut matrix, filled column by column (the storage order).</summary>
    public Matrix<T> Draw<T>(int fanIn, int fanOut, Rng rng) where T : struct, IFloatingPointIeee754<T>
    {
        var m = Matrix<T>.Build.Dense(fanIn, fanOut);
        var values = Kernels.Values(m);
        for (var i = 0; i < values.Length; i++) values[i] = T.CreateChecked(Sample(fanIn, fanOut, rng));
        return m;
    }

    /// <summary>Prints <see cref="Name"/>: "he_uniform", "xavier_normal", ….</summary>
    public override string ToString() => Name;
}

/// <summary>The initializers Keras and PyTorch users know, by their usual names.</summary>
public static class Init
{
    /// <summary>U(−a, a).</summary>
    public static Initializer Uniform(double a) => new($"uniform(±{a})", (_, _, rng) => rng.Uniform(-a, a));

    /// <summary>N(0, std²).</summary>
    public static Initializer Normal(double std) => new($"normal(σ={std})", (_, _, rng) => std * rng.Normal());

    /// <summary>Glorot/Xavier uniform: U(−a, a), a = √(6 / (fanIn + fanOut)). Keras's default for Dense.</summary>
    public static readonly Initializer XavierUniform =
        new("xavier_uniform", (fanIn, fanOut, rng) => rng.Uniform(-1, 1) * Math.Sqrt(6.0 / (fanIn + fanOut)));

    /// <summary>Glorot/Xavier normal: N(0, 2 / (fanIn + fanOut)).</summary>
    public static readonly Initializer XavierNormal =
        new("xavier_normal", (fanIn, fanOut, rng) => rng.Normal() * Math.Sqrt(2.0 / (fanIn + fanOut)));

    /// <summary>He/Kaiming uniform: U(−a, a), a = √(6 / fanIn), for ReLU layers.</summary>
    public static readonly Initializer HeUniform =
        new("he_uniform", (fanIn, _, rng) => rng.Uniform(-1, 1) * Math.Sqrt(6.0 / fanIn));

    /// <summary>He/Kaiming normal: N(0, 2 / fanIn), for ReLU layers (PyTorch's kaiming_normal_).</summary>
    public static readonly Initializer HeNormal =
        new("he_normal", (fanIn, _, rng) => rng.Normal() * Math.Sqrt(2.0 / fanIn));

    /// <summary>Xavier uniform, the usual choice before tanh, sigmoid and softmax.</summary>
    public static Initializer Xavier => XavierUniform;

    /// <summary>He normal, the usual choice before ReLU.</summary>
    public static Initializer He => HeNormal;
}
