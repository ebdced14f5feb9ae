using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Nabla.Compute;

/// <summary>
/// Batch normalization (PyTorch's batch_norm) over a batch whose channel c is the contiguous block [c·L, (c + 1)·L):
/// a CHWN image batch (L = H·W·N, statistics per channel over N·H·W values) or a dense column-major N × F batch
/// (channels = F, L = N, statistics per feature over N values). Training normalizes with the batch mean and biased
/// variance, x̂ = (x − μ)/√(σ² + ε), y = γ·x̂ + β; the running estimates use the unbiased variance. Each channel is
/// reduced by one task in a fixed order, SIMD across the block, so results do not depend on the thread count.
/// γ and β may be empty: no affine transform (γ = 1, β = 0).
/// </summary>
public static unsafe class BatchNormKernels
{
    /// <summary>Training mode: mean[c] = Σ x / L, variance[c] = Σ (x − mean)² / L (biased) over channel c's block, and
    /// y = γ[c]·(x − mean)/√(variance + ε) + β[c]. x, y: channels·L values; γ, β: channels values or empty; mean and
    /// variance (channels values each) are what <see cref="Backward"/> and <see cref="UpdateRunningStatistics"/> take.</summary>
    public static void TrainingForward<T>(int channels, ReadOnlySpan<T> x, ReadOnlySpan<T> gamma, ReadOnlySpan<T> beta,
        T epsilon, Span<T> y, Span<T> mean, Span<T> variance) where T : struct, IFloatingPointIeee754<T>
    {
        var length = Check(channels, x.Length, gamma.Length, beta.Length, epsilon);
        Same(y.Length, x.Length, "y", "x");
        Same(mean.Length, channels, "mean", "channels");
        Same(variance.Length, channels, "variance", "channels");
        Job<T>.Run(Job<T>.Op.Train, channels, length, epsilon, x, y, gamma, beta, mean, variance, default, default, default);
    }

    /// <summary>Inference mode: y = γ[c]·(x − runningMean[c])/√(runningVariance[c] + ε) + β[c]. x, y: channels·L values;
    /// the statistics: channels values each; γ, β: channels values or empty.</summary>
    public static void InferenceForward<T>(int channels, ReadOnlySpan<T> x, ReadOnlySpan<T> gamma, ReadOnlySpan<T> beta,
        ReadOnlySpan<T> runningMean, ReadOnlySpan<T> runningVariance, T epsilon, Span<T> y) where T : struct, IFloatingPointIeee754<T>
    {
        var length = Check(channels, x.Length, gamma.Length, beta.Length, epsilon);
        Same(y.Length, x.Length, "y", "x");
        Same(runningMean.Length, channels, "runningMean", "channels");
        Same(runningVariance.Length, channels, "runningVariance", "channels");
        Job<T>.Run(Job<T>.Op.Infer, channels, length, epsilon, x, y, gamma, beta, runningMean, runningVariance, default, default, default);
    }

    /// <summary>The gradients of <see cref="TrainingForward"/> from dy, with x̂ = (x − mean)·s, s = 1/√(variance + ε), over
    /// channel c's L values: dβ = Σ dy, dγ = Σ dy·x̂, dx = γ·s·(dy − dβ/L − x̂·dγ/L). mean and variance are the ones
    /// TrainingForward returned. dx: channels·L values, overwritten; dGamma, dBeta: channels values each, or empty to
    /// skip them (no affine transform).</summary>
    public static void Backward<T>(int channels, ReadOnlySpan<T> x, ReadOnlySpan<T> gamma, ReadOnlySpan<T> mean,
        ReadOnlySpan<T> variance, T epsilon, ReadOnlySpan<T> dy, Span<T> dx, Span<T> dGamma, Span<T> dBeta)
        where T : struct, IFloatingPointIeee754<T>
    {
        var length = Check(channels, x.Length, gamma.Length, 0, epsilon);
        Same(dy.Length, x.Length, "dy", "x");
        Same(dx.Length, x.Length, "dx", "x");
        Same(mean.Length, channels, "mean", "channels");
        Same(variance.Length, channels, "variance", "channels");
        if (!dGamma.IsEmpty) Same(dGamma.Length, channels, "dGamma", "channels");
        if (!dBeta.IsEmpty) Same(dBeta.Length, channels, "dBeta", "channels");
        Job<T>.Run(Job<T>.Op.Backward, channels, length, epsilon, x, dx, gamma, default, mean, variance, dy, dGamma, dBeta);
    }

    /// <summary>The running estimates after one training batch of <paramref name="count"/> values per channel (N·H·W, or N
    /// for dense inputs), as PyTorch updates them: newMean = (1 − momentum)·runningMean + momentum·mean,
    /// newVariance = (1 − momentum)·runningVariance + momentum·variance·count/(count − 1) (the unbiased batch variance).
    /// All spans: channels values; the new ones may be the running ones (element-wise).</summary>
    public static void UpdateRunningStatistics<T>(ReadOnlySpan<T> mean, ReadOnlySpan<T> variance, int count, T momentum,
        ReadOnlySpan<T> runningMean, ReadOnlySpan<T> runningVariance, Span<T> newMean, Span<T> newVariance)
        where T : struct, IFloatingPointIeee754<T>
    {
        var channels = mean.Length;
        Same(variance.Length, channels, "variance", "mean");
        Same(runningMean.Length, channels, "runningMean", "mean");
        Same(runningVariance.Length, channels, "runningVariance", "mean");
        Same(newMean.Length, channels, "newMean", "mean");
        Same(newVariance.Length, channels, "newVariance", "mean");
        if (count < 2)
            throw new ArgumentException($"BatchNorm kernel: training needs more than one value per channel to estimate a variance, " +
                $"got {count}; use a batch of at least 2.");
        if (!(momentum >= T.Zero && momentum <= T.One))
            throw new ArgumentException($"BatchNorm kernel: momentum {momentum} must lie in [0, 1].");
        var unbiased = T.CreateTruncating(count) / T.CreateTruncating(count - 1);
        for (var c = 0; c < channels; c++)
        {
            newMean[c] = (T.One - momentum) * runningMean[c] + momentum * mean[c];
            newVariance[c] = (T.One - momentum) * runningVariance[c] + momentum * variance[c] * unbiased;
        }
    }

    static int Check<T>(int channels, int x, int gamma, int beta, T epsilon) where T : struct, IFloatingPointIeee754<T>
    {
        if (channels < 1) throw new ArgumentException($"BatchNorm kernel: {channels} channels; there must be at least 1.");
        if (x == 0 || x % channels != 0)
            throw new ArgumentException($"BatchNorm kernel: x has {x} values, not a positive multiple of its {channels} channels: " +
                "is the feature count of the layer the input's (channels of an image, columns of a dense batch)?");
        if (gamma != 0 && gamma != channels) throw new ArgumentException($"BatchNorm kernel: γ has {gamma} values; it needs {channels} (one per channel) or none.");
        if (beta != 0 && beta != channels) throw new ArgumentException($"BatchNorm kernel: β has {beta} values; it needs {channels} (one per channel) or none.");
        if (!(epsilon > T.Zero)) throw new ArgumentException($"BatchNorm kernel: ε = {epsilon}; it must be positive.");
        return x / channels;
    }

    static void Same(int actual, int expected, string name, string of)
    {
        if (actual != expected) throw new ArgumentException($"BatchNorm kernel: {name} has {actual} values; it needs {expected} (as {of}).");
    }

    // Per-channel passes: the widest lanes over the first multiple of their count, then a scalar tail. Reductions keep
    // four accumulators (the adds' latency, not memory, bounds one) and add them in a fixed order.

    static T Sum<T>(ReadOnlySpan<T> x) where T : struct, IFloatingPointIeee754<T> => LaneWidth.Widest switch
    {
        512 => Reduce<T, Lanes512<T>>(x, x, T.Zero, square: false),
        256 => Reduce<T, Lanes256<T>>(x, x, T.Zero, square: false),
        _ => Reduce<T, Lane<T>>(x, x, T.Zero, square: false),
    };

    // Σ (x − μ)²
    static T SumOfSquaredDeviations<T>(ReadOnlySpan<T> x, T mu) where T : struct, IFloatingPointIeee754<T> => LaneWidth.Widest switch
    {
        512 => Reduce<T, Lanes512<T>>(x, x, mu, square: true),
        256 => Reduce<T, Lanes256<T>>(x, x, mu, square: true),
        _ => Reduce<T, Lane<T>>(x, x, mu, square: true),
    };

    // (Σ dy, Σ dy·(x − μ))
    static (T, T) SumAndCenteredDot<T>(ReadOnlySpan<T> dy, ReadOnlySpan<T> x, T mu) where T : struct, IFloatingPointIeee754<T> =>
        (Sum(dy), LaneWidth.Widest switch
        {
            512 => Reduce<T, Lanes512<T>>(x, dy, mu, square: false),
            256 => Reduce<T, Lanes256<T>>(x, dy, mu, square: false),
            _ => Reduce<T, Lane<T>>(x, dy, mu, square: false),
        });

    // square: Σ (a − μ)²; else with a ≠ b (by reference): Σ (a − μ)·b; else Σ a.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static T Reduce<T, TL>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, T mu, bool square) where T : struct, IFloatingPointIeee754<T> where TL : struct, ILanes<TL, T>
    {
        var plain = !square && Unsafe.AreSame(in MemoryMarshal.GetReference(a), in MemoryMarshal.GetReference(b));
        ref var a0 = ref MemoryMarshal.GetReference(a);
        ref var b0 = ref MemoryMarshal.GetReference(b);
        var m = TL.Splat(mu);
        var (s0, s1, s2, s3) = (TL.Splat(T.Zero), TL.Splat(T.Zero), TL.Splat(T.Zero), TL.Splat(T.Zero));
        var w = TL.Count;
        var i = 0;
        if (w > 1)
        {
            for (; i + 4 * w <= a.Length; i += 4 * w)
            {
                s0 = TL.Add(s0, Term(ref a0, ref b0, i, m, plain, square));
                s1 = TL.Add(s1, Term(ref a0, ref b0, i + w, m, plain, square));
                s2 = TL.Add(s2, Term(ref a0, ref b0, i + 2 * w, m, plain, square));
                s3 = TL.Add(s3, Term(ref a0, ref b0, i + 3 * w, m, plain, square));
            }
            for (; i + w <= a.Length; i += w) s0 = TL.Add(s0, Term(ref a0, ref b0, i, m, plain, square));
        }
        var sum = TL.Sum(TL.Add(TL.Add(s0, s1), TL.Add(s2, s3)));
        for (; i < a.Length; i++)
        {
            var v = a[i];
            sum += plain ? v : square ? (v - mu) * (v - mu) : (v - mu) * b[i];
        }
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static TL Term<T, TL>(ref T a0, ref T b0, int at, TL mu, bool plain, bool square) where T : struct, IFloatingPointIeee754<T> where TL : struct, ILanes<TL, T>
    {
        var v = TL.Load(in Unsafe.Add(ref a0, at));
        if (plain) return v;
        var d = TL.Subtract(v, mu);
        return TL.Multiply(d, square ? d : TL.Load(in Unsafe.Add(ref b0, at)));
    }

    // y = (x − μ)·scale + shift
    static void Affine<T>(ReadOnlySpan<T> x, T mu, T scale, T shift, Span<T> y) where T : struct, IFloatingPointIeee754<T> =>
        ElementWise(x, x, mu, T.Zero, T.Zero, scale, shift, y);

    // dx = (dy − k1 − (x − μ)·k2)·k3
    static void BackwardCombine<T>(ReadOnlySpan<T> dy, ReadOnlySpan<T> x, T mu, T k1, T k2, T k3, Span<T> dx) where T : struct, IFloatingPointIeee754<T> =>
        ElementWise(x, dy, mu, k1, k2, k3, T.Zero, dx, backward: true);

    static void ElementWise<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, T mu, T k1, T k2, T k3, T shift, Span<T> output, bool backward = false)
        where T : struct, IFloatingPointIeee754<T>
    {
        var vectorEnd = LaneWidth.Widest switch
        {
            512 => x.Length - x.Length % Lanes512<T>.Count,
            256 => x.Length - x.Length % Lanes256<T>.Count,
            _ => 0,
        };
        if (LaneWidth.Widest == 512) ElementWise<T, Lanes512<T>>(x, dy, mu, k1, k2, k3, shift, output, backward, 0, vectorEnd);
        else if (LaneWidth.Widest == 256) ElementWise<T, Lanes256<T>>(x, dy, mu, k1, k2, k3, shift, output, backward, 0, vectorEnd);
        ElementWise<T, Lane<T>>(x, dy, mu, k1, k2, k3, shift, output, backward, vectorEnd, x.Length);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void ElementWise<T, TL>(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, T mu, T k1, T k2, T k3, T shift, Span<T> output, bool backward,
        int start, int end) where T : struct, IFloatingPointIeee754<T> where TL : struct, ILanes<TL, T>
    {
        ref var x0 = ref MemoryMarshal.GetReference(x);
        ref var d0 = ref MemoryMarshal.GetReference(dy);
        ref var o0 = ref MemoryMarshal.GetReference(output);
        var (m, a, b, c, sh) = (TL.Splat(mu), TL.Splat(k1), TL.Splat(k2), TL.Splat(k3), TL.Splat(shift));
        for (var i = start; i < end; i += TL.Count)
        {
            var centered = TL.Subtract(TL.Load(in Unsafe.Add(ref x0, i)), m);
            var v = backward
                ? TL.Multiply(TL.Subtract(TL.Subtract(TL.Load(in Unsafe.Add(ref d0, i)), a), TL.Multiply(centered, b)), c)
                : TL.Add(TL.Multiply(centered, c), sh);
            TL.Store(v, ref Unsafe.Add(ref o0, i));
        }
    }

    sealed class Job<T> : Fork where T : struct, IFloatingPointIeee754<T>
    {
        public enum Op { Train, Infer, Backward }

        [ThreadStatic] static Job<T>? cached;

        Op op;
        int channels, length, tasks;
        T epsilon;
        // x, the output (y or dx), γ, β, the statistics (mean/variance or the running ones), dy, dγ, dβ.
        byte* x, output, gamma, beta, mean, variance, dy, dGamma, dBeta;
        bool hasGamma, hasBeta, hasDGamma, hasDBeta;

        public static void Run(Op op, int channels, int length, T epsilon, ReadOnlySpan<T> x, Span<T> output, ReadOnlySpan<T> gamma,
            ReadOnlySpan<T> beta, ReadOnlySpan<T> mean, ReadOnlySpan<T> variance, ReadOnlySpan<T> dy, Span<T> dGamma, Span<T> dBeta)
        {
            var job = cached ??= new();
            fixed (byte* px = MemoryMarshal.AsBytes(x), po = MemoryMarshal.AsBytes(output), pg = MemoryMarshal.AsBytes(gamma),
                pb = MemoryMarshal.AsBytes(beta), pm = MemoryMarshal.AsBytes(mean), pv = MemoryMarshal.AsBytes(variance),
                pd = MemoryMarshal.AsBytes(dy), pdg = MemoryMarshal.AsBytes(dGamma), pdb = MemoryMarshal.AsBytes(dBeta))
            {
                (job.op, job.channels, job.length, job.epsilon) = (op, channels, length, epsilon);
                (job.hasGamma, job.hasBeta, job.hasDGamma, job.hasDBeta) = (!gamma.IsEmpty, !beta.IsEmpty, !dGamma.IsEmpty, !dBeta.IsEmpty);
                job.x = px; job.output = po; job.gamma = pg; job.beta = pb; job.mean = pm; job.variance = pv;
                job.dy = pd; job.dGamma = pdg; job.dBeta = pdb;
                job.tasks = TasksFor(channels, length);
                job.Start(job.tasks);
            }
        }

        protected override void Run(int task)
        {
            var (start, end) = Range(task, tasks, channels);
            var all = new ReadOnlySpan<T>(x, channels * length);
            var outputs = new Span<T>(output, channels * length);
            var gradients = new ReadOnlySpan<T>(dy, op == Op.Backward ? channels * length : 0);
            var scales = new ReadOnlySpan<T>(gamma, hasGamma ? channels : 0);
            var shifts = new ReadOnlySpan<T>(beta, hasBeta ? channels : 0);
            var means = new Span<T>(mean, channels);
            var variances = new Span<T>(variance, channels);
            var count = T.CreateTruncating(length);
            for (var c = start; c < end; c++)
            {
                var xc = all.Slice(c * length, length);
                var outc = outputs.Slice(c * length, length);
                var scale = hasGamma ? scales[c] : T.One;
                switch (op)
                {
                    case Op.Train:
                        means[c] = Sum(xc) / count;
                        variances[c] = SumOfSquaredDeviations(xc, means[c]) / count;
                        Affine(xc, means[c], scale / T.Sqrt(variances[c] + epsilon), hasBeta ? shifts[c] : T.Zero, outc);
                        break;
                    case Op.Infer:
                        Affine(xc, means[c], scale / T.Sqrt(variances[c] + epsilon), hasBeta ? shifts[c] : T.Zero, outc);
                        break;
                    default:
                    {
                        var dyc = gradients.Slice(c * length, length);
                        var s = T.One / T.Sqrt(variances[c] + epsilon);
                        var (sumDy, sumDyCentered) = SumAndCenteredDot(dyc, xc, means[c]);
                        var dGammaC = sumDyCentered * s;   // Σ dy·x̂
                        if (hasDGamma) new Span<T>(dGamma, channels)[c] = dGammaC;
                        if (hasDBeta) new Span<T>(dBeta, channels)[c] = sumDy;
                        // dx = γ·s·(dy − dβ/L − (x − μ)·s·dγ/L)
                        BackwardCombine(dyc, xc, means[c], sumDy / count, s * dGammaC / count, scale * s, outc);
                        break;
                    }
                }
            }
        }
    }
}
