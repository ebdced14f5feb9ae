using System.Buffers;

namespace Nabla.Data;

/// <summary>
/// A random transform of one training sample, drawn afresh every epoch (data augmentation, as Keras's RandomTranslation
/// and RandomFlip layers or torchvision's transforms): x′ = f(x, r) with the same shape, r drawn from a seeded
/// <see cref="Rng"/>, so a seed fixes every epoch's transformed set. <c>Fit(…, augmentation: …)</c> applies it to the
/// training set at the start of each epoch; validation and test data are never augmented.
/// </summary>
public interface IAugmentation
{
    /// <summary>Throws, saying what to change, unless samples of <paramref name="shape"/> (from dataset
    /// <paramref name="dataName"/>) can be transformed.</summary>
    void Require(SampleShape shape, string dataName);

    /// <summary>destination = f(sample, draws from <paramref name="rng"/>): one sample of <paramref name="shape"/> in C, H, W
    /// order into a span of the same length (not overlapping it).</summary>
    void TransformInto(ReadOnlySpan<float> sample, SampleShape shape, Rng rng, Span<float> destination);
}

/// <summary>Applying an <see cref="IAugmentation"/> to a whole dataset, and chaining two.</summary>
public static class Augmentation
{
    /// <summary>A new dataset whose sample i is f(sample i), drawn in sample order from <paramref name="rng"/>; targets and
    /// labels shared with <paramref name="data"/>.</summary>
    public static Dataset Apply(this IAugmentation augmentation, Dataset data, Rng rng)
    {
        var features = new float[data.Features.Length];
        augmentation.ApplyInto(data, rng, features);
        return data with { Features = features };
    }

    /// <summary>The features of <see cref="Apply"/> written into <paramref name="destination"/> (Count × FeatureCount, row-major):
    /// Fit's epoch buffer, reused from epoch to epoch.</summary>
    public static void ApplyInto(this IAugmentation augmentation, Dataset data, Rng rng, Span<float> destination)
    {
        augmentation.Require(data.SampleShape, data.Name);
        if (destination.Length != data.Features.Length)
            throw new ArgumentException($"{augmentation}: the destination holds {destination.Length} values; {data.Name} has {data.Features.Length}.");
        var size = data.FeatureCount;
        for (var i = 0; i < data.Count; i++)
            augmentation.TransformInto(data.Features.AsSpan(i * size, size), data.SampleShape, rng, destination.Slice(i * size, size));
    }

    /// <summary>The generator Fit hands an augmentation in epoch <paramref name="epoch"/> of a run whose training steps are
    /// seeded with <paramref name="seed"/> (the training state's Seed): derived, not drawn, as a step's
    /// randomness is, so the run's shuffles are the same with or without augmentation and a resumed run redraws the same set.</summary>
    public static Rng EpochRng(ulong seed, int epoch) => Rng.ForStep(seed ^ 0x6A09E667F3BCC909UL, -epoch);   // steps count from 0: no overlap

    /// <summary>f then g: x′ = g(f(x)) (torchvision's Compose, a Keras Sequential of preprocessing layers).</summary>
    public static IAugmentation Then(this IAugmentation first, IAugmentation second) => new Composed(first, second);

    sealed record Composed(IAugmentation First, IAugmentation Second) : IAugmentation
    {
        public void Require(SampleShape shape, string dataName)
        {
            First.Require(shape, dataName);
            Second.Require(shape, dataName);
        }

        public void TransformInto(ReadOnlySpan<float> sample, SampleShape shape, Rng rng, Span<float> destination)
        {
            var between = ArrayPool<float>.Shared.Rent(sample.Length);   // per sample: a pooled scratch, not 60,000 arrays an epoch
            try
            {
                First.TransformInto(sample, shape, rng, between.AsSpan(0, sample.Length));
                Second.TransformInto(between.AsSpan(0, sample.Length), shape, rng, destination);
            }
            finally
            {
                // Stryker disable once Statement : equivalent; a scratch not returned is only garbage, the pool rents a new one
                ArrayPool<float>.Shared.Return(between);
            }
        }

        public override string ToString() => $"{First}, then {Second}";
    }
}
