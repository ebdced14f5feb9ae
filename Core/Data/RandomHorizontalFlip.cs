namespace Nabla.Data;

/// <summary>
/// Mirrors each image left to right with probability <see cref="Probability"/>: x′[c, h, w] = x[c, h, W − 1 − w].
/// torchvision's <c>RandomHorizontalFlip(p)</c>, Keras's <c>RandomFlip("horizontal")</c>. For sets whose classes survive a
/// mirror (Fashion-MNIST's garments), not for digits or letters.
/// </summary>
public sealed record RandomHorizontalFlip : IAugmentation
{
    /// <summary>Flips with probability <paramref name="probability"/> in [0, 1] (0.5 by default, as torchvision's).</summary>
    public RandomHorizontalFlip(double probability = 0.5) =>
        Probability = probability is >= 0 and <= 1 ? probability
            : throw new ArgumentOutOfRangeException(nameof(probability), probability, "RandomHorizontalFlip: probability must be in [0, 1].");

    /// <summary>The chance that a sample is mirrored.</summary>
    public double Probability { get; }

    /// <inheritdoc/>
    public void Require(SampleShape shape, string dataName)
    {
        if (!shape.IsImage)
            throw new ShapeException($"{this} mirrors images, but {dataName} has samples of shape {shape}: give it an image shape " +
                "(dataset.WithSampleShape(SampleShape.Image(channels, height, width))).");
    }

    /// <inheritdoc/>
    public void TransformInto(ReadOnlySpan<float> sample, SampleShape shape, Rng rng, Span<float> destination)
    {
        sample.CopyTo(destination);
        if (rng.NextDouble() >= Probability) return;   // one draw per sample, flipped or not: the sequence stays in step
        for (var row = 0; row < shape.Channels * shape.Height; row++)
            destination.Slice(row * shape.Width, shape.Width).Reverse();
    }

    /// <summary>Prints "RandomHorizontalFlip(0.5)": the probability of a flip.</summary>
    public override string ToString() => $"RandomHorizontalFlip({Probability})";
}
