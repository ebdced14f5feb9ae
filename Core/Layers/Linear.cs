using MathNet.Numerics.LinearAlgebra;

namespace Nabla.Layers;

/// <summary>The identity activation, y = x (Keras's "linear"): a regression head's output layer.</summary>
public sealed record Linear<T> : ILayer<T> where T : struct, IFloatingPointIeee754<T>
{
    // Returning x itself is safe: nothing in Nabla mutates a matrix it did not allocate.
    public Matrix<T> Forward(Matrix<T> x) => x;

    // y = x  ⇒  dx = dy
    public Backprop<T> Backward(Trace<T> trace, Matrix<T> dy, bool needInputGradient = true)
    {
        Shape.RequireSame(this, "dy", dy, "input", trace.Input);
        return new(NoGradient<T>.Instance, needInputGradient ? dy : null);
    }

    public override string ToString() => "Linear";
}
