namespace Nabla.Compute;

/// <summary>
/// A matrix-product engine: C = α·op(A)·op(B) + β·C over column-major arrays, op(X) = X or Xᵀ. op(A): m × k,
/// op(B): k × n, C: m × n; lda, ldb, ldc are the stored row counts (leading dimensions), as in BLAS.
/// Every MathNet product of dense float or double matrices (x * W, TransposeThisAndMultiply, TransposeAndMultiply)
/// reaches the backend in force (<see cref="Backend.Current"/>) through Nabla's linear-algebra provider.
/// </summary>
public abstract class GemmBackend
{
    /// <summary>The name <see cref="Backend.Use"/> takes: "managed" or "openblas".</summary>
    public abstract string Name { get; }

    /// <summary>One line for run headers and manifests: the engine, its kernel or library version.</summary>
    public abstract string Description { get; }

    /// <summary>C (m × n) = α·op(A)·op(B) + β·C in float; β = 0 overwrites C (NaNs in it are ignored).</summary>
    public abstract void Gemm(bool transA, bool transB, int m, int n, int k, float alpha, ReadOnlySpan<float> a, int lda,
        ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc, int threads);

    /// <summary>C (m × n) = α·op(A)·op(B) + β·C in double; β = 0 overwrites C.</summary>
    public abstract void Gemm(bool transA, bool transB, int m, int n, int k, double alpha, ReadOnlySpan<double> a, int lda,
        ReadOnlySpan<double> b, int ldb, double beta, Span<double> c, int ldc, int threads);

    /// <summary>Prints <see cref="Name"/>: "managed" or "openblas".</summary>
    public override string ToString() => Name;

    /// <summary>Throws unless the arrays hold the matrices the dimensions describe (a wrong call would otherwise read
    /// past an array inside native code).</summary>
    protected static void CheckSizes<T>(bool transA, bool transB, int m, int n, int k, int aLength, int lda,
        int bLength, int ldb, int cLength, int ldc)
    {
        var (aRows, aColumns) = transA ? (k, m) : (m, k);
        var (bRows, bColumns) = transB ? (n, k) : (k, n);
        if (m < 0 || n < 0 || k < 0 || lda < Math.Max(1, aRows) || ldb < Math.Max(1, bRows) || ldc < Math.Max(1, m)
            || Needed(aRows, aColumns, lda) > aLength || Needed(bRows, bColumns, ldb) > bLength || Needed(m, n, ldc) > cLength)
            throw new ArgumentException(
                $"Gemm<{typeof(T).Name}>: op(A) {m}×{k} (lda {lda}, {aLength} values), op(B) {k}×{n} (ldb {ldb}, {bLength} values), " +
                $"C {m}×{n} (ldc {ldc}, {cLength} values) do not fit their arrays.");
    }

    // Values a rows × columns matrix with leading dimension ld spans (the last column need not be padded).
    static long Needed(int rows, int columns, int ld) => rows == 0 || columns == 0 ? 0 : (long)ld * (columns - 1) + rows;
}
