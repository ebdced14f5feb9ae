namespace Nabla.Layers;

/// <summary>The checks every sliding-window layer (convolution, pooling) makes of its input, with errors that name the
/// layer, both shapes and what to change; then the <see cref="WindowGeometry"/> its kernels take.</summary>
static class Window
{
    /// <summary>The geometry of a KH × KW window at <paramref name="stride"/> with <paramref name="padding"/> over
    /// <paramref name="n"/> samples of <paramref name="input"/>; a <see cref="ShapeException"/> when the input is not an image
    /// or the window does not fit.</summary>
    public static WindowGeometry Over(object layer, SampleShape input, int n, int kh, int kw, int stride, Padding padding)
    {
        if (!input.IsImage)
            throw new ShapeException($"{layer} takes images (channels, height, width), but its input is a feature vector {input}: " +
                "give the dataset its image shape (dataset.WithSampleShape(SampleShape.Image(c, h, w)); Mnist.Load does), " +
                "or use Dense layers for feature vectors.");
        var (padH, padW) = (input.Height + 2 * padding.Pixels, input.Width + 2 * padding.Pixels);   // "same" always fits
        if (!padding.IsSame && (kh > padH || kw > padW))
            throw new ShapeException($"{layer}: the {kh}×{kw} window is larger than its padded input {padH}×{padW} " +
                $"({input.Height}×{input.Width} of {input} plus {padding.Pixels} per side): use a smaller kernel, " +
                "pad more (padding \"same\" keeps the size), or remove a pooling step before it.");
        var key = (padding, n, input, kh, kw, stride);
        if (geometries.TryGetValue(key, out var known)) return known;
        if (geometries.Count >= 256) geometries.Clear();   // a run sees a handful (its batch sizes × its layers)
        return geometries[key] = padding.Geometry(n, input, kh, kw, stride);
    }

    // The geometries made so far: a training step asks for one per window layer, forward and backward, and WindowGeometry
    // is an immutable object, so the step can share it rather than allocate it again.
    static readonly System.Collections.Concurrent.ConcurrentDictionary<(Padding, int, SampleShape, int, int, int), WindowGeometry> geometries = new();

    /// <summary>How many geometries the cache holds now (at most 256 when one thread fills it): for the test that keeps it bounded.</summary>
    internal static int CachedGeometries => geometries.Count;

    /// <summary>Throws unless <paramref name="stride"/> ≥ 1, saying what it means.</summary>
    public static int CheckStride(int stride, string owner) => stride >= 1 ? stride
        : throw new ArgumentOutOfRangeException(nameof(stride), stride,
            $"{owner}: stride must be at least 1, got {stride}: it is how many pixels the window moves per step (1 visits every position).");

    /// <summary>Throws unless the window is at least 1 × 1.</summary>
    public static int CheckSize(int size, string name, string owner) => size >= 1 ? size
        : throw new ArgumentOutOfRangeException(name, size, $"{owner}: {name} must be at least 1, got {size}.");
}
