using static Nabla.Tests.Compute.ImageReference;

namespace Nabla.Tests.Compute;

/// <summary>Max and average pooling against plain loops (<see cref="ImageReference"/>): exact, in double and float, on
/// random geometries whose N hits the vector lanes and their tails; PyTorch's tie and NaN rules; thread independence.</summary>
public class PoolingKernelsTests
{
    [Fact]
    public void Max_pooling_forward_argmax_and_backward_are_exact()
    {
        Check.One(TestSupport.Properties(), Prop.ForAll(WindowCase.Arbitrary(poolable: true), k =>
        {
            var (g, rng) = (k.Geometry, k.Rng());
            // Values on a coarse grid, so windows hold ties: the first cell must win them.
            var x = ImageReference.Values(rng, g.InputLength).Select(v => Math.Round(v * 2) / 2).ToArray();
            var dy = ImageReference.Values(rng, g.OutputLength(g.C));
            var expected = ImageReference.MaxPool(g, x, dy);
            var (y, argmax, dx) = (Garbage<double>(dy.Length), Garbage<double>(dy.Length), Garbage<double>(x.Length));
            PoolingKernels.MaxForward<double>(g, x, y, argmax);
            PoolingKernels.MaxBackward<double>(g, dy, argmax, dx);
            Assert.Equal(expected.Y, y);
            Assert.Equal(expected.Argmax, argmax);
            ImageReference.AssertClose(expected.Dx, dx, 1e-15, $"{g}: dx");   // exact but for the order of overlapping sums

            var (yf, argmaxf, dxf) = (Garbage<float>(dy.Length), Garbage<float>(dy.Length), Garbage<float>(x.Length));
            PoolingKernels.MaxForward<float>(g, ImageReference.Floats(x), yf, argmaxf);
            PoolingKernels.MaxBackward<float>(g, ImageReference.Floats(dy), argmaxf, dxf);
            Assert.Equal(ImageReference.Floats(expected.Y), yf);
            Assert.Equal(ImageReference.Floats(expected.Argmax), argmaxf);
            ImageReference.AssertClose(expected.Dx, [.. dxf.Select(v => (double)v)], 1e-6, $"{g}: dx (float)");
        }));
    }

    [Fact]
    public void Average_pooling_forward_and_backward_match_plain_loops()
    {
        Check.One(TestSupport.Properties(), Prop.ForAll(WindowCase.Arbitrary(poolable: true), k =>
        {
            var (g, rng) = (k.Geometry, k.Rng());
            var (x, dy) = (ImageReference.Values(rng, g.InputLength), ImageReference.Values(rng, g.OutputLength(g.C)));
            var expected = ImageReference.AvgPool(g, x, dy);
            var (y, dx) = (Garbage<double>(dy.Length), Garbage<double>(x.Length));
            PoolingKernels.AverageForward<double>(g, x, y);
            PoolingKernels.AverageBackward<double>(g, dy, dx);
            ImageReference.AssertClose(expected.Y, y, 1e-14, $"{g}: y");
            ImageReference.AssertClose(expected.Dx, dx, 1e-14, $"{g}: dx");
            var (yf, dxf) = (Garbage<float>(dy.Length), Garbage<float>(x.Length));
            PoolingKernels.AverageForward<float>(g, ImageReference.Floats(x), yf);
            PoolingKernels.AverageBackward<float>(g, ImageReference.Floats(dy), dxf);
            ImageReference.AssertClose(expected.Y, [.. yf.Select(v => (double)v)], 1e-6, $"{g}: y (float)");
            ImageReference.AssertClose(expected.Dx, [.. dxf.Select(v => (double)v)], 1e-6, $"{g}: dx (float)");
        }));
    }

    [Fact]
    public void Global_average_pooling_is_a_whole_image_window_with_an_n_by_c_output()
    {
        var (n, c, h, w) = (21, 3, 5, 4);
        var g = WindowGeometry.Valid(n, c, h, w, h, w);
        var x = ImageReference.Values(new Rng(2), g.InputLength);
        var y = Garbage<double>(n * c);
        PoolingKernels.AverageForward<double>(g, x, y);
        for (var s = 0; s < n; s++)
            for (var ch = 0; ch < c; ch++)
            {
                var mean = 0.0;
                for (var i = 0; i < h; i++)
                    for (var j = 0; j < w; j++) mean += x[ImageReference.At(s, ch, i, j, n, c, h, w)];
                TestSupport.AssertClose(mean / (h * w), y[ch * n + s], 1e-14, $"y[{s}, {ch}] (column-major N × C)");
            }
    }

    [Fact]
    public void A_nan_wins_the_window_and_padding_never_does()
    {
        // Each image repeated over a batch of 17, so both the 16 vector lanes and the one-lane tail see it.
        const int n = 17;
        static float[] Batch(float[] image) => [.. image.SelectMany(v => Enumerable.Repeat(v, n))];
        static float[] Sample(float[] values, int s) => [.. values.Where((_, i) => i % n == s)];

        // A 2 × 3 image, 2 × 2 windows at stride 1: rows [1, NaN, 5] and [2, 3, 4].
        var g = WindowGeometry.Valid(n, 1, 2, 3, 2, 2);
        var (y, argmax) = (Garbage<float>(2 * n), Garbage<float>(2 * n));
        PoolingKernels.MaxForward<float>(g, Batch([1f, float.NaN, 5f, 2f, 3f, 4f]), y, argmax);
        foreach (var s in new[] { 0, 15, 16 })
        {
            Assert.Equal([float.NaN, float.NaN], Sample(y, s));   // PyTorch: a NaN is taken, and no number beats it afterwards
            Assert.Equal([1f, 0f], Sample(argmax, s));
        }

        // All pixels negative, one cell of zero padding on every side: the padding's zeros must not win.
        g = WindowGeometry.Padded(n, 1, 2, 2, 2, 2, stride: 1, padding: 1);
        (y, argmax) = (Garbage<float>(9 * n), Garbage<float>(9 * n));
        PoolingKernels.MaxForward<float>(g, Batch([-3f, -4f, -1f, -2f]), y, argmax);
        foreach (var s in new[] { 0, 15, 16 })
        {
            Assert.Equal([-3f, -3f, -4f, -1f, -1f, -2f, -1f, -1f, -2f], Sample(y, s));
            Assert.Equal([3f, 2f, 2f, 3f, 2f, 2f, 1f, 0f, 0f], Sample(argmax, s));
        }
    }

    [Fact]
    public void Results_are_bit_identical_on_1_and_2_threads()
    {
        var g = WindowGeometry.Valid(19, 32, 24, 24, 3, 3, stride: 2);   // overlapping windows, several tasks
        var rng = new Rng(9);
        var (x, dy) = (ImageReference.Floats(ImageReference.Values(rng, g.InputLength)), ImageReference.Floats(ImageReference.Values(rng, g.OutputLength(g.C))));
        float[][] Run(int threads)
        {
            using var _ = Backend.Using(Backend.Current, threads);
            var (y, argmax, dx, ya, dxa) = (Garbage<float>(dy.Length), Garbage<float>(dy.Length), Garbage<float>(x.Length), Garbage<float>(dy.Length), Garbage<float>(x.Length));
            PoolingKernels.MaxForward<float>(g, x, y, argmax);
            PoolingKernels.MaxBackward<float>(g, dy, argmax, dx);
            PoolingKernels.AverageForward<float>(g, x, ya);
            PoolingKernels.AverageBackward<float>(g, dy, dxa);
            return [y, argmax, dx, ya, dxa];
        }
        var (one, two) = (Run(1), Run(2));
        for (var i = 0; i < one.Length; i++) Assert.True(one[i].SequenceEqual(two[i]), $"output {i} differs between 1 and 2 threads");
    }

    [Fact]
    public void Windows_of_padding_alone_and_wrong_sizes_are_refused_with_what_to_change()
    {
        var g = new WindowGeometry(1, 1, 4, 4, 2, 2, 1, 1, 2, 0, 0, 0);
        var e = Assert.Throws<ArgumentException>(() => PoolingKernels.MaxForward<float>(g, new float[16], new float[g.OutputLength(1)], new float[g.OutputLength(1)]));
        Assert.Contains("pad less than the window on every side", e.Message);
        g = WindowGeometry.Valid(2, 3, 4, 4, 2, 2, stride: 2);
        e = Assert.Throws<ArgumentException>(() => PoolingKernels.AverageForward<float>(g, new float[96], new float[23]));
        Assert.Contains("y has 23 values; it needs 24 (N·C·OH·OW)", e.Message);
    }
}
