namespace Nabla.Data;

/// <summary>
/// Shifts each image by whole pixels, (Δh, Δw) drawn uniformly from −MaxPixels … MaxPixels each, filling the uncovered
/// border with 0: x′[c, h, w] = x[c, h − Δh, w − Δw], 0 where that falls outside. Keras's
/// <c>RandomTranslation(fill_mode="constant")</c>, torchvision's <c>RandomAffine(0, translate=…)</c>, in whole pixels; a
/// digit or a garment moved a little is still the same class, so the network learns that.
/// </summary>
public sealed record RandomTranslation : IAugmentation
{
    /// <summary>Shifts of up to <paramref name="maxPixels"/> (≥ 0) pixels in each direction, each axis on its own.</summary>
    public RandomTranslation(int maxPixels) =>
        MaxPixels = maxPixels >= 0 ? maxPixels
            : throw new ArgumentOutOfRangeException(nameof(maxPixels), maxPixels, "RandomTranslation: maxPixels must be ≥ 0 (2 suits 28 × 28 digits).");

    /// <summary>The largest shift along each axis, in pixels.</summary>
    public int MaxPixels { get; }

    /// <inheritdoc/>
    public void Require(SampleShape shape, string dataName)
    {
        if (!shape.IsImage)
            throw new ShapeException($"{this} shifts images, but {dataName} has samples of shape {shape}: give it an image shape " +
                "(Mnist.Load gives (1, 28, 28); dataset.WithSampleShape(SampleShape.Image(channels, height, width))).");
        if (MaxPixels >= Math.Min(shape.Height, shape.Width))
            throw new ShapeException($"{this} can shift a {shape} image out of sight: use fewer than {Math.Min(shape.Height, shape.Width)} pixels.");
    }

    /// <inheritdoc/>
    public void TransformInto(ReadOnlySpan<float> sample, SampleShape shape, Rng rng, Span<float> destination)
    {
        var dh = rng.NextInt(2 * MaxPixels + 1) - MaxPixels;
        var dw = rng.NextInt(2 * MaxPixels + 1) - MaxPixels;
        var (height, width) = (shape.Height, shape.Width);
        destination.Clear();
        // Destination columns w with 0 ≤ w − Δw < width, rows likewise: each such row is one contiguous copy.
        var (w0, w1) = (Math.Max(0, dw), Math.Min(width, width + dw));
        var (h0, h1) = (Math.Max(0, dh), Math.Min(height, height + dh));
        for (var c = 0; c < shape.Channels; c++)
            for (var h = h0; h < h1; h++)
                sample.Slice((c * height + h - dh) * width + w0 - dw, w1 - w0).CopyTo(destination.Slice((c * height + h) * width + w0));
    }

    /// <summary>Prints "RandomTranslation(2)": the largest shift in pixels.</summary>
    public override string ToString() => $"RandomTranslation({MaxPixels})";
}
