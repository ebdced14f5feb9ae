namespace Nabla.Tests.Compute;

/// <summary>The image kernels' definitions as plain double loops over (n, c, h, w), reading and writing CHWN batches
/// through <see cref="At"/> alone: what the kernels are checked against.</summary>
static class ImageReference
{
    /// <summary>Index of (n, c, h, w) in a CHWN batch of N samples, C channels, H × W pixels.</summary>
    public static int At(int n, int c, int h, int w, int N, int C, int H, int W) => ((c * H + h) * W + w) * N + n;

    // Input pixel of window cell (kh, kw) at output (oh, ow), or null when it is padding.
    static (int H, int W)? Pixel(WindowGeometry g, int oh, int ow, int kh, int kw)
    {
        var (h, w) = (oh * g.StrideH - g.PadTop + kh, ow * g.StrideW - g.PadLeft + kw);
        return h >= 0 && h < g.H && w >= 0 && w < g.W ? (h, w) : null;
    }

    /// <summary>y[n, o, oh, ow] = b[o] + Σ_{c, kh, kw} W[o, c, kh, kw]·x[n, c, ih, iw], W in (out, in, kh, kw) order.</summary>
    public static double[] Conv(WindowGeometry g, int outChannels, double[] x, double[] weights, double[]? bias)
    {
        var y = new double[g.OutputLength(outChannels)];
        for (var n = 0; n < g.N; n++)
            for (var o = 0; o < outChannels; o++)
                for (var oh = 0; oh < g.OH; oh++)
                    for (var ow = 0; ow < g.OW; ow++)
                    {
                        var sum = bias?[o] ?? 0.0;
                        for (var c = 0; c < g.C; c++)
                            for (var kh = 0; kh < g.KH; kh++)
                                for (var kw = 0; kw < g.KW; kw++)
                                    if (Pixel(g, oh, ow, kh, kw) is var (h, w))
                                        sum += weights[((o * g.C + c) * g.KH + kh) * g.KW + kw] * x[At(n, c, h, w, g.N, g.C, g.H, g.W)];
                        y[At(n, o, oh, ow, g.N, outChannels, g.OH, g.OW)] = sum;
                    }
        return y;
    }

    /// <summary>The conv's gradients by the chain rule, term by term: dx, dW, db.</summary>
    public static (double[] Dx, double[] DWeights, double[] DBias) ConvBackward(WindowGeometry g, int outChannels, double[] x, double[] weights, double[] dy)
    {
        var (dx, dWeights, dBias) = (new double[x.Length], new double[weights.Length], new double[outChannels]);
        for (var n = 0; n < g.N; n++)
            for (var o = 0; o < outChannels; o++)
                for (var oh = 0; oh < g.OH; oh++)
                    for (var ow = 0; ow < g.OW; ow++)
                    {
                        var d = dy[At(n, o, oh, ow, g.N, outChannels, g.OH, g.OW)];
                        dBias[o] += d;
                        for (var c = 0; c < g.C; c++)
                            for (var kh = 0; kh < g.KH; kh++)
                                for (var kw = 0; kw < g.KW; kw++)
                                    if (Pixel(g, oh, ow, kh, kw) is var (h, w))
                                    {
                                        var wi = ((o * g.C + c) * g.KH + kh) * g.KW + kw;
                                        var xi = At(n, c, h, w, g.N, g.C, g.H, g.W);
                                        dWeights[wi] += d * x[xi];
                                        dx[xi] += d * weights[wi];
                                    }
                    }
        return (dx, dWeights, dBias);
    }

    /// <summary>Max pooling: the maximum over the window's real pixels, its offset kh·KW + kw (first on ties, NaN wins),
    /// and the gradient routed to that pixel.</summary>
    public static (double[] Y, double[] Argmax, double[] Dx) MaxPool(WindowGeometry g, double[] x, double[] dy)
    {
        var (y, argmax, dx) = (new double[g.OutputLength(g.C)], new double[g.OutputLength(g.C)], new double[x.Length]);
        for (var n = 0; n < g.N; n++)
            for (var c = 0; c < g.C; c++)
                for (var oh = 0; oh < g.OH; oh++)
                    for (var ow = 0; ow < g.OW; ow++)
                    {
                        var (best, where, at) = (double.NegativeInfinity, -1, -1);
                        for (var kh = 0; kh < g.KH; kh++)
                            for (var kw = 0; kw < g.KW; kw++)
                                if (Pixel(g, oh, ow, kh, kw) is var (h, w))
                                {
                                    var v = x[At(n, c, h, w, g.N, g.C, g.H, g.W)];
                                    if (where < 0 || v > best || double.IsNaN(v)) (best, where, at) = (v, kh * g.KW + kw, At(n, c, h, w, g.N, g.C, g.H, g.W));
                                }
                        var o = At(n, c, oh, ow, g.N, g.C, g.OH, g.OW);
                        (y[o], argmax[o]) = (best, where);
                        dx[at] += dy[o];
                    }
        return (y, argmax, dx);
    }

    /// <summary>Average pooling with padding counted as zeros (divisor KH·KW), and its gradient.</summary>
    public static (double[] Y, double[] Dx) AvgPool(WindowGeometry g, double[] x, double[] dy)
    {
        var (y, dx) = (new double[g.OutputLength(g.C)], new double[x.Length]);
        for (var n = 0; n < g.N; n++)
            for (var c = 0; c < g.C; c++)
                for (var oh = 0; oh < g.OH; oh++)
                    for (var ow = 0; ow < g.OW; ow++)
                    {
                        var o = At(n, c, oh, ow, g.N, g.C, g.OH, g.OW);
                        for (var kh = 0; kh < g.KH; kh++)
                            for (var kw = 0; kw < g.KW; kw++)
                                if (Pixel(g, oh, ow, kh, kw) is var (h, w))
                                {
                                    y[o] += x[At(n, c, h, w, g.N, g.C, g.H, g.W)];
                                    dx[At(n, c, h, w, g.N, g.C, g.H, g.W)] += dy[o] / (g.KH * g.KW);
                                }
                        y[o] /= g.KH * g.KW;
                    }
        return (y, dx);
    }

    public static double[] Values(Rng rng, int length, double low = -2, double high = 2) =>
        Enumerable.Range(0, length).Select(_ => rng.Uniform(low, high)).ToArray();

    /// <summary>An output buffer full of NaN: a kernel must overwrite every value it owns (as with a recycled buffer).</summary>
    public static T[] Garbage<T>(int length) where T : struct, IFloatingPointIeee754<T> => Enumerable.Repeat(T.NaN, length).ToArray();

    public static float[] Floats(double[] values) => [.. values.Select(v => (float)v)];

    public static void AssertClose(double[] expected, ReadOnlySpan<double> actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        var scale = Math.Max(1, expected.Select(Math.Abs).DefaultIfEmpty(0).Max());
        for (var i = 0; i < expected.Length; i++)
            if (!(Math.Abs(expected[i] - actual[i]) <= tolerance * scale))   // the message only on failure: formatting it costs
                Assert.Fail($"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R} (tolerance {tolerance:E0} × {scale:G3})");
    }
}

/// <summary>A random window over a random batch: sizes that hit the vector lanes and their tails (N up to 37), strides
/// above 1, uneven padding on each side, and windows larger than the stride (overlapping) or smaller (gaps).</summary>
sealed record WindowCase(int N, int C, int H, int W, int KH, int KW, int StrideH, int StrideW, int Top, int Left, int Bottom, int Right, int Out, ulong Seed)
{
    public WindowGeometry Geometry => new(N, C, H, W, KH, KW, StrideH, StrideW, Top, Left, Bottom, Right);

    /// <summary>Cases whose windows fit the padded input; <paramref name="poolable"/> also keeps padding below the window
    /// size (pooling's requirement).</summary>
    public static Arbitrary<WindowCase> Arbitrary(bool poolable) =>
        Arb.From(
            (from n in Gen.Elements(1, 2, 3, 5, 8, 16, 17, 31, 37)
             from c in Gen.Choose(1, 4)
             from h in Gen.Choose(1, 9)
             from w in Gen.Choose(1, 9)
             from kh in Gen.Choose(1, 4)
             from kw in Gen.Choose(1, 4)
             from sh in Gen.Choose(1, 3)
             from sw in Gen.Choose(1, 3)
             from pads in Gen.ArrayOf(Gen.Choose(0, 2), 4)
             from o in Gen.Choose(1, 5)
             from seed in Gen.Choose(0, int.MaxValue)
             select new WindowCase(n, c, h, w, kh, kw, sh, sw, pads[0], pads[1], pads[2], pads[3], o, (ulong)seed))
            .Where(k => k.KH <= k.H + k.Top + k.Bottom && k.KW <= k.W + k.Left + k.Right
                && (!poolable || (k.Top < k.KH && k.Bottom < k.KH && k.Left < k.KW && k.Right < k.KW))),
            Shrink);

    static IEnumerable<WindowCase> Shrink(WindowCase k)
    {
        if (k.N > 1) yield return k with { N = k.N - 1 };
        if (k.C > 1) yield return k with { C = k.C - 1 };
        if (k.Out > 1) yield return k with { Out = k.Out - 1 };
    }

    public Rng Rng() => new(Seed);
}
