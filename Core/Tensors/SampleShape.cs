namespace Nabla.Tensors;

/// <summary>
/// The shape of one sample (one row of a batch), without the batch: <c>(features)</c> for tabular data and dense layers,
/// <c>(channels, height, width)</c> for images. A batch of N samples is an N × <see cref="Size"/> matrix whose columns
/// are the sample's values flattened in PyTorch's C, H, W order: element (n, c, h, w) is at row n, column (c·H + h)·W + w,
/// so in the column-major storage at ((c·H + h)·W + w)·N + n ("CHWN": each pixel's N samples are contiguous). A feature
/// vector of size F reads as F channels of 1 × 1 pixels, which is how batch norm treats it.
/// </summary>
public readonly record struct SampleShape
{
    SampleShape(bool isImage, int channels, int height, int width)
    {
        if (channels < 1 || height < 1 || width < 1)
            throw new ShapeException(isImage
                ? $"An image shape needs channels, height and width of at least 1; got ({channels}, {height}, {width})."
                : $"A feature shape needs at least 1 feature; got {channels}.");
        if ((long)channels * height * width > int.MaxValue)
            throw new ShapeException($"({channels}, {height}, {width}) has more than {int.MaxValue} values per sample.");
        (IsImage, Channels, Height, Width) = (isImage, channels, height, width);
    }

    /// <summary>(count): a vector of <paramref name="count"/> features.</summary>
    public static SampleShape Features(int count) => new(false, count, 1, 1);

    /// <summary>(channels, height, width): an image, as PyTorch orders its dimensions (MNIST: (1, 28, 28)).</summary>
    public static SampleShape Image(int channels, int height, int width) => new(true, channels, height, width);

    /// <summary>True for (channels, height, width), false for (features).</summary>
    public bool IsImage { get; }

    /// <summary>An image's channels; a feature vector's features.</summary>
    public int Channels { get; }

    /// <summary>An image's height in pixels; 1 for a feature vector.</summary>
    public int Height { get; }

    /// <summary>An image's width in pixels; 1 for a feature vector.</summary>
    public int Width { get; }

    /// <summary>Values per sample, the batch's column count: C·H·W, or the feature count.</summary>
    public int Size => Channels * Height * Width;

    /// <summary>The dimensions as PyTorch lists them after the batch: [C, H, W] or [features].</summary>
    public int[] Dimensions => IsImage ? [Channels, Height, Width] : [Channels];

    /// <summary>"(1, 28, 28)" or "(784)".</summary>
    public override string ToString() => IsImage ? $"({Channels}, {Height}, {Width})" : $"({Channels})";
}
