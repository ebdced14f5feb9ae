using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Nabla.Compute;

/// <summary>Element-wise loops over spans with <see cref="Vector{T}"/> and a scalar tail, each computing exactly what
/// its scalar rule says (same operations, same order), so results match the scalar definitions bit for bit.</summary>
static class Simd
{
    static bool Vectorized<T>() where T : struct => Vector.IsHardwareAccelerated && Vector<T>.IsSupported;

    /// <summary>y = x > 0 ? x : α·x (ReLU when α = 0; NaN maps to α·NaN = NaN only for α ≠ 0, to 0 for ReLU).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot: skip tier-0 JIT (see Core/Tensors/README.md)
    public static void LeakyRelu<T>(ReadOnlySpan<T> x, Span<T> y, T alpha) where T : struct, IFloatingPointIeee754<T>
    {
        Same(x.Length, y.Length);
        var i = 0;
        if (Vectorized<T>())
        {
            var (zero, a) = (Vector<T>.Zero, new Vector<T>(alpha));
            for (; i <= x.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                var v = new Vector<T>(x[i..]);
                var negative = alpha == T.Zero ? zero : v * a;
                Vector.ConditionalSelect(Vector.GreaterThan(v, zero), v, negative).CopyTo(y[i..]);
            }
        }
        for (; i < x.Length; i++) y[i] = x[i] > T.Zero ? x[i] : alpha == T.Zero ? T.Zero : alpha * x[i];
    }

    /// <summary>dx = x > 0 ? dy : α·dy (the ReLU family's backward; the kink at 0 gets slope α, 0 for ReLU).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot: skip tier-0 JIT (see Core/Tensors/README.md)
    public static void LeakyReluBackward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dx, T alpha) where T : struct, IFloatingPointIeee754<T>
    {
        Same(x.Length, dy.Length);
        Same(x.Length, dx.Length);
        var i = 0;
        if (Vectorized<T>())
        {
            var (zero, a) = (Vector<T>.Zero, new Vector<T>(alpha));
            for (; i <= x.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                var g = new Vector<T>(dy[i..]);
                var negative = alpha == T.Zero ? zero : g * a;
                Vector.ConditionalSelect(Vector.GreaterThan(new Vector<T>(x[i..]), zero), g, negative).CopyTo(dx[i..]);
            }
        }
        for (; i < x.Length; i++) dx[i] = x[i] > T.Zero ? dy[i] : alpha == T.Zero ? T.Zero : alpha * dy[i];
    }

    /// <summary>dx = dy · y · (1 − y) (the sigmoid's backward from its output y).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot: skip tier-0 JIT (see Core/Tensors/README.md)
    public static void SigmoidBackward<T>(ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx) where T : struct, IFloatingPointIeee754<T>
    {
        Same(y.Length, dy.Length);
        Same(y.Length, dx.Length);
        var i = 0;
        if (Vectorized<T>())
            for (var one = Vector<T>.One; i <= y.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                var v = new Vector<T>(y[i..]);
                (new Vector<T>(dy[i..]) * v * (one - v)).CopyTo(dx[i..]);
            }
        for (; i < y.Length; i++) dx[i] = dy[i] * y[i] * (T.One - y[i]);
    }

    /// <summary>dx = dy · (1 − y²) (tanh's backward from its output y).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot: skip tier-0 JIT (see Core/Tensors/README.md)
    public static void TanhBackward<T>(ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx) where T : struct, IFloatingPointIeee754<T>
    {
        Same(y.Length, dy.Length);
        Same(y.Length, dx.Length);
        var i = 0;
        if (Vectorized<T>())
            for (var one = Vector<T>.One; i <= y.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                var v = new Vector<T>(y[i..]);
                (new Vector<T>(dy[i..]) * (one - v * v)).CopyTo(dx[i..]);
            }
        for (; i < y.Length; i++) dx[i] = dy[i] * (T.One - y[i] * y[i]);
    }

    /// <summary>One Adam step over a slice, in one pass (PyTorch's rule; <see cref="Nabla.Optimizers.Adam"/> has the
    /// symbols): g' = g + coupled·θ; m' = β₁·m + (1 − β₁)·g'; v' = β₂·v + (1 − β₂)·g'²;
    /// u = stepSize · m' / (√v' · invCorrection2 + ε) + decoupled·θ. Subnormal m' and v' are stored as 0 (see Flushed).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot: skip tier-0 JIT (see Core/Tensors/README.md)
    public static void AdamStep<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> p, ReadOnlySpan<T> m, ReadOnlySpan<T> v,
        Span<T> u, Span<T> nm, Span<T> nv, AdamConstants<T> k) where T : struct, IFloatingPointIeee754<T>
    {
        Same(g.Length, p.Length); Same(g.Length, m.Length); Same(g.Length, v.Length);
        Same(g.Length, u.Length); Same(g.Length, nm.Length); Same(g.Length, nv.Length);
        var i = 0;
        if (Vectorized<T>())
        {
            Vector<T> coupled = new(k.Coupled), decoupled = new(k.Decoupled), b1 = new(k.Beta1), b2 = new(k.Beta2);
            Vector<T> tiny = new(SmallestNormal<T>()), c1 = new(T.One - k.Beta1), c2 = new(T.One - k.Beta2), inv = new(k.InvCorrection2), eps = new(k.Epsilon), step = new(k.StepSize);
            for (; i <= g.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                var gi = new Vector<T>(g[i..]);
                var pi = new Vector<T>(p[i..]);
                if (k.Coupled != T.Zero) gi = pi * coupled + gi;
                var mi = new Vector<T>(m[i..]) * b1 + gi * c1;
                var vi = new Vector<T>(v[i..]) * b2 + gi * gi * c2;
                mi = Flushed(mi, tiny);
                vi = Flushed(vi, tiny);
                var ui = mi / (Vector.SquareRoot(vi) * inv + eps) * step;
                if (k.Decoupled != T.Zero) ui = pi * decoupled + ui;
                mi.CopyTo(nm[i..]);
                vi.CopyTo(nv[i..]);
                ui.CopyTo(u[i..]);
            }
        }
        for (; i < g.Length; i++)
        {
            var gi = k.Coupled != T.Zero ? p[i] * k.Coupled + g[i] : g[i];
            nm[i] = Flushed(m[i] * k.Beta1 + gi * (T.One - k.Beta1));
            nv[i] = Flushed(v[i] * k.Beta2 + gi * gi * (T.One - k.Beta2));
            var ui = nm[i] / (T.Sqrt(nv[i]) * k.InvCorrection2 + k.Epsilon) * k.StepSize;
            u[i] = k.Decoupled != T.Zero ? p[i] * k.Decoupled + ui : ui;
        }
    }

    /// <summary>One SGD step over a slice, in one pass (<see cref="Nabla.Optimizers.Sgd"/> has the rule):
    /// g' = θ·decay + g; with momentum (b and nb not empty) b' = b·μ + g' (flushed out of the subnormal range) and
    /// d = Nesterov ? b'·μ + g' : b', else d = g'; result = rate·d (the update Δ), or θ + rate·d when
    /// <paramref name="apply"/> (the new parameters).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot: skip tier-0 JIT (see Core/Tensors/README.md)
    public static void SgdStep<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> p, ReadOnlySpan<T> b, Span<T> nb, Span<T> result,
        T rate, T mu, T decay, bool nesterov, bool apply) where T : struct, IFloatingPointIeee754<T>
    {
        Same(g.Length, p.Length); Same(g.Length, result.Length);
        var momentum = !nb.IsEmpty;
        if (momentum) { Same(g.Length, b.Length); Same(g.Length, nb.Length); }
        var i = 0;
        if (Vectorized<T>())
            for (Vector<T> r = new(rate), m = new(mu), d = new(decay), tiny = new(SmallestNormal<T>()); i <= g.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                var gi = new Vector<T>(g[i..]);
                if (decay != T.Zero) gi = new Vector<T>(p[i..]) * d + gi;
                var di = gi;
                if (momentum)
                {
                    var bi = Flushed(new Vector<T>(b[i..]) * m + gi, tiny);
                    bi.CopyTo(nb[i..]);
                    di = nesterov ? bi * m + gi : bi;
                }
                (apply ? new Vector<T>(p[i..]) + di * r : di * r).CopyTo(result[i..]);
            }
        for (; i < g.Length; i++)
        {
            var gi = decay == T.Zero ? g[i] : p[i] * decay + g[i];
            var di = gi;
            if (momentum)
            {
                var bi = Flushed(b[i] * mu + gi);
                nb[i] = bi;
                di = nesterov ? bi * mu + gi : bi;
            }
            result[i] = apply ? p[i] + di * rate : di * rate;
        }
    }

    /// <summary>One Adagrad step over a slice, in one pass: g' = g + decay·θ; s' = s + g'²; u = rate·g' / (√s' + ε).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot: skip tier-0 JIT (see Core/Tensors/README.md)
    public static void AdagradStep<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> p, ReadOnlySpan<T> sums, Span<T> u, Span<T> newSums,
        T rate, T decay, T epsilon) where T : struct, IFloatingPointIeee754<T>
    {
        Same(g.Length, p.Length); Same(g.Length, sums.Length); Same(g.Length, u.Length); Same(g.Length, newSums.Length);
        var i = 0;
        if (Vectorized<T>())
            for (Vector<T> r = new(rate), d = new(decay), e = new(epsilon); i <= g.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                var gi = new Vector<T>(g[i..]) + d * new Vector<T>(p[i..]);
                var si = new Vector<T>(sums[i..]) + gi * gi;
                si.CopyTo(newSums[i..]);
                (r * gi / (Vector.SquareRoot(si) + e)).CopyTo(u[i..]);
            }
        for (; i < g.Length; i++)
        {
            var gi = g[i] + decay * p[i];
            newSums[i] = sums[i] + gi * gi;
            u[i] = rate * gi / (T.Sqrt(newSums[i]) + epsilon);
        }
    }

    /// <summary>One RMSProp step over a slice, in one pass (<see cref="Nabla.Optimizers.RmsProp"/> has the rule). The
    /// centered average m and the momentum buffer b are used when their spans are not empty; the stored averages and
    /// buffer are flushed out of the subnormal range (see Flushed).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot: skip tier-0 JIT (see Core/Tensors/README.md)
    public static void RmsPropStep<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> p, ReadOnlySpan<T> v, ReadOnlySpan<T> m, ReadOnlySpan<T> b,
        Span<T> u, Span<T> nv, Span<T> nm, Span<T> nb, RmsPropConstants<T> k) where T : struct, IFloatingPointIeee754<T>
    {
        Same(g.Length, p.Length); Same(g.Length, v.Length); Same(g.Length, u.Length); Same(g.Length, nv.Length);
        var (centered, momentum) = (!nm.IsEmpty, !nb.IsEmpty);
        if (centered) { Same(g.Length, m.Length); Same(g.Length, nm.Length); }
        if (momentum) { Same(g.Length, b.Length); Same(g.Length, nb.Length); }
        var i = 0;
        if (Vectorized<T>())
        {
            Vector<T> rho = new(k.Rho), oneMinusRho = new(T.One - k.Rho), eps = new(k.Epsilon), mu = new(k.Momentum);
            Vector<T> decay = new(k.Decay), rate = new(k.Rate), tiny = new(SmallestNormal<T>());
            for (; i <= g.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                var gi = new Vector<T>(g[i..]) + decay * new Vector<T>(p[i..]);
                var vi = rho * new Vector<T>(v[i..]) + oneMinusRho * gi * gi;
                var meanSquare = vi;
                Flushed(vi, tiny).CopyTo(nv[i..]);
                if (centered)
                {
                    var mi = rho * new Vector<T>(m[i..]) + oneMinusRho * gi;
                    meanSquare -= mi * mi;    // the variance of g, not its raw second moment
                    Flushed(mi, tiny).CopyTo(nm[i..]);
                }
                var step = gi / (Vector.SquareRoot(meanSquare) + eps);
                if (momentum)
                {
                    step = mu * new Vector<T>(b[i..]) + step;
                    Flushed(step, tiny).CopyTo(nb[i..]);
                }
                (rate * step).CopyTo(u[i..]);
            }
        }
        for (; i < g.Length; i++)
        {
            var gi = g[i] + k.Decay * p[i];
            var vi = k.Rho * v[i] + (T.One - k.Rho) * gi * gi;
            var meanSquare = vi;
            nv[i] = Flushed(vi);
            if (centered)
            {
                var mi = k.Rho * m[i] + (T.One - k.Rho) * gi;
                meanSquare -= mi * mi;
                nm[i] = Flushed(mi);
            }
            var step = gi / (T.Sqrt(meanSquare) + k.Epsilon);
            if (momentum)
            {
                step = k.Momentum * b[i] + step;
                nb[i] = Flushed(step);
            }
            u[i] = k.Rate * step;
        }
    }

    // TensorPrimitives' generic Exp<T>/Log<T>/Tanh<T> run element by element (measured: 115 ns per float here, 25×
    // slower than the float overload), so float and double go to the vectorized overloads.

    /// <summary>y = e^x, element-wise.</summary>
    public static void Exp<T>(ReadOnlySpan<T> x, Span<T> y) where T : struct, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float)) TensorPrimitives.Exp(MemoryMarshal.Cast<T, float>(x), MemoryMarshal.Cast<T, float>(y));
        else if (typeof(T) == typeof(double)) TensorPrimitives.Exp(MemoryMarshal.Cast<T, double>(x), MemoryMarshal.Cast<T, double>(y));
        else TensorPrimitives.Exp(x, y);
    }

    /// <summary>y = ln x, element-wise.</summary>
    public static void Log<T>(ReadOnlySpan<T> x, Span<T> y) where T : struct, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float)) TensorPrimitives.Log(MemoryMarshal.Cast<T, float>(x), MemoryMarshal.Cast<T, float>(y));
        else if (typeof(T) == typeof(double)) TensorPrimitives.Log(MemoryMarshal.Cast<T, double>(x), MemoryMarshal.Cast<T, double>(y));
        else TensorPrimitives.Log(x, y);
    }

    /// <summary>y = tanh x, element-wise.</summary>
    public static void Tanh<T>(ReadOnlySpan<T> x, Span<T> y) where T : struct, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float)) TensorPrimitives.Tanh(MemoryMarshal.Cast<T, float>(x), MemoryMarshal.Cast<T, float>(y));
        else if (typeof(T) == typeof(double)) TensorPrimitives.Tanh(MemoryMarshal.Cast<T, double>(x), MemoryMarshal.Cast<T, double>(y));
        else TensorPrimitives.Tanh(x, y);
    }

    /// <summary>Σ x², accumulated in double whatever T is (float sums of many squares lose digits).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double SumOfSquares<T>(ReadOnlySpan<T> x) where T : struct, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(double)) return TensorPrimitives.SumOfSquares(MemoryMarshal.Cast<T, double>(x));
        var i = 0;
        var sum = 0.0;
        if (typeof(T) == typeof(float) && Vector.IsHardwareAccelerated)
        {
            var floats = MemoryMarshal.Cast<T, float>(x);
            var acc = Vector<double>.Zero;
            for (; i <= floats.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector.Widen(new Vector<float>(floats[i..]), out var low, out var high);
                acc += low * low + high * high;
            }
            sum = Vector.Sum(acc);
        }
        for (; i < x.Length; i++)
        {
            var d = double.CreateChecked(x[i]);
            sum += d * d;
        }
        return sum;
    }

    // Subnormal values (|x| below T's smallest normal number) become 0. For optimizer state that decays geometrically
    // (momentum, Adam's and RMSProp's averages): where a weight's gradient stays zero (an MNIST border pixel's), the
    // state sinks through the subnormal range, where every operation on it costs the CPU a microcode assist, and the
    // step slows down epoch after epoch. The values flushed are below 1.2e-38 (float), far below anything that can
    // change a weight.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static T Flushed<T>(T x) where T : struct, IFloatingPointIeee754<T> => T.Abs(x) < SmallestNormal<T>() ? T.Zero : x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector<T> Flushed<T>(Vector<T> x, Vector<T> smallestNormal) where T : struct, IFloatingPointIeee754<T> =>
        Vector.ConditionalSelect(Vector.LessThan(Vector.Abs(x), smallestNormal), Vector<T>.Zero, x);

    /// <summary>The smallest positive normal number of T; below it lie the subnormals, which cost the CPU a microcode
    /// assist per operation (tens of times slower).</summary>
    static T SmallestNormal<T>() where T : struct, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float) ? T.CreateTruncating(BitConverter.Int32BitsToSingle(0x0080_0000))
        : typeof(T) == typeof(double) ? T.CreateTruncating(BitConverter.Int64BitsToDouble(0x0010_0000_0000_0000))
        : T.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Same(int a, int b)
    {
        if (a != b) throw new ArgumentException($"Element-wise kernel: spans of {a} and {b} elements; they must be equal.");
    }
}

/// <summary>The per-step constants of <see cref="Simd.AdamStep"/>.</summary>
readonly record struct AdamConstants<T>(T Coupled, T Decoupled, T Beta1, T Beta2, T InvCorrection2, T Epsilon, T StepSize)
    where T : struct, IFloatingPointIeee754<T>;

/// <summary>The per-step constants of <see cref="Simd.RmsPropStep"/>.</summary>
readonly record struct RmsPropConstants<T>(T Rho, T Epsilon, T Momentum, T Decay, T Rate) where T : struct, IFloatingPointIeee754<T>;
