using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Nabla.Compute;

/// <summary>Element-wise loops over spans with <see cref="Vector{T}"/> and a scalar tail, each computing exactly what
/// its scalar rule says (same operations, same order), so results match the scalar definitions bit for bit.</summary>
static class Simd
{
    /// <summary>True when Vector&lt;T&gt; runs on SIMD hardware for this T: loops then take whole vectors before their scalar tail.</summary>
    public static bool Vectorized<T>() where T : struct => Vector.IsHardwareAccelerated && Vector<T>.IsSupported;

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

    // The arithmetic the softmax, the losses and the bias add do on a batch's columns. TensorPrimitives has them too,
    // but each of its operators is a generic loop of about 2,400 bytes of IL, compiled optimized on the first training
    // step's thread: these seven cost 30-40 ms of a first MNIST step of 210-250 ms without a JIT profile (bench micro
    // steps, alternated with the build before). These loops are short; the columns they run on are too.

    /// <summary>d = x + y, element-wise.</summary>
    public static void Add<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : struct, IFloatingPointIeee754<T> => Map<T, Plus<T>>(x, y, d);

    /// <summary>d = x − y, element-wise.</summary>
    public static void Subtract<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : struct, IFloatingPointIeee754<T> => Map<T, Minus<T>>(x, y, d);

    /// <summary>d = x · y, element-wise.</summary>
    public static void Multiply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : struct, IFloatingPointIeee754<T> => Map<T, Times<T>>(x, y, d);

    /// <summary>d = x / y, element-wise.</summary>
    public static void Divide<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : struct, IFloatingPointIeee754<T> => Map<T, Over<T>>(x, y, d);

    /// <summary>d = max(x, y), element-wise, as T.Max: NaN if either is NaN, and +0 above −0.</summary>
    public static void Max<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : struct, IFloatingPointIeee754<T> => Map<T, Larger<T>>(x, y, d);

    /// <summary>d = x + s for every element.</summary>
    public static void Add<T>(ReadOnlySpan<T> x, T s, Span<T> d) where T : struct, IFloatingPointIeee754<T> => Map<T, Plus<T>>(x, s, d);

    /// <summary>d = x · s for every element.</summary>
    public static void Multiply<T>(ReadOnlySpan<T> x, T s, Span<T> d) where T : struct, IFloatingPointIeee754<T> => Map<T, Times<T>>(x, s, d);

    interface IOperator<T> where T : struct, IFloatingPointIeee754<T>
    {
        static abstract T Of(T a, T b);
        static abstract Vector<T> Of(Vector<T> a, Vector<T> b);
    }

    readonly struct Plus<T> : IOperator<T> where T : struct, IFloatingPointIeee754<T>
    {
        public static T Of(T a, T b) => a + b;
        public static Vector<T> Of(Vector<T> a, Vector<T> b) => a + b;
    }

    readonly struct Minus<T> : IOperator<T> where T : struct, IFloatingPointIeee754<T>
    {
        public static T Of(T a, T b) => a - b;
        public static Vector<T> Of(Vector<T> a, Vector<T> b) => a - b;
    }

    readonly struct Times<T> : IOperator<T> where T : struct, IFloatingPointIeee754<T>
    {
        public static T Of(T a, T b) => a * b;
        public static Vector<T> Of(Vector<T> a, Vector<T> b) => a * b;
    }

    readonly struct Over<T> : IOperator<T> where T : struct, IFloatingPointIeee754<T>
    {
        public static T Of(T a, T b) => a / b;
        public static Vector<T> Of(Vector<T> a, Vector<T> b) => a / b;
    }

    readonly struct Larger<T> : IOperator<T> where T : struct, IFloatingPointIeee754<T>
    {
        public static T Of(T a, T b) => T.Max(a, b);
        public static Vector<T> Of(Vector<T> a, Vector<T> b) => Vector.Max(a, b);   // as T.Max since .NET 9 (NaN, ±0)
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot: skip tier-0 JIT (see Core/Compute/README.md)
    static void Map<T, TOp>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : struct, IFloatingPointIeee754<T> where TOp : IOperator<T>
    {
        Same(x.Length, y.Length);
        Same(x.Length, d.Length);
        var i = 0;
        if (Vectorized<T>())
            for (; i <= x.Length - Vector<T>.Count; i += Vector<T>.Count)
                TOp.Of(new Vector<T>(x[i..]), new Vector<T>(y[i..])).CopyTo(d[i..]);
        for (; i < x.Length; i++) d[i] = TOp.Of(x[i], y[i]);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot: skip tier-0 JIT (see Core/Compute/README.md)
    static void Map<T, TOp>(ReadOnlySpan<T> x, T s, Span<T> d) where T : struct, IFloatingPointIeee754<T> where TOp : IOperator<T>
    {
        Same(x.Length, d.Length);
        var i = 0;
        if (Vectorized<T>())
            for (var v = new Vector<T>(s); i <= x.Length - Vector<T>.Count; i += Vector<T>.Count)
                TOp.Of(new Vector<T>(x[i..]), v).CopyTo(d[i..]);
        for (; i < x.Length; i++) d[i] = TOp.Of(x[i], s);
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

    /// <summary>x, or 0 when x is subnormal (see README.md, Subnormals).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Flushed<T>(T x) where T : struct, IFloatingPointIeee754<T> => T.Abs(x) < SmallestNormal<T>() ? T.Zero : x;

    /// <summary>Each lane of x, or 0 where it is subnormal: the twin of the scalar <see cref="Flushed{T}(T)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Flushed<T>(Vector<T> x) where T : struct, IFloatingPointIeee754<T> =>
        Vector.ConditionalSelect(Vector.LessThan(Vector.Abs(x), new Vector<T>(SmallestNormal<T>())), Vector<T>.Zero, x);

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
