using MathNet.Numerics.LinearAlgebra;

namespace Nabla.Layers;

/// <summary>Hyperbolic tangent, element-wise: y = tanh(x). Any shape in, same shape out.</summary>
public sealed record Tanh<T> : ILayer<T> where T : struct, IFloatingPointIeee754<T>
{
    public Matrix<T> Forward(Matrix<T> x)
    {
        var y = Kernels.ZerosLike(x);
        var xs = Kernels.Values(x);
        var ys = Kernels.Values(y);
        for (var i = 0; i < xs.Length; i++) ys[i] = T.Tanh(xs[i]);
        return y;
    }

    // y = tanh(x)  ⇒  dx = dy · (1 − y²)
    public Backprop<T> Backward(Trace<T> trace, Matrix<T> dy, bool needInputGradient = true)
    {
        Shape.RequireSame(this, "dy", dy, "output", trace.Output);
        if (!needInputGradient) return new(NoGradient<T>.Instance, null);
        var dx = Kernels.ZerosLike(dy);
        var ys = Kernels.Values(trace.Output);
        var dys = Kernels.Values(dy);
        var dxs = Kernels.Values(dx);
        for (var i = 0; i < ys.Length; i++) dxs[i] = dys[i] * (T.One - ys[i] * ys[i]);
        return new(NoGradient<T>.Instance, dx);
    }

    public override string ToString() => "Tanh";
}
