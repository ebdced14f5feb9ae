using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Nabla.Compute;

/// <summary>The 8 × 8 float transpose in AVX registers that packing and the batch gather share.</summary>
static unsafe class Transpose8x8
{
    /// <summary>Stores the transpose of the block whose rows are r0 … r7: column c (r0[c], …, r7[c]) goes to
    /// destination + c·ld. Rows → interleaved pairs → quads → 128-bit halves: the classic 24-shuffle transpose.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<float> r0, Vector256<float> r1, Vector256<float> r2, Vector256<float> r3,
        Vector256<float> r4, Vector256<float> r5, Vector256<float> r6, Vector256<float> r7, float* destination, nint ld)
    {
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1), t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3),
            t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5), t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE), u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE),
            u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE), u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Store(destination, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(destination + ld, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(destination + 2 * ld, Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(destination + 3 * ld, Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(destination + 4 * ld, Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(destination + 5 * ld, Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(destination + 6 * ld, Avx.Permute2x128(u2, u6, 0x31));
        Avx.Store(destination + 7 * ld, Avx.Permute2x128(u3, u7, 0x31));
    }
}
