namespace Nabla.Tests.Compute;

/// <summary>Output sizes for valid, padded and "same" windows (TensorFlow's asymmetric split at stride above 1), and
/// errors that say what to change.</summary>
public class WindowGeometryTests
{
    [Theory]
    [InlineData(28, 5, 1, 24)]    // LeNet's first convolution
    [InlineData(24, 2, 2, 12)]    // its pooling
    [InlineData(7, 3, 2, 3)]      // floor((7 − 3) / 2) + 1
    [InlineData(5, 5, 3, 1)]
    public void Valid_windows_give_floor_of_the_span_over_the_stride_plus_one(int size, int kernel, int stride, int output)
    {
        var g = WindowGeometry.Valid(2, 3, size, size + 1, kernel, kernel, stride);
        Assert.Equal((output, (size + 1 - kernel) / stride + 1), (g.OH, g.OW));
    }

    [Theory]   // size, kernel, stride → output, padding before, padding after (TensorFlow's rule)
    [InlineData(28, 3, 1, 28, 1, 1)]
    [InlineData(28, 4, 1, 28, 1, 2)]    // even kernel: the odd row goes at the end, as in PyTorch's padding='same'
    [InlineData(7, 3, 2, 4, 1, 1)]      // ceil(7 / 2) = 4, total (4 − 1)·2 + 3 − 7 = 2
    [InlineData(8, 3, 2, 4, 0, 1)]      // total (4 − 1)·2 + 3 − 8 = 1: all of it at the bottom/right
    [InlineData(5, 1, 3, 2, 0, 0)]      // a 1 × 1 window never pads
    public void Same_keeps_ceil_of_size_over_stride_and_pads_more_at_the_end(int size, int kernel, int stride, int output, int before, int after)
    {
        var g = WindowGeometry.Same(1, 1, size, size, kernel, kernel, stride);
        Assert.Equal((output, output), (g.OH, g.OW));
        Assert.Equal((before, before, after, after), (g.PadTop, g.PadLeft, g.PadBottom, g.PadRight));
    }

    [Fact]
    public void Symmetric_padding_is_pytorchs_padding_argument()
    {
        var g = WindowGeometry.Padded(4, 1, 28, 28, 5, 5, stride: 1, padding: 2);
        Assert.Equal((28, 28, 2, 2, 2, 2), (g.OH, g.OW, g.PadTop, g.PadLeft, g.PadBottom, g.PadRight));
        Assert.Equal(4 * 3 * 28 * 28, g.OutputLength(3));
        Assert.Equal(25, g.Patch);
    }

    [Fact]
    public void Errors_name_the_geometry_and_what_to_change()
    {
        var e = Assert.Throws<ArgumentException>(() => WindowGeometry.Valid(64, 32, 4, 4, 5, 5));
        Assert.Contains("the 5×5 window is larger than its padded input 4×4 (4×4 plus padding)", e.Message);
        Assert.Contains("use a smaller kernel, pad more", e.Message);
        e = Assert.Throws<ArgumentException>(() => WindowGeometry.Valid(64, 1, 28, 28, 3, 3, stride: 0));
        Assert.Contains("the stride must be at least 1; got 0×0", e.Message);
        e = Assert.Throws<ArgumentException>(() => WindowGeometry.Same(64, 1, 28, 28, 3, 3, stride: -1));
        Assert.Contains("the stride must be at least 1", e.Message);
        e = Assert.Throws<ArgumentException>(() => WindowGeometry.Padded(64, 1, 28, 28, 3, 3, stride: 1, padding: -1));
        Assert.Contains("padding cannot be negative", e.Message);
        e = Assert.Throws<ArgumentException>(() => WindowGeometry.Valid(0, 1, 28, 28, 3, 3));
        Assert.Contains("must be at least 1", e.Message);
    }

    [Fact]
    public void A_short_last_batch_keeps_everything_but_n()
    {
        var g = WindowGeometry.Same(64, 8, 13, 13, 3, 3, stride: 2);
        var last = g.WithBatch(32);
        Assert.Equal(g, last.WithBatch(64));
        Assert.Equal((32, g.OH, g.PadBottom), (last.N, last.OH, last.PadBottom));
        Assert.Same(g, g.WithBatch(64));
    }
}
