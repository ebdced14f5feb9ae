using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Nabla.Compute;

/// <summary>One micro-kernel call: C[0..Rows, 0..Columns] (leading dimension Ldc) = α·Σ_p A_p·B_pᵀ + β·C over K steps.
/// A sliver: MR contiguous values per step, AStep apart. B sliver: the value of column jj at step p is
/// B[p·BStep + Offsets[jj]]. Overwrite means β = 0: C's old values (even NaN) are ignored.</summary>
readonly unsafe struct GemmTile<T>(int k, T* a, nint aStep, T* b, nint bStep, nint* offsets, T* c, nint ldc,
    int rows, int columns, T alpha, T beta, bool overwrite) where T : unmanaged, IFloatingPointIeee754<T>
{
    public readonly int K = k, Rows = rows, Columns = columns;
    public readonly T* A = a, B = b, C = c;
    public readonly nint AStep = aStep, BStep = bStep, Ldc = ldc;
    public readonly nint* Offsets = offsets;
    public readonly T Alpha = alpha, Beta = beta;
    public readonly bool Overwrite = overwrite;
}

/// <summary>
/// Register-blocked GEMM micro-kernels: an MR × NR tile of C lives in vector registers for the whole k loop; each
/// step loads MR values of A (two vectors) and broadcasts NR values of B, one fused multiply-add per accumulator.
/// 512-bit: 32 × 8 floats in 16 accumulators (two FMA units are fed 16 FMAs per 2 loads and 8 broadcasts).
/// </summary>
static unsafe class GemmKernels
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot: skip tier-0 JIT (see Core/Tensors/README.md)
    public static void Kernel512<T>(in GemmTile<T> t) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T* a = t.A, b = t.B;
        nint aStep = t.AStep, bStep = t.BStep;
        var w = Vector512<T>.Count;
        nint o1 = t.Offsets[1], o2 = t.Offsets[2], o3 = t.Offsets[3], o4 = t.Offsets[4], o5 = t.Offsets[5], o6 = t.Offsets[6], o7 = t.Offsets[7];
        Vector512<T> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default,
            c40 = default, c41 = default, c50 = default, c51 = default, c60 = default, c61 = default, c70 = default, c71 = default;
        for (var p = 0; p < t.K; p++)
        {
            var a0 = Vector512.Load(a);
            var a1 = Vector512.Load(a + w);
            var v = Vector512.Create(b[0]); c00 = Fma(a0, v, c00); c01 = Fma(a1, v, c01);
            v = Vector512.Create(b[o1]); c10 = Fma(a0, v, c10); c11 = Fma(a1, v, c11);
            v = Vector512.Create(b[o2]); c20 = Fma(a0, v, c20); c21 = Fma(a1, v, c21);
            v = Vector512.Create(b[o3]); c30 = Fma(a0, v, c30); c31 = Fma(a1, v, c31);
            v = Vector512.Create(b[o4]); c40 = Fma(a0, v, c40); c41 = Fma(a1, v, c41);
            v = Vector512.Create(b[o5]); c50 = Fma(a0, v, c50); c51 = Fma(a1, v, c51);
            v = Vector512.Create(b[o6]); c60 = Fma(a0, v, c60); c61 = Fma(a1, v, c61);
            v = Vector512.Create(b[o7]); c70 = Fma(a0, v, c70); c71 = Fma(a1, v, c71);
            a += aStep;
            b += bStep;
        }
        var mr = 2 * w;
        var full = t.Rows == mr && t.Columns == 8;
        var tmp = stackalloc T[full ? 0 : mr * 8];
        // A full tile updates C directly; an edge tile goes through a scratch tile and only its valid part is written.
        var target = full ? t.C : tmp;
        var ld = full ? t.Ldc : mr;
        // An edge tile keeps the raw sums (α = 1, overwrite): CopyEdge applies α and β to the valid part.
        var (alpha, beta, overwrite) = (Vector512.Create(full ? t.Alpha : T.One), Vector512.Create(t.Beta), t.Overwrite || !full);
        Update(target, c00, alpha, beta, overwrite); Update(target + w, c01, alpha, beta, overwrite); target += ld;
        Update(target, c10, alpha, beta, overwrite); Update(target + w, c11, alpha, beta, overwrite); target += ld;
        Update(target, c20, alpha, beta, overwrite); Update(target + w, c21, alpha, beta, overwrite); target += ld;
        Update(target, c30, alpha, beta, overwrite); Update(target + w, c31, alpha, beta, overwrite); target += ld;
        Update(target, c40, alpha, beta, overwrite); Update(target + w, c41, alpha, beta, overwrite); target += ld;
        Update(target, c50, alpha, beta, overwrite); Update(target + w, c51, alpha, beta, overwrite); target += ld;
        Update(target, c60, alpha, beta, overwrite); Update(target + w, c61, alpha, beta, overwrite); target += ld;
        Update(target, c70, alpha, beta, overwrite); Update(target + w, c71, alpha, beta, overwrite);
        if (!full) CopyEdge(t, tmp, mr);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot: skip tier-0 JIT (see Core/Tensors/README.md)
    public static void Kernel256<T>(in GemmTile<T> t) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T* a = t.A, b = t.B;
        nint aStep = t.AStep, bStep = t.BStep;
        var w = Vector256<T>.Count;
        nint o1 = t.Offsets[1], o2 = t.Offsets[2], o3 = t.Offsets[3], o4 = t.Offsets[4], o5 = t.Offsets[5];
        Vector256<T> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default,
            c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (var p = 0; p < t.K; p++)
        {
            var a0 = Vector256.Load(a);
            var a1 = Vector256.Load(a + w);
            var v = Vector256.Create(b[0]); c00 = Fma(a0, v, c00); c01 = Fma(a1, v, c01);
            v = Vector256.Create(b[o1]); c10 = Fma(a0, v, c10); c11 = Fma(a1, v, c11);
            v = Vector256.Create(b[o2]); c20 = Fma(a0, v, c20); c21 = Fma(a1, v, c21);
            v = Vector256.Create(b[o3]); c30 = Fma(a0, v, c30); c31 = Fma(a1, v, c31);
            v = Vector256.Create(b[o4]); c40 = Fma(a0, v, c40); c41 = Fma(a1, v, c41);
            v = Vector256.Create(b[o5]); c50 = Fma(a0, v, c50); c51 = Fma(a1, v, c51);
            a += aStep;
            b += bStep;
        }
        var mr = 2 * w;
        var full = t.Rows == mr && t.Columns == 6;
        var tmp = stackalloc T[full ? 0 : mr * 6];
        var target = full ? t.C : tmp;
        var ld = full ? t.Ldc : mr;
        var (alpha, beta, overwrite) = (Vector256.Create(full ? t.Alpha : T.One), Vector256.Create(t.Beta), t.Overwrite || !full);
        Update(target, c00, alpha, beta, overwrite); Update(target + w, c01, alpha, beta, overwrite); target += ld;
        Update(target, c10, alpha, beta, overwrite); Update(target + w, c11, alpha, beta, overwrite); target += ld;
        Update(target, c20, alpha, beta, overwrite); Update(target + w, c21, alpha, beta, overwrite); target += ld;
        Update(target, c30, alpha, beta, overwrite); Update(target + w, c31, alpha, beta, overwrite); target += ld;
        Update(target, c40, alpha, beta, overwrite); Update(target + w, c41, alpha, beta, overwrite); target += ld;
        Update(target, c50, alpha, beta, overwrite); Update(target + w, c51, alpha, beta, overwrite);
        if (!full) CopyEdge(t, tmp, mr);
    }

    // The portable path: a 4 × 4 tile of scalar accumulators (correct everywhere, fast nowhere).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot: skip tier-0 JIT (see Core/Tensors/README.md)
    public static void KernelScalar<T>(in GemmTile<T> t) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var acc = stackalloc T[16];
        for (var i = 0; i < 16; i++) acc[i] = T.Zero;
        T* a = t.A, b = t.B;
        nint o1 = t.Offsets[1], o2 = t.Offsets[2], o3 = t.Offsets[3];
        for (var p = 0; p < t.K; p++)
        {
            T b0 = b[0], b1 = b[o1], b2 = b[o2], b3 = b[o3];
            for (var ii = 0; ii < 4; ii++)
            {
                var x = a[ii];
                acc[ii] += x * b0; acc[4 + ii] += x * b1; acc[8 + ii] += x * b2; acc[12 + ii] += x * b3;
            }
            a += t.AStep;
            b += t.BStep;
        }
        CopyEdge(t, acc, 4);
    }

    // C = α·acc + β·C for the valid rows and columns of a scratch tile (leading dimension mr).
    static void CopyEdge<T>(in GemmTile<T> t, T* tile, int mr) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var jj = 0; jj < t.Columns; jj++)
            for (var ii = 0; ii < t.Rows; ii++)
            {
                ref var c = ref t.C[jj * t.Ldc + ii];
                var product = t.Alpha * tile[jj * mr + ii];
                c = t.Overwrite ? product : T.FusedMultiplyAdd(t.Beta, c, product);
            }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Update<T>(T* p, Vector512<T> acc, Vector512<T> alpha, Vector512<T> beta, bool overwrite) where T : unmanaged
    {
        var r = acc * alpha;
        if (!overwrite) r = Fma(beta, Vector512.Load(p), r);
        r.Store(p);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Update<T>(T* p, Vector256<T> acc, Vector256<T> alpha, Vector256<T> beta, bool overwrite) where T : unmanaged
    {
        var r = acc * alpha;
        if (!overwrite) r = Fma(beta, Vector256.Load(p), r);
        r.Store(p);
    }

    // a·b + c with one rounding; the type tests fold away when the JIT specializes T.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector512<T> Fma<T>(Vector512<T> a, Vector512<T> b, Vector512<T> c) where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return Vector512.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double)) return Vector512.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
        return a * b + c;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector256<T> Fma<T>(Vector256<T> a, Vector256<T> b, Vector256<T> c) where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return Vector256.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double)) return Vector256.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
        return a * b + c;
    }
}
