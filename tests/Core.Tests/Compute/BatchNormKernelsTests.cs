using static Nabla.Tests.Compute.ImageReference;

namespace Nabla.Tests.Compute;

/// <summary>Batch-norm kernels against plain per-channel loops and central differences, in double and float, over
/// blocks whose lengths hit the vector lanes, their four-way unrolling and the tails; thread independence.</summary>
public class BatchNormKernelsTests
{
    sealed record Case(int Channels, int Length, bool Affine, ulong Seed);

    static readonly Arbitrary<Case> Cases = Arb.From(
        from channels in Gen.Choose(1, 5)
        from length in Gen.Elements(2, 3, 7, 16, 17, 63, 64, 65, 100, 129)
        from affine in Gen.Elements(true, false)
        from seed in Gen.Choose(0, int.MaxValue)
        select new Case(channels, length, affine, (ulong)seed));

    static (double[] X, double[] Gamma, double[] Beta, double[] Dy) Draw(Case k)
    {
        var rng = new Rng(k.Seed);
        // An offset per channel, so the mean matters and a one-pass variance would lose digits.
        var x = ImageReference.Values(rng, k.Channels * k.Length).Select((v, i) => v + 10 * (i / k.Length)).ToArray();
        return (x, k.Affine ? ImageReference.Values(rng, k.Channels, 0.5, 2) : [], k.Affine ? ImageReference.Values(rng, k.Channels) : [],
            ImageReference.Values(rng, x.Length));
    }

    // Reference: the definitions, one channel at a time.
    static (double[] Y, double[] Mean, double[] Variance) Forward(Case k, double[] x, double[] gamma, double[] beta, double eps)
    {
        var (y, mean, variance) = (Garbage<double>(x.Length), Garbage<double>(k.Channels), Garbage<double>(k.Channels));
        for (var c = 0; c < k.Channels; c++)
        {
            var block = x.AsSpan(c * k.Length, k.Length).ToArray();
            mean[c] = block.Average();
            variance[c] = block.Select(v => (v - mean[c]) * (v - mean[c])).Average();
            for (var i = 0; i < k.Length; i++)
                y[c * k.Length + i] = (k.Affine ? gamma[c] : 1) * (block[i] - mean[c]) / Math.Sqrt(variance[c] + eps) + (k.Affine ? beta[c] : 0);
        }
        return (y, mean, variance);
    }

    [Fact]
    public void Training_forward_and_backward_match_the_definitions()
    {
        const double eps = 1e-5;
        Check.One(TestSupport.Properties(), Prop.ForAll(Cases, k =>
        {
            var (x, gamma, beta, dy) = Draw(k);
            var expected = Forward(k, x, gamma, beta, eps);
            var (y, mean, variance) = (Garbage<double>(x.Length), Garbage<double>(k.Channels), Garbage<double>(k.Channels));
            BatchNormKernels.TrainingForward<double>(k.Channels, x, gamma, beta, eps, y, mean, variance);
            ImageReference.AssertClose(expected.Mean, mean, 1e-13, $"{k}: mean");
            ImageReference.AssertClose(expected.Variance, variance, 1e-12, $"{k}: variance");
            ImageReference.AssertClose(expected.Y, y, 1e-12, $"{k}: y");

            // dx_i = γ·s·(dy_i − mean(dy) − x̂_i·mean(dy·x̂)), dγ = Σ dy·x̂, dβ = Σ dy.
            var (dx, dGamma, dBeta) = (Garbage<double>(x.Length), Garbage<double>(k.Affine ? k.Channels : 0), Garbage<double>(k.Affine ? k.Channels : 0));
            BatchNormKernels.Backward<double>(k.Channels, x, gamma, mean, variance, eps, dy, dx, dGamma, dBeta);
            for (var c = 0; c < k.Channels; c++)
            {
                var s = 1 / Math.Sqrt(expected.Variance[c] + eps);
                var range = Enumerable.Range(c * k.Length, k.Length).ToArray();
                var xhat = range.Select(i => (x[i] - expected.Mean[c]) * s).ToArray();
                var meanDy = range.Average(i => dy[i]);
                var meanDyXhat = range.Select((i, j) => dy[i] * xhat[j]).Average();
                var g = k.Affine ? gamma[c] : 1;
                for (var j = 0; j < k.Length; j++)
                    TestSupport.AssertClose(g * s * (dy[range[j]] - meanDy - xhat[j] * meanDyXhat), dx[range[j]], 1e-9, $"{k}: dx[{range[j]}]");
                if (!k.Affine) continue;
                TestSupport.AssertClose(meanDyXhat * k.Length, dGamma[c], 1e-10, $"{k}: dγ[{c}]");
                TestSupport.AssertClose(meanDy * k.Length, dBeta[c], 1e-10, $"{k}: dβ[{c}]");
            }
        }));
    }

    [Fact]
    public void Backward_matches_central_differences_of_the_forward()
    {
        var k = new Case(3, 17, Affine: true, Seed: 5);
        var (x, gamma, beta, dy) = Draw(k);
        const double eps = 1e-3, h = 1e-6;
        double Loss(double[] xs, double[] gs, double[] bs)   // Σ dy·y
        {
            var (y, mean, variance) = (Garbage<double>(xs.Length), Garbage<double>(3), Garbage<double>(3));
            BatchNormKernels.TrainingForward<double>(3, xs, gs, bs, eps, y, mean, variance);
            return y.Select((v, i) => v * dy[i]).Sum();
        }
        double Central(double[] values, int i, Func<double> loss)
        {
            var kept = values[i];
            values[i] = kept + h;
            var up = loss();
            values[i] = kept - h;
            var down = loss();
            values[i] = kept;
            return (up - down) / (2 * h);
        }
        var (y0, m, v) = (Garbage<double>(x.Length), Garbage<double>(3), Garbage<double>(3));
        BatchNormKernels.TrainingForward<double>(3, x, gamma, beta, eps, y0, m, v);
        var (dx, dGamma, dBeta) = (Garbage<double>(x.Length), Garbage<double>(3), Garbage<double>(3));
        BatchNormKernels.Backward<double>(3, x, gamma, m, v, eps, dy, dx, dGamma, dBeta);
        for (var i = 0; i < x.Length; i++) TestSupport.AssertClose(Central(x, i, () => Loss(x, gamma, beta)), dx[i], 1e-6, $"dx[{i}]");
        for (var c = 0; c < 3; c++)
        {
            TestSupport.AssertClose(Central(gamma, c, () => Loss(x, gamma, beta)), dGamma[c], 1e-6, $"dγ[{c}]");
            TestSupport.AssertClose(Central(beta, c, () => Loss(x, gamma, beta)), dBeta[c], 1e-6, $"dβ[{c}]");
        }
    }

    [Fact]
    public void Float_training_forward_stays_within_float_rounding()
    {
        Check.One(TestSupport.Properties(50), Prop.ForAll(Cases, k =>
        {
            var (x, gamma, beta, _) = Draw(k);
            var expected = Forward(k, x, gamma, beta, 1e-5);
            var (y, mean, variance) = (Garbage<float>(x.Length), Garbage<float>(k.Channels), Garbage<float>(k.Channels));
            BatchNormKernels.TrainingForward<float>(k.Channels, ImageReference.Floats(x), ImageReference.Floats(gamma), ImageReference.Floats(beta), 1e-5f, y, mean, variance);
            ImageReference.AssertClose(expected.Mean, [.. mean.Select(v => (double)v)], 1e-6, $"{k}: mean");
            ImageReference.AssertClose(expected.Y, [.. y.Select(v => (double)v)], 2e-5, $"{k}: y");
        }));
    }

    [Fact]
    public void Inference_uses_the_running_statistics_and_the_update_is_pytorchs()
    {
        var k = new Case(4, 33, Affine: true, Seed: 3);
        var (x, gamma, beta, _) = Draw(k);
        double[] runningMean = [0.5, -1, 2, 0], runningVariance = [1, 0.25, 4, 2];
        var y = Garbage<double>(x.Length);
        BatchNormKernels.InferenceForward<double>(4, x, gamma, beta, runningMean, runningVariance, 1e-5, y);
        for (var i = 0; i < x.Length; i++)
        {
            var c = i / 33;
            TestSupport.AssertClose(gamma[c] * (x[i] - runningMean[c]) / Math.Sqrt(runningVariance[c] + 1e-5) + beta[c], y[i], 1e-13, $"y[{i}]");
        }
        double[] mean = [1, 2, 3, 4], variance = [0.5, 1, 1.5, 2];
        var (newMean, newVariance) = (Garbage<double>(4), Garbage<double>(4));
        BatchNormKernels.UpdateRunningStatistics<double>(mean, variance, 33, 0.1, runningMean, runningVariance, newMean, newVariance);
        for (var c = 0; c < 4; c++)
        {
            TestSupport.AssertClose(0.9 * runningMean[c] + 0.1 * mean[c], newMean[c], 1e-15, $"running mean {c}");
            TestSupport.AssertClose(0.9 * runningVariance[c] + 0.1 * variance[c] * 33 / 32, newVariance[c], 1e-15, $"running variance {c} (unbiased)");
        }
    }

    [Fact]
    public void Results_are_bit_identical_on_1_and_2_threads()
    {
        var k = new Case(32, 64 * 24 * 24 + 5, Affine: true, Seed: 7);   // many tasks
        var (x, gamma, beta, dy) = Draw(k);
        float[][] Run(int threads)
        {
            using var _ = Backend.Using(Backend.Current, threads);
            var (y, mean, variance, dx, dGamma, dBeta) = (Garbage<float>(x.Length), Garbage<float>(32), Garbage<float>(32), Garbage<float>(x.Length), Garbage<float>(32), Garbage<float>(32));
            BatchNormKernels.TrainingForward<float>(32, ImageReference.Floats(x), ImageReference.Floats(gamma), ImageReference.Floats(beta), 1e-5f, y, mean, variance);
            BatchNormKernels.Backward<float>(32, ImageReference.Floats(x), ImageReference.Floats(gamma), mean, variance, 1e-5f, ImageReference.Floats(dy), dx, dGamma, dBeta);
            return [y, mean, variance, dx, dGamma, dBeta];
        }
        var (one, two) = (Run(1), Run(2));
        for (var i = 0; i < one.Length; i++) Assert.True(one[i].SequenceEqual(two[i]), $"output {i} differs between 1 and 2 threads");
    }

    [Fact]
    public void A_feature_count_that_does_not_divide_the_input_or_a_batch_of_one_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => BatchNormKernels.TrainingForward<float>(3, new float[10], [], [], 1e-5f, new float[10], new float[3], new float[3]));
        Assert.Contains("not a positive multiple of its 3 channels", e.Message);
        e = Assert.Throws<ArgumentException>(() => BatchNormKernels.UpdateRunningStatistics<float>([1f], [1f], 1, 0.1f, [0f], [1f], new float[1], new float[1]));
        Assert.Contains("use a batch of at least 2", e.Message);
    }
}
