namespace Nabla.Layers;

/// <summary>
/// A pooling layer's window, what <see cref="MaxPool2D{T}"/> and <see cref="AvgPool2D{T}"/> share: Size × Size, moving by
/// Stride pixels (default Size: windows side by side) over the image padded with Padding pixels per side (0 to Size / 2, as
/// PyTorch requires: every window holds a real pixel). OH = ⌊(H + 2·Padding − Size)/Stride⌋ + 1. Checks its settings with
/// errors that name <see cref="Owner"/>, and reads and writes them as saved ("kernel_size", "stride", "padding").
/// </summary>
readonly record struct PoolWindow
{
    /// <summary>The window of an <paramref name="owner"/> layer ("MaxPool2D"); throws on a size or stride below 1 or a
    /// padding outside 0..size / 2.</summary>
    public PoolWindow(string owner, int size, int? stride, int padding)
    {
        Owner = owner;
        Size = Window.CheckSize(size, nameof(size), owner);
        Stride = stride ?? size;
        Padding = padding;
    }

    /// <summary>The layer's type name, in errors and in <see cref="ToString"/>.</summary>
    public string Owner { get; }

    /// <summary>The window's side, ≥ 1.</summary>
    public int Size { get; }

    /// <summary>Pixels the window moves per step, ≥ 1.</summary>
    public int Stride { get; init => field = Window.CheckStride(value, Owner); }

    /// <summary>Pixels of padding per side, 0 to Size / 2.</summary>
    public int Padding
    {
        get;
        init => field = value >= 0 && value <= Size / 2 ? value
            : throw new ArgumentOutOfRangeException(nameof(Padding), value, $"{Owner}: padding must be between 0 and half the window ({Size / 2}), got {value}.");
    }

    /// <summary>The geometry over <paramref name="n"/> samples of <paramref name="input"/>; a <see cref="ShapeException"/>
    /// (naming the layer: this window prints as it does) when the input is not an image or the window does not fit.</summary>
    public WindowGeometry Geometry(int n, SampleShape input) => Window.Over(this, input, n, Size, Size, Stride, Layers.Padding.Of(Padding));

    /// <summary>(C, H, W) → (C, OH, OW).</summary>
    public SampleShape OutputShape(SampleShape input)
    {
        var g = Geometry(1, input);
        return SampleShape.Image(input.Channels, g.OH, g.OW);
    }

    /// <summary>The saved settings, named as PyTorch's nn.MaxPool2d arguments.</summary>
    public LayerConfig Config => new(("kernel_size", Size), ("stride", Stride), ("padding", Padding));

    /// <summary>The window that <see cref="Config"/> saved, each setting checked (a <see cref="LayerConfigException"/> names a
    /// bad one).</summary>
    public static PoolWindow Read(string owner, LayerConfig config)
    {
        var size = config.Size("kernel_size");
        return new(owner, size, config.Int("stride", 1, expected: "a stride ≥ 1"), config.Int("padding", 0, size / 2, $"a padding between 0 and {size / 2}"));
    }

    /// <summary>The layer as it prints: "MaxPool2D(2)", "AvgPool2D(3, stride 1, padding 1)" (the defaults left out).</summary>
    public override string ToString() => $"{Owner}({Size}{(Stride == Size ? "" : $", stride {Stride}")}{(Padding == 0 ? "" : $", padding {Padding}")})";
}
