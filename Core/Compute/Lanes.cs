using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Nabla.Compute;

/// <summary>
/// A vector of <see cref="Count"/> lanes of T: the image kernels (pooling, batch norm) are written once over it and run
/// at 512 bits, 256 bits, and at one lane for the tails. Every operation is lane-wise, and MultiplyAdd is fused (one
/// rounding) in every instance, so a lane computes exactly what the one-lane instance computes: results do not depend on
/// where a tail begins.
/// </summary>
interface ILanes<TSelf, T> where TSelf : struct, ILanes<TSelf, T> where T : struct, IFloatingPointIeee754<T>
{
    static abstract int Count { get; }
    static abstract TSelf Load(ref readonly T source);
    static abstract void Store(TSelf value, ref T destination);
    static abstract TSelf Splat(T value);
    static abstract TSelf Add(TSelf a, TSelf b);
    static abstract TSelf Subtract(TSelf a, TSelf b);
    static abstract TSelf Multiply(TSelf a, TSelf b);
    static abstract TSelf Divide(TSelf a, TSelf b);
    /// <summary>a·b + c with one rounding.</summary>
    static abstract TSelf MultiplyAdd(TSelf a, TSelf b, TSelf c);
    /// <summary>Per lane: a when <paramref name="mask"/>'s lane is all ones, else b.</summary>
    static abstract TSelf Select(TSelf mask, TSelf a, TSelf b);
    /// <summary>Per lane all ones where a &gt; b or a is NaN (max-pooling's "take it" rule, PyTorch's), else zero.</summary>
    static abstract TSelf GreaterOrNaN(TSelf a, TSelf b);
    /// <summary>Per lane all ones where a = b, else zero.</summary>
    static abstract TSelf Equal(TSelf a, TSelf b);
    /// <summary>The lanes' sum, in a fixed order for a given width.</summary>
    static abstract T Sum(TSelf v);
}

/// <summary>512-bit lanes (AVX-512).</summary>
readonly struct Lanes512<T>(Vector512<T> v) : ILanes<Lanes512<T>, T> where T : struct, IFloatingPointIeee754<T>
{
    readonly Vector512<T> v = v;
    public static int Count => Vector512<T>.Count;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512<T> Load(ref readonly T source) => new(Vector512.LoadUnsafe(in source));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Lanes512<T> value, ref T destination) => value.v.StoreUnsafe(ref destination);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512<T> Splat(T value) => new(Vector512.Create(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512<T> Add(Lanes512<T> a, Lanes512<T> b) => new(a.v + b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512<T> Subtract(Lanes512<T> a, Lanes512<T> b) => new(a.v - b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512<T> Multiply(Lanes512<T> a, Lanes512<T> b) => new(a.v * b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512<T> Divide(Lanes512<T> a, Lanes512<T> b) => new(a.v / b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512<T> MultiplyAdd(Lanes512<T> a, Lanes512<T> b, Lanes512<T> c) =>
        typeof(T) == typeof(float) ? new(Vector512.FusedMultiplyAdd(a.v.AsSingle(), b.v.AsSingle(), c.v.AsSingle()).As<float, T>())
        : typeof(T) == typeof(double) ? new(Vector512.FusedMultiplyAdd(a.v.AsDouble(), b.v.AsDouble(), c.v.AsDouble()).As<double, T>())
        : throw new NotSupportedException($"Fused multiply-add of {typeof(T).Name} lanes.");
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512<T> Select(Lanes512<T> mask, Lanes512<T> a, Lanes512<T> b) => new(Vector512.ConditionalSelect(mask.v, a.v, b.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512<T> GreaterOrNaN(Lanes512<T> a, Lanes512<T> b) => new(Vector512.GreaterThan(a.v, b.v) | ~Vector512.Equals(a.v, a.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512<T> Equal(Lanes512<T> a, Lanes512<T> b) => new(Vector512.Equals(a.v, b.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Sum(Lanes512<T> v) => Vector512.Sum(v.v);
}

/// <summary>256-bit lanes (AVX2, or two 128-bit halves elsewhere).</summary>
readonly struct Lanes256<T>(Vector256<T> v) : ILanes<Lanes256<T>, T> where T : struct, IFloatingPointIeee754<T>
{
    readonly Vector256<T> v = v;
    public static int Count => Vector256<T>.Count;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256<T> Load(ref readonly T source) => new(Vector256.LoadUnsafe(in source));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Lanes256<T> value, ref T destination) => value.v.StoreUnsafe(ref destination);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256<T> Splat(T value) => new(Vector256.Create(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256<T> Add(Lanes256<T> a, Lanes256<T> b) => new(a.v + b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256<T> Subtract(Lanes256<T> a, Lanes256<T> b) => new(a.v - b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256<T> Multiply(Lanes256<T> a, Lanes256<T> b) => new(a.v * b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256<T> Divide(Lanes256<T> a, Lanes256<T> b) => new(a.v / b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256<T> MultiplyAdd(Lanes256<T> a, Lanes256<T> b, Lanes256<T> c) =>
        typeof(T) == typeof(float) ? new(Vector256.FusedMultiplyAdd(a.v.AsSingle(), b.v.AsSingle(), c.v.AsSingle()).As<float, T>())
        : typeof(T) == typeof(double) ? new(Vector256.FusedMultiplyAdd(a.v.AsDouble(), b.v.AsDouble(), c.v.AsDouble()).As<double, T>())
        : throw new NotSupportedException($"Fused multiply-add of {typeof(T).Name} lanes.");
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256<T> Select(Lanes256<T> mask, Lanes256<T> a, Lanes256<T> b) => new(Vector256.ConditionalSelect(mask.v, a.v, b.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256<T> GreaterOrNaN(Lanes256<T> a, Lanes256<T> b) => new(Vector256.GreaterThan(a.v, b.v) | ~Vector256.Equals(a.v, a.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256<T> Equal(Lanes256<T> a, Lanes256<T> b) => new(Vector256.Equals(a.v, b.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Sum(Lanes256<T> v) => Vector256.Sum(v.v);
}

/// <summary>One lane: the scalar tail, and the whole loop on CPUs without SIMD. Masks are all-ones or zero bit patterns,
/// as in the vector instances.</summary>
readonly struct Lane<T>(T v) : ILanes<Lane<T>, T> where T : struct, IFloatingPointIeee754<T>
{
    readonly T v = v;
    static readonly T AllOnes = Vector128<T>.AllBitsSet.ToScalar();
    public static int Count => 1;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane<T> Load(ref readonly T source) => new(source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Lane<T> value, ref T destination) => destination = value.v;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane<T> Splat(T value) => new(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane<T> Add(Lane<T> a, Lane<T> b) => new(a.v + b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane<T> Subtract(Lane<T> a, Lane<T> b) => new(a.v - b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane<T> Multiply(Lane<T> a, Lane<T> b) => new(a.v * b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane<T> Divide(Lane<T> a, Lane<T> b) => new(a.v / b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane<T> MultiplyAdd(Lane<T> a, Lane<T> b, Lane<T> c) => new(T.FusedMultiplyAdd(a.v, b.v, c.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane<T> Select(Lane<T> mask, Lane<T> a, Lane<T> b) => T.IsNaN(mask.v) ? a : b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane<T> GreaterOrNaN(Lane<T> a, Lane<T> b) => new(a.v > b.v || T.IsNaN(a.v) ? AllOnes : T.Zero);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane<T> Equal(Lane<T> a, Lane<T> b) => new(a.v == b.v ? AllOnes : T.Zero);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Sum(Lane<T> v) => v.v;
}

/// <summary>Which lane width the image kernels use on this CPU.</summary>
static class LaneWidth
{
    /// <summary>512 with AVX-512 (asked of Avx512F, as the GEMM does: .NET reports Vector512 unaccelerated on Xeons
    /// that lower their clock under 512-bit load, yet emits AVX-512 for it), 256 with 256-bit SIMD, else 1.</summary>
    public static int Widest { get; } = Avx512F.IsSupported ? 512 : Vector256.IsHardwareAccelerated ? 256 : 1;
}
