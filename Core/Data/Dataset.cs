namespace Nabla.Data;

/// <summary>
/// Samples in memory: Features (Count × FeatureCount, row-major floats), Targets (Count × TargetCount, row-major:
/// one-hot rows for classification) and, for classification, the integer Labels. Each sample has a
/// <see cref="SampleShape"/>: (FeatureCount) features, or an image (channels, height, width) whose values are stored in
/// PyTorch's C, H, W order. Immutable by convention: every method returns a new dataset and never writes into the arrays.
/// </summary>
public sealed record Dataset(string Name, float[] Features, int Count, int FeatureCount, float[] Targets, int TargetCount, int[]? Labels)
{
    /// <summary>The shape of one sample: (FeatureCount) unless set to an image of FeatureCount values (MNIST: (1, 28, 28)).</summary>
    public SampleShape SampleShape
    {
        get => field.Size == FeatureCount ? field : FeatureCount > 0 ? SampleShape.Features(FeatureCount) : default;
        init => field = value.Size == FeatureCount ? value
            : throw new ShapeException($"{Name}: samples of shape {value} have {value.Size} values, but the dataset has {FeatureCount} per sample.");
    }

    /// <summary>The same samples, each read as shape <paramref name="shape"/> (which must hold FeatureCount values).</summary>
    public Dataset WithSampleShape(SampleShape shape) => this with { SampleShape = shape };

    /// <summary>Number of classes (classification), else 0: one per one-hot column, or, with labels in one column,
    /// 2 for binary 0/1 labels and max label + 1 beyond.</summary>
    public int Classes => Labels is null ? 0 : TargetCount == 1 ? Math.Max(2, Labels.Length == 0 ? 0 : Labels.Max() + 1) : TargetCount;

    /// <summary>A classification dataset: one-hot targets built from <paramref name="labels"/> in 0..classes−1.
    /// Two classes stored as one 0/1 target column when <paramref name="binary"/> is true (for a sigmoid output).</summary>
    public static Dataset Classification(string name, float[] features, int featureCount, int[] labels, int classes, bool binary = false)
    {
        Require(features.Length == labels.Length * featureCount,
            $"{name}: {features.Length} feature values is not {labels.Length} samples × {featureCount} features.");
        for (var i = 0; i < labels.Length; i++)
            if (labels[i] < 0 || labels[i] >= classes)   // not Require: its message would be built for every sample
                throw new ArgumentException($"{name}: sample {i} has label {labels[i]}, outside 0..{classes - 1}.");
        if (binary)
        {
            Require(classes == 2, $"{name}: a binary dataset has 2 classes, not {classes}.");
            return new(name, features, labels.Length, featureCount, labels.Select(l => (float)l).ToArray(), 1, labels);
        }
        return new(name, features, labels.Length, featureCount, OneHot.Encode(labels, classes), classes, labels);
    }

    /// <summary>A regression dataset: real-valued targets, Count × targetCount row-major.</summary>
    public static Dataset Regression(string name, float[] features, int featureCount, float[] targets, int targetCount)
    {
        Require(featureCount > 0 && targetCount > 0 && features.Length % featureCount == 0,
            $"{name}: {features.Length} feature values do not split into rows of {featureCount}.");
        var count = features.Length / featureCount;
        Require(targets.Length == count * targetCount, $"{name}: {targets.Length} target values is not {count} samples × {targetCount} targets.");
        return new(name, features, count, featureCount, targets, targetCount, null);
    }

    /// <summary>Features without targets (samples to predict on, as Kaggle's test.csv): TargetCount 0, no labels.</summary>
    public static Dataset Unlabeled(string name, float[] features, int featureCount)
    {
        Require(featureCount > 0 && features.Length % featureCount == 0,
            $"{name}: {features.Length} feature values do not split into rows of {featureCount}.");
        return new(name, features, features.Length / featureCount, featureCount, [], 0, null);
    }

    /// <summary>The samples at <paramref name="indices"/>, in that order.</summary>
    public Dataset Subset(IReadOnlyList<int> indices, string? name = null)
    {
        var features = new float[indices.Count * FeatureCount];
        var targets = new float[indices.Count * TargetCount];
        for (var r = 0; r < indices.Count; r++)
        {
            Features.AsSpan(indices[r] * FeatureCount, FeatureCount).CopyTo(features.AsSpan(r * FeatureCount));
            Targets.AsSpan(indices[r] * TargetCount, TargetCount).CopyTo(targets.AsSpan(r * TargetCount));
        }
        var labels = Labels is null ? null : indices.Select(i => Labels[i]).ToArray();
        return this with { Name = name ?? Name, Features = features, Count = indices.Count, Targets = targets, Labels = labels };
    }

    /// <summary>The first <paramref name="count"/> samples (all of them if there are fewer).</summary>
    public Dataset Take(int count) => Subset(Enumerable.Range(0, Math.Min(Math.Max(count, 0), Count)).ToArray());

    /// <summary>A seeded random split: (Count − n, n) samples with n = round(fraction · Count), e.g. a validation split.</summary>
    public (Dataset Train, Dataset Validation) Split(double fraction, Rng rng)
    {
        if (fraction is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "Split: fraction must be in (0, 1).");
        var order = rng.Permutation(Count);
        var n = (int)Math.Round(fraction * Count);
        return (Subset(order[n..], $"{Name} (train split)"), Subset(order[..n], $"{Name} (validation split)"));
    }

    /// <summary>Features multiplied by <paramref name="factor"/> (1/255 maps bytes to [0, 1]).</summary>
    public Dataset Scaled(float factor) => this with { Features = Features.Select(v => v * factor).ToArray() };

    /// <summary>Features min–max scaled to [0, 1] over the whole dataset (a constant dataset maps to 0).</summary>
    public Dataset ScaledTo01()
    {
        if (Features.Length == 0) return this;
        var (min, max) = (Features.Min(), Features.Max());
        var range = max - min;
        return this with { Features = Features.Select(v => range > 0 ? (v - min) / range : 0f).ToArray() };
    }

    static void Require(bool condition, string message)
    {
        if (!condition) throw new ArgumentException(message);
    }

    /// <summary>Prints the name and sizes: "mnist-train: 60000 samples × 1×28×28 images, 10 classes".</summary>
    public override string ToString() =>
        $"{Name}: {Count} samples × " + (SampleShape.IsImage ? $"{SampleShape.Channels}×{SampleShape.Height}×{SampleShape.Width} images, " : $"{FeatureCount} features, ") +
        (Labels is not null ? $"{Classes} classes" : TargetCount == 0 ? "no targets" : $"{TargetCount} targets");
}

/// <summary>One-hot encoding: label k of n classes becomes a row with 1 at column k, 0 elsewhere.</summary>
public static class OneHot
{
    /// <summary>labels.Length × classes row-major one-hot rows.</summary>
    public static float[] Encode(IReadOnlyList<int> labels, int classes)
    {
        var rows = new float[labels.Count * classes];
        for (var i = 0; i < labels.Count; i++)
        {
            if (labels[i] < 0 || labels[i] >= classes)
                throw new ArgumentOutOfRangeException(nameof(labels), $"label {labels[i]} at index {i} is outside 0..{classes - 1}.");
            rows[i * classes + labels[i]] = 1f;
        }
        return rows;
    }
}
