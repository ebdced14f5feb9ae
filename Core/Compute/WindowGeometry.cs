namespace Nabla.Compute;

/// <summary>
/// A KH × KW window sliding over a batch of N images of C channels, H × W pixels, with strides and zero padding on each
/// side: the geometry shared by the convolution and pooling kernels. Output size: OH = ⌊(H + top + bottom − KH) / SH⌋ + 1,
/// OW likewise. Image batches are stored "CHWN": the N × (C·H·W) column-major batch (rows are samples, features in
/// PyTorch's C, H, W order) holds element (n, c, h, w) at ((c·H + h)·W + w)·N + n, so each pixel's N samples are
/// contiguous. Validated when made: sizes positive, padding not negative, the window no larger than the padded input.
/// </summary>
public sealed record WindowGeometry
{
    /// <summary>Samples in the batch.</summary>
    public int N { get; }
    /// <summary>Input channels.</summary>
    public int C { get; }
    /// <summary>Input height.</summary>
    public int H { get; }
    /// <summary>Input width.</summary>
    public int W { get; }
    /// <summary>Window height.</summary>
    public int KH { get; }
    /// <summary>Window width.</summary>
    public int KW { get; }
    /// <summary>Vertical stride.</summary>
    public int StrideH { get; }
    /// <summary>Horizontal stride.</summary>
    public int StrideW { get; }
    /// <summary>Zero rows above the image.</summary>
    public int PadTop { get; }
    /// <summary>Zero columns left of the image.</summary>
    public int PadLeft { get; }
    /// <summary>Zero rows below the image.</summary>
    public int PadBottom { get; }
    /// <summary>Zero columns right of the image.</summary>
    public int PadRight { get; }
    /// <summary>Output height: ⌊(H + PadTop + PadBottom − KH) / StrideH⌋ + 1.</summary>
    public int OH { get; }
    /// <summary>Output width: ⌊(W + PadLeft + PadRight − KW) / StrideW⌋ + 1.</summary>
    public int OW { get; }

    /// <summary>The geometry of a KH × KW window with the given strides and padding over N × C × H × W; throws an
    /// <see cref="ArgumentException"/> saying what to change when a size is not positive, a padding is negative, or
    /// the window does not fit its padded input.</summary>
    public WindowGeometry(int n, int c, int h, int w, int kh, int kw, int strideH, int strideW,
        int padTop, int padLeft, int padBottom, int padRight)
    {
        (N, C, H, W, KH, KW, StrideH, StrideW, PadTop, PadLeft, PadBottom, PadRight) =
            (n, c, h, w, kh, kw, strideH, strideW, padTop, padLeft, padBottom, padRight);
        if (n < 1 || c < 1 || h < 1 || w < 1)
            throw new ArgumentException($"{this}: the batch, channels, height and width must be at least 1.");
        if (kh < 1 || kw < 1)
            throw new ArgumentException($"{this}: the window must be at least 1×1; got {kh}×{kw}.");
        if (strideH < 1 || strideW < 1)
            throw new ArgumentException($"{this}: the stride must be at least 1; got {strideH}×{strideW}. Use stride 1 for a window at every position.");
        if (padTop < 0 || padLeft < 0 || padBottom < 0 || padRight < 0)
            throw new ArgumentException($"{this}: padding cannot be negative.");
        var (paddedH, paddedW) = (h + padTop + padBottom, w + padLeft + padRight);
        if (kh > paddedH || kw > paddedW)
            throw new ArgumentException(
                $"{this}: the {kh}×{kw} window is larger than its padded input {paddedH}×{paddedW} ({h}×{w} plus padding): " +
                "use a smaller kernel, pad more (padding 'same' keeps the size), or remove a pooling step before it.");
        OH = (paddedH - kh) / strideH + 1;
        OW = (paddedW - kw) / strideW + 1;
    }

    /// <summary>No padding ("valid"): OH = ⌊(H − KH) / stride⌋ + 1.</summary>
    public static WindowGeometry Valid(int n, int c, int h, int w, int kh, int kw, int stride = 1) =>
        new(n, c, h, w, kh, kw, stride, stride, 0, 0, 0, 0);

    /// <summary>The same padding on every side: OH = ⌊(H + 2·padding − KH) / stride⌋ + 1 (PyTorch's padding=p).</summary>
    public static WindowGeometry Padded(int n, int c, int h, int w, int kh, int kw, int stride, int padding) =>
        new(n, c, h, w, kh, kw, stride, stride, padding, padding, padding, padding);

    /// <summary>Padding "same", as TensorFlow pads it: OH = ⌈H / stride⌉, with max((OH − 1)·stride + KH − H, 0) zero rows
    /// split evenly and the odd one at the bottom (columns likewise, the odd one at the right). With stride 1 this is
    /// PyTorch's padding='same'.</summary>
    public static WindowGeometry Same(int n, int c, int h, int w, int kh, int kw, int stride = 1)
    {
        if (stride < 1)
            throw new ArgumentException($"Window {kh}×{kw} over {c}×{h}×{w}, stride {stride}, padding 'same': the stride must be at least 1.");
        static (int Before, int After) Split(int size, int kernel, int stride)
        {
            var output = (size + stride - 1) / stride;
            var total = Math.Max((output - 1) * stride + kernel - size, 0);
            return (total / 2, total - total / 2);
        }
        var (top, bottom) = Split(h, kh, stride);
        var (left, right) = Split(w, kw, stride);
        return new(n, c, h, w, kh, kw, stride, stride, top, left, bottom, right);
    }

    /// <summary>This geometry for a batch of <paramref name="n"/> samples (the last batch of an epoch may be short).</summary>
    public WindowGeometry WithBatch(int n) => n == N ? this
        : new(n, C, H, W, KH, KW, StrideH, StrideW, PadTop, PadLeft, PadBottom, PadRight);

    /// <summary>Values in the input batch: N·C·H·W.</summary>
    public int InputLength => checked(N * C * H * W);

    /// <summary>Values in an output batch of <paramref name="channels"/> channels: N·channels·OH·OW.</summary>
    public int OutputLength(int channels) => checked(N * channels * OH * OW);

    /// <summary>True when every window covers at least one real pixel (padding less than the window on every side), as
    /// pooling needs: a window of padding alone has no maximum.</summary>
    public bool WindowsTouchInput => PadTop < KH && PadBottom < KH && PadLeft < KW && PadRight < KW;

    /// <summary>Values in one window over all channels: C·KH·KW (a convolution's inputs per output value).</summary>
    public int Patch => C * KH * KW;

    /// <summary>Prints every dimension: "Window 3×3 over 64×1×28×28, stride 1×1, padding 0,0,0,0 (top, left, bottom,
    /// right)".</summary>
    public override string ToString() =>
        $"Window {KH}×{KW} over {N}×{C}×{H}×{W}, stride {StrideH}×{StrideW}, padding {PadTop},{PadLeft},{PadBottom},{PadRight} (top, left, bottom, right)";
}
