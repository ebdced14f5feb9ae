using MathNet.Numerics.LinearAlgebra;

namespace Nabla.Layers;

/// <summary>
/// Global average pooling: y[n, c] = (1/(H·W)) Σ_{h, w} x[n, c, h, w]. x: N × (C·H·W) images, y: N × C features (Keras's
/// GlobalAveragePooling2D; in PyTorch, nn.AdaptiveAvgPool2d(1) then nn.Flatten()). With CHWN batches, channel c's pixels
/// are one contiguous block of H·W runs of N, so y's column c is their mean. Backward: dx = dy[n, c] / (H·W) at every pixel.
/// </summary>
public sealed record GlobalAveragePool2D<T> : IDescribedLayer<GlobalAveragePool2D<T>, T>, IAveragePooling where T : struct, IFloatingPointIeee754<T>
{
    // The whole image as one window: the average over it is the global mean. (A feature vector, H = W = 1, is refused by Over.)
    WindowGeometry IAveragePooling.Geometry(int n, SampleShape input) => Window.Over(this, input, n, input.Height, input.Width, 1, Padding.Valid);

    /// <summary>(C, H, W) → (C).</summary>
    public SampleShape OutputShape(SampleShape input)
    {
        ((IAveragePooling)this).Geometry(1, input);
        return SampleShape.Features(input.Channels);
    }

    /// <summary>y[n, c] = (1/(H·W)) Σ_{h, w} x[n, c, h, w]; x: batch × (C·H·W), y: batch × C.</summary>
    public Matrix<T> Forward(Matrix<T> x, SampleShape input) => AveragePooling.Forward(this, x, input);

    /// <summary>y = mean over the pixels ⇒ dx[n, c, h, w] = dy[n, c] / (H·W); dy: batch × C, dx: batch × (C·H·W).</summary>
    public Backprop<T> Backward(Trace<T> trace, Matrix<T> dy, bool needInputGradient = true) => AveragePooling.Backward(this, trace, dy, needInputGradient);

    /// <inheritdoc/>
    public static string TypeName => "global_avg_pool2d";

    /// <inheritdoc/>
    public static GlobalAveragePool2D<T> Build(LayerConfig config, IReadOnlyList<Matrix<T>> tensors) => new();

    /// <summary>Prints "GlobalAveragePool2D".</summary>
    public override string ToString() => "GlobalAveragePool2D";
}

public static partial class Layer<T>
{
    /// <summary>Each channel's mean over the image: (C, H, W) → (C).</summary>
    public static GlobalAveragePool2D<T> GlobalAveragePool2D() => new();
}

public static partial class Layer
{
    /// <inheritdoc cref="Layer{T}.GlobalAveragePool2D"/>
    public static GlobalAveragePool2D<float> GlobalAveragePool2D() => new();
}
