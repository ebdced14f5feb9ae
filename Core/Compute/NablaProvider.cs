using System.Numerics.Tensors;
using MathNet.Numerics.Providers.LinearAlgebra;

namespace Nabla.Compute;

/// <summary>
/// The MathNet linear-algebra provider Nabla installs: every dense float and double product (x * W,
/// TransposeThisAndMultiply, TransposeAndMultiply, matrix × vector) goes to <see cref="Backend.Current"/>, and the
/// element-wise array operations behind +, − and scalar * run as single-threaded SIMD over spans. Everything else is
/// MathNet's managed provider unchanged (NablaProvider.Delegation.cs).
/// </summary>
sealed partial class NablaProvider : ILinearAlgebraProvider
{
    public static readonly NablaProvider Instance = new();

    static readonly ManagedLinearAlgebraProvider Managed = ManagedLinearAlgebraProvider.Instance;

    public override string ToString() => $"Nabla ({Backend.Current.Description})";

    // float

    public void MatrixMultiply(float[] x, int rowsX, int columnsX, float[] y, int rowsY, int columnsY, float[] result) =>
        MatrixMultiplyWithUpdate(Transpose.DontTranspose, Transpose.DontTranspose, 1f, x, rowsX, columnsX, y, rowsY, columnsY, 0f, result);

    public void MatrixMultiplyWithUpdate(Transpose transposeA, Transpose transposeB, float alpha, float[] a, int rowsA, int columnsA,
        float[] b, int rowsB, int columnsB, float beta, float[] c)
    {
        var (transA, transB, m, n, k) = Dimensions(transposeA, transposeB, rowsA, columnsA, rowsB, columnsB);
        Backend.Current.Gemm(transA, transB, m, n, k, alpha, a, Math.Max(1, rowsA), b, Math.Max(1, rowsB), beta, c, Math.Max(1, m), Backend.Threads);
    }

    public void AddArrays(float[] x, float[] y, float[] result) => TensorPrimitives.Add(x, y, result);
    public void SubtractArrays(float[] x, float[] y, float[] result) => TensorPrimitives.Subtract(x, y, result);
    public void PointWiseMultiplyArrays(float[] x, float[] y, float[] result) => TensorPrimitives.Multiply(x, y, result);
    public void ScaleArray(float alpha, float[] x, float[] result) => TensorPrimitives.Multiply(x, alpha, result);
    public void AddVectorToScaledVector(float[] y, float alpha, float[] x, float[] result) => TensorPrimitives.MultiplyAdd(x, alpha, y, result);

    // double

    public void MatrixMultiply(double[] x, int rowsX, int columnsX, double[] y, int rowsY, int columnsY, double[] result) =>
        MatrixMultiplyWithUpdate(Transpose.DontTranspose, Transpose.DontTranspose, 1.0, x, rowsX, columnsX, y, rowsY, columnsY, 0.0, result);

    public void MatrixMultiplyWithUpdate(Transpose transposeA, Transpose transposeB, double alpha, double[] a, int rowsA, int columnsA,
        double[] b, int rowsB, int columnsB, double beta, double[] c)
    {
        var (transA, transB, m, n, k) = Dimensions(transposeA, transposeB, rowsA, columnsA, rowsB, columnsB);
        Backend.Current.Gemm(transA, transB, m, n, k, alpha, a, Math.Max(1, rowsA), b, Math.Max(1, rowsB), beta, c, Math.Max(1, m), Backend.Threads);
    }

    public void AddArrays(double[] x, double[] y, double[] result) => TensorPrimitives.Add(x, y, result);
    public void SubtractArrays(double[] x, double[] y, double[] result) => TensorPrimitives.Subtract(x, y, result);
    public void PointWiseMultiplyArrays(double[] x, double[] y, double[] result) => TensorPrimitives.Multiply(x, y, result);
    public void ScaleArray(double alpha, double[] x, double[] result) => TensorPrimitives.Multiply(x, alpha, result);
    public void AddVectorToScaledVector(double[] y, double alpha, double[] x, double[] result) => TensorPrimitives.MultiplyAdd(x, alpha, y, result);

    // MathNet passes the stored shapes; op(A) is m × k and op(B) k × n.
    static (bool TransA, bool TransB, int M, int N, int K) Dimensions(Transpose transposeA, Transpose transposeB,
        int rowsA, int columnsA, int rowsB, int columnsB)
    {
        bool transA = transposeA != Transpose.DontTranspose, transB = transposeB != Transpose.DontTranspose;
        var (m, k) = transA ? (columnsA, rowsA) : (rowsA, columnsA);
        var (kB, n) = transB ? (columnsB, rowsB) : (rowsB, columnsB);
        if (k != kB)
            throw new ArgumentException($"Matrix product: op(A) is {m}×{k} but op(B) is {kB}×{n}; the inner sizes must agree.");
        return (transA, transB, m, n, k);
    }
}
