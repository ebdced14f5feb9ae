using MathNet.Numerics.LinearAlgebra;

namespace Nabla.Layers;

/// <summary>Rectified linear unit, element-wise: y = max(0, x). Any shape in, same shape out.</summary>
public sealed record Relu<T> : ILayer<T> where T : struct, IFloatingPointIeee754<T>
{
    public Matrix<T> Forward(Matrix<T> x)
    {
        var y = Kernels.ZerosLike(x);
        var xs = Kernels.Values(x);
        var ys = Kernels.Values(y);
        for (var i = 0; i < xs.Length; i++) ys[i] = xs[i] > T.Zero ? xs[i] : T.Zero;
        return y;
    }

    // y = max(0, x)  ⇒  dx = dy · [x > 0]   (the kink at 0 gets derivative 0, as in PyTorch)
    public Backprop<T> Backward(Trace<T> trace, Matrix<T> dy, bool needInputGradient = true)
    {
        Shape.RequireSame(this, "dy", dy, "input", trace.Input);
        if (!needInputGradient) return new(NoGradient<T>.Instance, null);
        var dx = Kernels.ZerosLike(dy);
        var xs = Kernels.Values(trace.Input);
        var dys = Kernels.Values(dy);
        var dxs = Kernels.Values(dx);
        for (var i = 0; i < xs.Length; i++) dxs[i] = xs[i] > T.Zero ? dys[i] : T.Zero;
        return new(NoGradient<T>.Instance, dx);
    }

    public override string ToString() => "ReLU";
}
