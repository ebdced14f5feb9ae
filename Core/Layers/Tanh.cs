using MathNet.Numerics.LinearAlgebra;

namespace Nabla.Layers;

/// <summary>Hyperbolic tangent, element-wise: y = tanh(x). Any shape in, same shape out.</summary>
public sealed record Tanh<T> : ILayer<T> where T : struct, IFloatingPointIeee754<T>
{
    public Matrix<T> Forward(Matrix<T> x)
    {
        var y = Kernels.UninitializedLike(x);
        Simd.Tanh<T>(Kernels.Values(x), Kernels.Values(y));   // vectorized tanh
        return y;
    }

    // y = tanh(x)  ⇒  dx = dy · (1 − y²)
    public Backprop<T> Backward(Trace<T> trace, Matrix<T> dy, bool needInputGradient = true)
    {
        Shape.RequireSame(this, "dy", dy, "output", trace.Output);
        if (!needInputGradient) return new(NoGradient<T>.Instance, null);
        var dx = Kernels.UninitializedLike(dy);
        Simd.TanhBackward<T>(Kernels.Values(trace.Output), Kernels.Values(dy), Kernels.Values(dx));
        return new(NoGradient<T>.Instance, dx);
    }

    public override string ToString() => "Tanh";
}
