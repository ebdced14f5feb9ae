using static Nabla.Tests.Compute.ImageReference;

namespace Nabla.Tests.Compute;

/// <summary>Conv2D forward and backward against plain loops (<see cref="ImageReference"/>) on random geometries, in
/// double and float, on every backend; the same results on 1 and 2 threads.</summary>
public class Conv2DKernelsTests
{
    static IEnumerable<GemmBackend> Backends() => new GemmBackend?[] { Backend.Managed, Backend.OpenBlas }.OfType<GemmBackend>();

    [Fact]
    public void Forward_and_backward_match_plain_loops_in_double_on_every_backend()
    {
        foreach (var backend in Backends())
        {
            using var _ = Backend.Using(backend);
            Check.One(TestSupport.Properties(60), Prop.ForAll(WindowCase.Arbitrary(poolable: false), k =>
            {
                var (g, rng) = (k.Geometry, k.Rng());
                var (x, w, b) = (ImageReference.Values(rng, g.InputLength), ImageReference.Values(rng, k.Out * g.Patch), ImageReference.Values(rng, k.Out));
                var dy = ImageReference.Values(rng, g.OutputLength(k.Out));
                var y = Garbage<double>(dy.Length);
                Conv2DKernels.Forward<double>(g, k.Out, x, w, b, y);
                ImageReference.AssertClose(ImageReference.Conv(g, k.Out, x, w, b), y, 1e-12, $"{backend}, {g}: y");
                var (dx, dW, db) = (Garbage<double>(x.Length), Garbage<double>(w.Length), Garbage<double>(k.Out));
                Conv2DKernels.Backward<double>(g, k.Out, x, w, dy, dx, dW, db);
                var expected = ImageReference.ConvBackward(g, k.Out, x, w, dy);
                ImageReference.AssertClose(expected.Dx, dx, 1e-12, $"{backend}, {g}: dx");
                ImageReference.AssertClose(expected.DWeights, dW, 1e-12, $"{backend}, {g}: dW");
                // Backward takes the direct path for these few weights; the GEMM path must agree too.
                Conv2DKernels.WeightsThroughGemm<double>(g, k.Out, x, dy, dW);
                ImageReference.AssertClose(expected.DWeights, dW, 1e-12, $"{backend}, {g}: dW through the GEMM");
                ImageReference.AssertClose(expected.DBias, db, 1e-12, $"{backend}, {g}: db");
            }));
        }
    }

    [Theory]   // shapes large enough for several pixel blocks per task and (one input channel) several pixel splits in dW
    [InlineData(64, 1, 40, 40, 5, 1, 0, 4)]
    [InlineData(50, 6, 21, 20, 3, 2, 1, 5)]
    [InlineData(33, 2, 30, 31, 4, 1, 2, 3)]
    [InlineData(21, 8, 10, 11, 3, 1, 1, 16)]   // 1152 weights: dW through the GEMM
    public void Large_shapes_cut_into_many_blocks_match_plain_loops(int n, int c, int h, int w, int kernel, int stride, int padding, int outChannels)
    {
        var g = WindowGeometry.Padded(n, c, h, w, kernel, kernel, stride, padding);
        var rng = new Rng((ulong)(n * c * h));
        var (x, weights, b, dy) = (Values(rng, g.InputLength), Values(rng, outChannels * g.Patch), Values(rng, outChannels), Values(rng, g.OutputLength(outChannels)));
        var y = Garbage<double>(dy.Length);
        Conv2DKernels.Forward<double>(g, outChannels, x, weights, b, y);
        AssertClose(Conv(g, outChannels, x, weights, b), y, 1e-12, $"{g}: y");
        var (dx, dW, db) = (Garbage<double>(x.Length), Garbage<double>(weights.Length), Garbage<double>(outChannels));
        Conv2DKernels.Backward<double>(g, outChannels, x, weights, dy, dx, dW, db);
        var expected = ConvBackward(g, outChannels, x, weights, dy);
        AssertClose(expected.Dx, dx, 1e-12, $"{g}: dx");
        AssertClose(expected.DWeights, dW, 1e-12, $"{g}: dW");
        AssertClose(expected.DBias, db, 1e-12, $"{g}: db");
    }

    [Fact]
    public void Float_results_are_within_float_rounding_of_the_double_reference()
    {
        Check.One(TestSupport.Properties(50), Prop.ForAll(WindowCase.Arbitrary(poolable: false), k =>
        {
            var (g, rng) = (k.Geometry, k.Rng());
            var (x, w, b) = (ImageReference.Values(rng, g.InputLength), ImageReference.Values(rng, k.Out * g.Patch), ImageReference.Values(rng, k.Out));
            var dy = ImageReference.Values(rng, g.OutputLength(k.Out));
            var y = Garbage<float>(dy.Length);
            Conv2DKernels.Forward<float>(g, k.Out, ImageReference.Floats(x), ImageReference.Floats(w), ImageReference.Floats(b), y);
            ImageReference.AssertClose(ImageReference.Conv(g, k.Out, x, w, b), [.. y.Select(v => (double)v)], 1e-5, $"{g}: y");
            var (dx, dW) = (Garbage<float>(x.Length), Garbage<float>(w.Length));
            Conv2DKernels.Backward<float>(g, k.Out, ImageReference.Floats(x), ImageReference.Floats(w), ImageReference.Floats(dy), dx, dW, []);
            var expected = ImageReference.ConvBackward(g, k.Out, x, w, dy);
            ImageReference.AssertClose(expected.Dx, [.. dx.Select(v => (double)v)], 1e-5, $"{g}: dx");
            ImageReference.AssertClose(expected.DWeights, [.. dW.Select(v => (double)v)], 1e-5, $"{g}: dW");
        }));
    }

    [Fact]
    public void Without_bias_or_dx_the_rest_is_unchanged()
    {
        var g = WindowGeometry.Same(5, 3, 7, 6, 3, 2, stride: 2);
        var rng = new Rng(4);
        var (x, w, dy) = (Values(rng, g.InputLength), Values(rng, 4 * g.Patch), Values(rng, g.OutputLength(4)));
        var y = Garbage<double>(dy.Length);
        Conv2DKernels.Forward<double>(g, 4, x, w, [], y);
        AssertClose(Conv(g, 4, x, w, null), y, 1e-12, "y without bias");
        var dW = Garbage<double>(w.Length);
        Conv2DKernels.Backward<double>(g, 4, x, w, dy, [], dW, []);
        AssertClose(ConvBackward(g, 4, x, w, dy).DWeights, dW, 1e-12, "dW without dx");
    }

    [Fact]
    public void A_one_by_one_convolution_reads_its_input_in_place()
    {
        var g = WindowGeometry.Valid(9, 5, 4, 3, 1, 1);
        var rng = new Rng(6);
        var (x, w, b, dy) = (ImageReference.Values(rng, g.InputLength), ImageReference.Values(rng, 2 * 5), ImageReference.Values(rng, 2), ImageReference.Values(rng, g.OutputLength(2)));
        var y = Garbage<double>(dy.Length);
        Conv2DKernels.Forward<double>(g, 2, x, w, b, y);
        ImageReference.AssertClose(ImageReference.Conv(g, 2, x, w, b), y, 1e-12, "y");
        var (dx, dW, db) = (Garbage<double>(x.Length), Garbage<double>(w.Length), Garbage<double>(2));
        Conv2DKernels.Backward<double>(g, 2, x, w, dy, dx, dW, db);
        var expected = ImageReference.ConvBackward(g, 2, x, w, dy);
        ImageReference.AssertClose(expected.Dx, dx, 1e-12, "dx");
        ImageReference.AssertClose(expected.DWeights, dW, 1e-12, "dW");
    }

    [Fact]   // LeNet's second convolution on a batch of 19: many im2col, col2im and GEMM tasks, ragged lanes
    public void Results_are_bit_identical_on_1_and_2_threads()
    {
        var g = WindowGeometry.Valid(19, 32, 12, 12, 5, 5);
        var rng = new Rng(8);
        var (x, w, b) = (ImageReference.Floats(ImageReference.Values(rng, g.InputLength)), ImageReference.Floats(ImageReference.Values(rng, 64 * g.Patch)), ImageReference.Floats(ImageReference.Values(rng, 64)));
        var dy = ImageReference.Floats(ImageReference.Values(rng, g.OutputLength(64)));
        foreach (var backend in Backends())
        {
            (float[] Y, float[] Dx, float[] DW, float[] Db) Run(int threads)
            {
                using var _ = Backend.Using(backend, threads);
                var (y, dx, dW, db) = (Garbage<float>(dy.Length), Garbage<float>(x.Length), Garbage<float>(w.Length), Garbage<float>(64));
                Conv2DKernels.Forward<float>(g, 64, x, w, b, y);
                Conv2DKernels.Backward<float>(g, 64, x, w, dy, dx, dW, db);
                return (y, dx, dW, db);
            }
            var (one, two) = (Run(1), Run(2));
            Assert.True(one.Y.SequenceEqual(two.Y), $"{backend}: y differs between 1 and 2 threads");
            Assert.True(one.Dx.SequenceEqual(two.Dx), $"{backend}: dx differs");
            Assert.True(one.DW.SequenceEqual(two.DW), $"{backend}: dW differs");
            Assert.True(one.Db.SequenceEqual(two.Db), $"{backend}: db differs");
        }
    }

    /// <summary>A backend whose products are all zero, noting the threads that call it: any task that escaped the caller's
    /// scope would compute a nonzero product.</summary>
    sealed class ZeroBackend : GemmBackend
    {
        public readonly System.Collections.Concurrent.ConcurrentDictionary<int, bool> Threads = new();
        public override string Name => "zero";
        public override string Description => "zero (test)";
        public override void Gemm(bool transA, bool transB, int m, int n, int k, float alpha, ReadOnlySpan<float> a, int lda,
            ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc, int threads)
        {
            Threads[Environment.CurrentManagedThreadId] = true;
            Backend.Managed.Gemm(transA, transB, m, n, k, 0f, a, lda, b, ldb, beta, c, ldc, threads);
        }
        public override void Gemm(bool transA, bool transB, int m, int n, int k, double alpha, ReadOnlySpan<double> a, int lda,
            ReadOnlySpan<double> b, int ldb, double beta, Span<double> c, int ldc, int threads) => throw new NotSupportedException();
    }

    [Fact]   // tasks run on helper threads, which do not see the caller's Backend.Using scope: the kernel must carry it
    public void Every_task_computes_on_the_backend_of_the_callers_scope()
    {
        if (Environment.ProcessorCount < 2) return;   // no helper threads to escape to
        var g = WindowGeometry.Valid(64, 32, 12, 12, 5, 5);   // 64 forward tasks, 8 per backward phase
        var rng = new Rng(10);
        var (x, w, b, dy) = (Floats(Values(rng, g.InputLength)), Floats(Values(rng, 64 * g.Patch)), Floats(Values(rng, 64)), Floats(Values(rng, g.OutputLength(64))));
        var zero = new ZeroBackend();
        // Until a helper thread has run a task (the caller may finish them all first on a busy machine): a helper that
        // used another backend makes a value nonzero.
        for (var attempt = 0; attempt < 50 && zero.Threads.Count < 2; attempt++)
        {
            using var _ = Backend.Using(zero, 2);
            var (y, dx, dW) = (Garbage<float>(dy.Length), Garbage<float>(x.Length), Garbage<float>(w.Length));
            Conv2DKernels.Forward<float>(g, 64, x, w, b, y);
            Conv2DKernels.Backward<float>(g, 64, x, w, dy, dx, dW, []);
            Assert.All(Enumerable.Range(0, y.Length), i => Assert.Equal(b[i / (g.OH * g.OW * g.N)], y[i]));
            Assert.All(dx, v => Assert.Equal(0f, v));
            Assert.All(dW, v => Assert.Equal(0f, v));
        }
        Assert.True(zero.Threads.Count >= 2, "no helper thread ran a task in 50 tries; the check proved nothing");
    }

    [Fact]
    public void Wrong_sizes_say_which_span_and_what_it_needs()
    {
        var g = WindowGeometry.Valid(2, 3, 5, 5, 3, 3);
        var e = Assert.Throws<ArgumentException>(() => Conv2DKernels.Forward<float>(g, 4, new float[g.InputLength], new float[4 * 27 - 1], [], new float[g.OutputLength(4)]));
        Assert.Contains("the weights have 107 values; 4 output channels need 108 (Cout·C·KH·KW)", e.Message);
        e = Assert.Throws<ArgumentException>(() => Conv2DKernels.Forward<float>(g, 4, new float[g.InputLength + 1], new float[108], [], new float[g.OutputLength(4)]));
        Assert.Contains("x has 151 values; it needs 150 (N·C·H·W)", e.Message);
        e = Assert.Throws<ArgumentException>(() => Conv2DKernels.Backward<float>(g, 4, new float[g.InputLength], new float[108], new float[g.OutputLength(4)], new float[3], new float[108], []));
        Assert.Contains("dx has 3 values; it needs 150 (N·C·H·W), or none to skip it", e.Message);
    }
}
