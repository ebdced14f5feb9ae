using MathNet.Numerics.Providers.LinearAlgebra;

namespace Nabla.Compute;

// Generated from ILinearAlgebraProvider by reflection: everything Nabla does not accelerate goes to MathNet's
// managed provider unchanged. The float and double members Nabla does accelerate live in NablaProvider.cs.
sealed partial class NablaProvider
{
    public bool IsAvailable() => Managed.IsAvailable();
    public void InitializeVerify() => Managed.InitializeVerify();
    public void FreeResources() => Managed.FreeResources();

    // double
    public void ConjugateArray(double[] x, double[] result) => Managed.ConjugateArray(x, result);
    public double DotProduct(double[] x, double[] y) => Managed.DotProduct(x, y);
    public void PointWiseDivideArrays(double[] x, double[] y, double[] result) => Managed.PointWiseDivideArrays(x, y, result);
    public void PointWisePowerArrays(double[] x, double[] y, double[] result) => Managed.PointWisePowerArrays(x, y, result);
    public double MatrixNorm(MathNet.Numerics.Providers.LinearAlgebra.Norm norm, int rows, int columns, double[] matrix) => Managed.MatrixNorm(norm, rows, columns, matrix);
    public void LUFactor(double[] data, int order, int[] ipiv) => Managed.LUFactor(data, order, ipiv);
    public void LUInverse(double[] a, int order) => Managed.LUInverse(a, order);
    public void LUInverseFactored(double[] a, int order, int[] ipiv) => Managed.LUInverseFactored(a, order, ipiv);
    public void LUSolve(int columnsOfB, double[] a, int order, double[] b) => Managed.LUSolve(columnsOfB, a, order, b);
    public void LUSolveFactored(int columnsOfB, double[] a, int order, int[] ipiv, double[] b) => Managed.LUSolveFactored(columnsOfB, a, order, ipiv, b);
    public void CholeskyFactor(double[] a, int order) => Managed.CholeskyFactor(a, order);
    public void CholeskySolve(double[] a, int orderA, double[] b, int columnsB) => Managed.CholeskySolve(a, orderA, b, columnsB);
    public void CholeskySolveFactored(double[] a, int orderA, double[] b, int columnsB) => Managed.CholeskySolveFactored(a, orderA, b, columnsB);
    public void QRFactor(double[] a, int rowsA, int columnsA, double[] q, double[] tau) => Managed.QRFactor(a, rowsA, columnsA, q, tau);
    public void ThinQRFactor(double[] a, int rowsA, int columnsA, double[] r, double[] tau) => Managed.ThinQRFactor(a, rowsA, columnsA, r, tau);
    public void QRSolve(double[] a, int rows, int columns, double[] b, int columnsB, double[] x, MathNet.Numerics.LinearAlgebra.Factorization.QRMethod method) => Managed.QRSolve(a, rows, columns, b, columnsB, x, method);
    public void QRSolveFactored(double[] q, double[] r, int rowsA, int columnsA, double[] tau, double[] b, int columnsB, double[] x, MathNet.Numerics.LinearAlgebra.Factorization.QRMethod method) => Managed.QRSolveFactored(q, r, rowsA, columnsA, tau, b, columnsB, x, method);
    public void SingularValueDecomposition(bool computeVectors, double[] a, int rowsA, int columnsA, double[] s, double[] u, double[] vt) => Managed.SingularValueDecomposition(computeVectors, a, rowsA, columnsA, s, u, vt);
    public void SvdSolve(double[] a, int rowsA, int columnsA, double[] b, int columnsB, double[] x) => Managed.SvdSolve(a, rowsA, columnsA, b, columnsB, x);
    public void SvdSolveFactored(int rowsA, int columnsA, double[] s, double[] u, double[] vt, double[] b, int columnsB, double[] x) => Managed.SvdSolveFactored(rowsA, columnsA, s, u, vt, b, columnsB, x);
    public void EigenDecomp(bool isSymmetric, int order, double[] matrix, double[] matrixEv, System.Numerics.Complex[] vectorEv, double[] matrixD) => Managed.EigenDecomp(isSymmetric, order, matrix, matrixEv, vectorEv, matrixD);

    // float
    public void ConjugateArray(float[] x, float[] result) => Managed.ConjugateArray(x, result);
    public float DotProduct(float[] x, float[] y) => Managed.DotProduct(x, y);
    public void PointWiseDivideArrays(float[] x, float[] y, float[] result) => Managed.PointWiseDivideArrays(x, y, result);
    public void PointWisePowerArrays(float[] x, float[] y, float[] result) => Managed.PointWisePowerArrays(x, y, result);
    public double MatrixNorm(MathNet.Numerics.Providers.LinearAlgebra.Norm norm, int rows, int columns, float[] matrix) => Managed.MatrixNorm(norm, rows, columns, matrix);
    public void LUFactor(float[] data, int order, int[] ipiv) => Managed.LUFactor(data, order, ipiv);
    public void LUInverse(float[] a, int order) => Managed.LUInverse(a, order);
    public void LUInverseFactored(float[] a, int order, int[] ipiv) => Managed.LUInverseFactored(a, order, ipiv);
    public void LUSolve(int columnsOfB, float[] a, int order, float[] b) => Managed.LUSolve(columnsOfB, a, order, b);
    public void LUSolveFactored(int columnsOfB, float[] a, int order, int[] ipiv, float[] b) => Managed.LUSolveFactored(columnsOfB, a, order, ipiv, b);
    public void CholeskyFactor(float[] a, int order) => Managed.CholeskyFactor(a, order);
    public void CholeskySolve(float[] a, int orderA, float[] b, int columnsB) => Managed.CholeskySolve(a, orderA, b, columnsB);
    public void CholeskySolveFactored(float[] a, int orderA, float[] b, int columnsB) => Managed.CholeskySolveFactored(a, orderA, b, columnsB);
    public void QRFactor(float[] a, int rowsA, int columnsA, float[] q, float[] tau) => Managed.QRFactor(a, rowsA, columnsA, q, tau);
    public void ThinQRFactor(float[] a, int rowsA, int columnsA, float[] r, float[] tau) => Managed.ThinQRFactor(a, rowsA, columnsA, r, tau);
    public void QRSolve(float[] a, int rows, int columns, float[] b, int columnsB, float[] x, MathNet.Numerics.LinearAlgebra.Factorization.QRMethod method) => Managed.QRSolve(a, rows, columns, b, columnsB, x, method);
    public void QRSolveFactored(float[] q, float[] r, int rowsA, int columnsA, float[] tau, float[] b, int columnsB, float[] x, MathNet.Numerics.LinearAlgebra.Factorization.QRMethod method) => Managed.QRSolveFactored(q, r, rowsA, columnsA, tau, b, columnsB, x, method);
    public void SingularValueDecomposition(bool computeVectors, float[] a, int rowsA, int columnsA, float[] s, float[] u, float[] vt) => Managed.SingularValueDecomposition(computeVectors, a, rowsA, columnsA, s, u, vt);
    public void SvdSolve(float[] a, int rowsA, int columnsA, float[] b, int columnsB, float[] x) => Managed.SvdSolve(a, rowsA, columnsA, b, columnsB, x);
    public void SvdSolveFactored(int rowsA, int columnsA, float[] s, float[] u, float[] vt, float[] b, int columnsB, float[] x) => Managed.SvdSolveFactored(rowsA, columnsA, s, u, vt, b, columnsB, x);
    public void EigenDecomp(bool isSymmetric, int order, float[] matrix, float[] matrixEv, System.Numerics.Complex[] vectorEv, float[] matrixD) => Managed.EigenDecomp(isSymmetric, order, matrix, matrixEv, vectorEv, matrixD);

    // System.Numerics.Complex
    public void AddVectorToScaledVector(System.Numerics.Complex[] y, System.Numerics.Complex alpha, System.Numerics.Complex[] x, System.Numerics.Complex[] result) => Managed.AddVectorToScaledVector(y, alpha, x, result);
    public void ScaleArray(System.Numerics.Complex alpha, System.Numerics.Complex[] x, System.Numerics.Complex[] result) => Managed.ScaleArray(alpha, x, result);
    public void ConjugateArray(System.Numerics.Complex[] x, System.Numerics.Complex[] result) => Managed.ConjugateArray(x, result);
    public System.Numerics.Complex DotProduct(System.Numerics.Complex[] x, System.Numerics.Complex[] y) => Managed.DotProduct(x, y);
    public void AddArrays(System.Numerics.Complex[] x, System.Numerics.Complex[] y, System.Numerics.Complex[] result) => Managed.AddArrays(x, y, result);
    public void SubtractArrays(System.Numerics.Complex[] x, System.Numerics.Complex[] y, System.Numerics.Complex[] result) => Managed.SubtractArrays(x, y, result);
    public void PointWiseMultiplyArrays(System.Numerics.Complex[] x, System.Numerics.Complex[] y, System.Numerics.Complex[] result) => Managed.PointWiseMultiplyArrays(x, y, result);
    public void PointWiseDivideArrays(System.Numerics.Complex[] x, System.Numerics.Complex[] y, System.Numerics.Complex[] result) => Managed.PointWiseDivideArrays(x, y, result);
    public void PointWisePowerArrays(System.Numerics.Complex[] x, System.Numerics.Complex[] y, System.Numerics.Complex[] result) => Managed.PointWisePowerArrays(x, y, result);
    public double MatrixNorm(MathNet.Numerics.Providers.LinearAlgebra.Norm norm, int rows, int columns, System.Numerics.Complex[] matrix) => Managed.MatrixNorm(norm, rows, columns, matrix);
    public void MatrixMultiply(System.Numerics.Complex[] x, int rowsX, int columnsX, System.Numerics.Complex[] y, int rowsY, int columnsY, System.Numerics.Complex[] result) => Managed.MatrixMultiply(x, rowsX, columnsX, y, rowsY, columnsY, result);
    public void MatrixMultiplyWithUpdate(MathNet.Numerics.Providers.LinearAlgebra.Transpose transposeA, MathNet.Numerics.Providers.LinearAlgebra.Transpose transposeB, System.Numerics.Complex alpha, System.Numerics.Complex[] a, int rowsA, int columnsA, System.Numerics.Complex[] b, int rowsB, int columnsB, System.Numerics.Complex beta, System.Numerics.Complex[] c) => Managed.MatrixMultiplyWithUpdate(transposeA, transposeB, alpha, a, rowsA, columnsA, b, rowsB, columnsB, beta, c);
    public void LUFactor(System.Numerics.Complex[] data, int order, int[] ipiv) => Managed.LUFactor(data, order, ipiv);
    public void LUInverse(System.Numerics.Complex[] a, int order) => Managed.LUInverse(a, order);
    public void LUInverseFactored(System.Numerics.Complex[] a, int order, int[] ipiv) => Managed.LUInverseFactored(a, order, ipiv);
    public void LUSolve(int columnsOfB, System.Numerics.Complex[] a, int order, System.Numerics.Complex[] b) => Managed.LUSolve(columnsOfB, a, order, b);
    public void LUSolveFactored(int columnsOfB, System.Numerics.Complex[] a, int order, int[] ipiv, System.Numerics.Complex[] b) => Managed.LUSolveFactored(columnsOfB, a, order, ipiv, b);
    public void CholeskyFactor(System.Numerics.Complex[] a, int order) => Managed.CholeskyFactor(a, order);
    public void CholeskySolve(System.Numerics.Complex[] a, int orderA, System.Numerics.Complex[] b, int columnsB) => Managed.CholeskySolve(a, orderA, b, columnsB);
    public void CholeskySolveFactored(System.Numerics.Complex[] a, int orderA, System.Numerics.Complex[] b, int columnsB) => Managed.CholeskySolveFactored(a, orderA, b, columnsB);
    public void QRFactor(System.Numerics.Complex[] a, int rowsA, int columnsA, System.Numerics.Complex[] q, System.Numerics.Complex[] tau) => Managed.QRFactor(a, rowsA, columnsA, q, tau);
    public void ThinQRFactor(System.Numerics.Complex[] a, int rowsA, int columnsA, System.Numerics.Complex[] r, System.Numerics.Complex[] tau) => Managed.ThinQRFactor(a, rowsA, columnsA, r, tau);
    public void QRSolve(System.Numerics.Complex[] a, int rows, int columns, System.Numerics.Complex[] b, int columnsB, System.Numerics.Complex[] x, MathNet.Numerics.LinearAlgebra.Factorization.QRMethod method) => Managed.QRSolve(a, rows, columns, b, columnsB, x, method);
    public void QRSolveFactored(System.Numerics.Complex[] q, System.Numerics.Complex[] r, int rowsA, int columnsA, System.Numerics.Complex[] tau, System.Numerics.Complex[] b, int columnsB, System.Numerics.Complex[] x, MathNet.Numerics.LinearAlgebra.Factorization.QRMethod method) => Managed.QRSolveFactored(q, r, rowsA, columnsA, tau, b, columnsB, x, method);
    public void SingularValueDecomposition(bool computeVectors, System.Numerics.Complex[] a, int rowsA, int columnsA, System.Numerics.Complex[] s, System.Numerics.Complex[] u, System.Numerics.Complex[] vt) => Managed.SingularValueDecomposition(computeVectors, a, rowsA, columnsA, s, u, vt);
    public void SvdSolve(System.Numerics.Complex[] a, int rowsA, int columnsA, System.Numerics.Complex[] b, int columnsB, System.Numerics.Complex[] x) => Managed.SvdSolve(a, rowsA, columnsA, b, columnsB, x);
    public void SvdSolveFactored(int rowsA, int columnsA, System.Numerics.Complex[] s, System.Numerics.Complex[] u, System.Numerics.Complex[] vt, System.Numerics.Complex[] b, int columnsB, System.Numerics.Complex[] x) => Managed.SvdSolveFactored(rowsA, columnsA, s, u, vt, b, columnsB, x);
    public void EigenDecomp(bool isSymmetric, int order, System.Numerics.Complex[] matrix, System.Numerics.Complex[] matrixEv, System.Numerics.Complex[] vectorEv, System.Numerics.Complex[] matrixD) => Managed.EigenDecomp(isSymmetric, order, matrix, matrixEv, vectorEv, matrixD);

    // MathNet.Numerics.Complex32
    public void AddVectorToScaledVector(MathNet.Numerics.Complex32[] y, MathNet.Numerics.Complex32 alpha, MathNet.Numerics.Complex32[] x, MathNet.Numerics.Complex32[] result) => Managed.AddVectorToScaledVector(y, alpha, x, result);
    public void ScaleArray(MathNet.Numerics.Complex32 alpha, MathNet.Numerics.Complex32[] x, MathNet.Numerics.Complex32[] result) => Managed.ScaleArray(alpha, x, result);
    public void ConjugateArray(MathNet.Numerics.Complex32[] x, MathNet.Numerics.Complex32[] result) => Managed.ConjugateArray(x, result);
    public MathNet.Numerics.Complex32 DotProduct(MathNet.Numerics.Complex32[] x, MathNet.Numerics.Complex32[] y) => Managed.DotProduct(x, y);
    public void AddArrays(MathNet.Numerics.Complex32[] x, MathNet.Numerics.Complex32[] y, MathNet.Numerics.Complex32[] result) => Managed.AddArrays(x, y, result);
    public void SubtractArrays(MathNet.Numerics.Complex32[] x, MathNet.Numerics.Complex32[] y, MathNet.Numerics.Complex32[] result) => Managed.SubtractArrays(x, y, result);
    public void PointWiseMultiplyArrays(MathNet.Numerics.Complex32[] x, MathNet.Numerics.Complex32[] y, MathNet.Numerics.Complex32[] result) => Managed.PointWiseMultiplyArrays(x, y, result);
    public void PointWiseDivideArrays(MathNet.Numerics.Complex32[] x, MathNet.Numerics.Complex32[] y, MathNet.Numerics.Complex32[] result) => Managed.PointWiseDivideArrays(x, y, result);
    public void PointWisePowerArrays(MathNet.Numerics.Complex32[] x, MathNet.Numerics.Complex32[] y, MathNet.Numerics.Complex32[] result) => Managed.PointWisePowerArrays(x, y, result);
    public double MatrixNorm(MathNet.Numerics.Providers.LinearAlgebra.Norm norm, int rows, int columns, MathNet.Numerics.Complex32[] matrix) => Managed.MatrixNorm(norm, rows, columns, matrix);
    public void MatrixMultiply(MathNet.Numerics.Complex32[] x, int rowsX, int columnsX, MathNet.Numerics.Complex32[] y, int rowsY, int columnsY, MathNet.Numerics.Complex32[] result) => Managed.MatrixMultiply(x, rowsX, columnsX, y, rowsY, columnsY, result);
    public void MatrixMultiplyWithUpdate(MathNet.Numerics.Providers.LinearAlgebra.Transpose transposeA, MathNet.Numerics.Providers.LinearAlgebra.Transpose transposeB, MathNet.Numerics.Complex32 alpha, MathNet.Numerics.Complex32[] a, int rowsA, int columnsA, MathNet.Numerics.Complex32[] b, int rowsB, int columnsB, MathNet.Numerics.Complex32 beta, MathNet.Numerics.Complex32[] c) => Managed.MatrixMultiplyWithUpdate(transposeA, transposeB, alpha, a, rowsA, columnsA, b, rowsB, columnsB, beta, c);
    public void LUFactor(MathNet.Numerics.Complex32[] data, int order, int[] ipiv) => Managed.LUFactor(data, order, ipiv);
    public void LUInverse(MathNet.Numerics.Complex32[] a, int order) => Managed.LUInverse(a, order);
    public void LUInverseFactored(MathNet.Numerics.Complex32[] a, int order, int[] ipiv) => Managed.LUInverseFactored(a, order, ipiv);
    public void LUSolve(int columnsOfB, MathNet.Numerics.Complex32[] a, int order, MathNet.Numerics.Complex32[] b) => Managed.LUSolve(columnsOfB, a, order, b);
    public void LUSolveFactored(int columnsOfB, MathNet.Numerics.Complex32[] a, int order, int[] ipiv, MathNet.Numerics.Complex32[] b) => Managed.LUSolveFactored(columnsOfB, a, order, ipiv, b);
    public void CholeskyFactor(MathNet.Numerics.Complex32[] a, int order) => Managed.CholeskyFactor(a, order);
    public void CholeskySolve(MathNet.Numerics.Complex32[] a, int orderA, MathNet.Numerics.Complex32[] b, int columnsB) => Managed.CholeskySolve(a, orderA, b, columnsB);
    public void CholeskySolveFactored(MathNet.Numerics.Complex32[] a, int orderA, MathNet.Numerics.Complex32[] b, int columnsB) => Managed.CholeskySolveFactored(a, orderA, b, columnsB);
    public void QRFactor(MathNet.Numerics.Complex32[] a, int rowsA, int columnsA, MathNet.Numerics.Complex32[] q, MathNet.Numerics.Complex32[] tau) => Managed.QRFactor(a, rowsA, columnsA, q, tau);
    public void ThinQRFactor(MathNet.Numerics.Complex32[] a, int rowsA, int columnsA, MathNet.Numerics.Complex32[] r, MathNet.Numerics.Complex32[] tau) => Managed.ThinQRFactor(a, rowsA, columnsA, r, tau);
    public void QRSolve(MathNet.Numerics.Complex32[] a, int rows, int columns, MathNet.Numerics.Complex32[] b, int columnsB, MathNet.Numerics.Complex32[] x, MathNet.Numerics.LinearAlgebra.Factorization.QRMethod method) => Managed.QRSolve(a, rows, columns, b, columnsB, x, method);
    public void QRSolveFactored(MathNet.Numerics.Complex32[] q, MathNet.Numerics.Complex32[] r, int rowsA, int columnsA, MathNet.Numerics.Complex32[] tau, MathNet.Numerics.Complex32[] b, int columnsB, MathNet.Numerics.Complex32[] x, MathNet.Numerics.LinearAlgebra.Factorization.QRMethod method) => Managed.QRSolveFactored(q, r, rowsA, columnsA, tau, b, columnsB, x, method);
    public void SingularValueDecomposition(bool computeVectors, MathNet.Numerics.Complex32[] a, int rowsA, int columnsA, MathNet.Numerics.Complex32[] s, MathNet.Numerics.Complex32[] u, MathNet.Numerics.Complex32[] vt) => Managed.SingularValueDecomposition(computeVectors, a, rowsA, columnsA, s, u, vt);
    public void SvdSolve(MathNet.Numerics.Complex32[] a, int rowsA, int columnsA, MathNet.Numerics.Complex32[] b, int columnsB, MathNet.Numerics.Complex32[] x) => Managed.SvdSolve(a, rowsA, columnsA, b, columnsB, x);
    public void SvdSolveFactored(int rowsA, int columnsA, MathNet.Numerics.Complex32[] s, MathNet.Numerics.Complex32[] u, MathNet.Numerics.Complex32[] vt, MathNet.Numerics.Complex32[] b, int columnsB, MathNet.Numerics.Complex32[] x) => Managed.SvdSolveFactored(rowsA, columnsA, s, u, vt, b, columnsB, x);
    public void EigenDecomp(bool isSymmetric, int order, MathNet.Numerics.Complex32[] matrix, MathNet.Numerics.Complex32[] matrixEv, System.Numerics.Complex[] vectorEv, MathNet.Numerics.Complex32[] matrixD) => Managed.EigenDecomp(isSymmetric, order, matrix, matrixEv, vectorEv, matrixD);
}
