using System.Numerics.Tensors;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Storage;

namespace Nabla.Tensors;

/// <summary>
/// Element-wise and row/column kernels over the live column-major arrays of dense matrices.
/// Methods named …InPlace mutate their first argument: call them only on buffers you allocated.
/// </summary>
public static class Kernels
{
    /// <summary>The live column-major array of a dense matrix: element (i, j) is at j·rows + i.</summary>
    public static T[] Values<T>(Matrix<T> m) where T : struct, IEquatable<T>, IFormattable =>
        m.Storage is DenseColumnMajorMatrixStorage<T> dense
            ? dense.Data
            : throw new ArgumentException($"Nabla works on dense matrices; got a {m.GetType().Name} ({Shape.Of(m)}). Use Matrix<T>.Build.Dense or .ToDense().");

    /// <summary>A fresh rows × columns matrix of zeros (inside <c>Fit</c>, a recycled buffer, cleared).</summary>
    public static Matrix<T> Zeros<T>(int rows, int columns) where T : struct, IFloatingPointIeee754<T>
    {
        if (StepPool<T>.Current is not { } pool) return Matrix<T>.Build.Dense(rows, columns);
        var m = pool.Rent(rows, columns);
        Values(m).AsSpan(0, rows * columns).Clear();
        return m;
    }

    /// <summary>A fresh matrix of zeros of the same shape as <paramref name="m"/>.</summary>
    public static Matrix<T> ZerosLike<T>(Matrix<T> m) where T : struct, IFloatingPointIeee754<T> => Zeros<T>(m.RowCount, m.ColumnCount);

    /// <summary>A rows × columns matrix whose values are undefined (torch.empty): the caller must write every element.
    /// Inside <c>Fit</c>'s steps, Nabla's own code gets a recycled buffer (no allocation, no clearing); elsewhere, and in
    /// code defined outside Nabla (a script's layer), it is a new matrix, the caller's to keep.</summary>
    public static Matrix<T> Uninitialized<T>(int rows, int columns) where T : struct, IFloatingPointIeee754<T> =>
        StepPool<T>.Current?.Rent(rows, columns) ?? Matrix<T>.Build.Dense(rows, columns);

    /// <summary><see cref="Uninitialized{T}(int, int)"/> with the shape of <paramref name="m"/>.</summary>
    public static Matrix<T> UninitializedLike<T>(Matrix<T> m) where T : struct, IFloatingPointIeee754<T> => Uninitialized<T>(m.RowCount, m.ColumnCount);

    /// <summary>A fresh matrix from row-major values (the layout of JSON, CSV and PyTorch).</summary>
    public static Matrix<T> FromRowMajor<T>(int rows, int columns, ReadOnlySpan<double> values) where T : struct, IFloatingPointIeee754<T>
    {
        if (values.Length != rows * columns)
            throw new ShapeException($"FromRowMajor: {rows}×{columns} needs {rows * columns} values, got {values.Length}.");
        var m = Matrix<T>.Build.Dense(rows, columns);
        var data = Values(m);
        for (var i = 0; i < rows; i++)
            for (var j = 0; j < columns; j++)
                data[j * rows + i] = T.CreateChecked(values[i * columns + j]);
        return m;
    }

    /// <summary>y[i, j] += row[0, j] for every row i (bias add).</summary>
    public static void AddRowInPlace<T>(Matrix<T> y, Matrix<T> row) where T : struct, IFloatingPointIeee754<T>
    {
        var rows = y.RowCount;
        var data = Values(y);
        var bias = Values(row);
        for (var j = 0; j < y.ColumnCount; j++)
        {
            var column = data.AsSpan(j * rows, rows);
            Simd.Add<T>(column, bias[j], column);
        }
    }

    /// <summary>1 × columns matrix of column sums: Σ_i m[i, j].</summary>
    public static Matrix<T> ColumnSums<T>(Matrix<T> m) where T : struct, IFloatingPointIeee754<T>
    {
        var rows = m.RowCount;
        var data = Values(m);
        var sums = Uninitialized<T>(1, m.ColumnCount);
        var s = Values(sums);
        // Vectorized sum: its order depends on the length only, so it is as deterministic as a sequential one.
        for (var j = 0; j < m.ColumnCount; j++) s[j] = TensorPrimitives.Sum<T>(data.AsSpan(j * rows, rows));
        return sums;
    }

    /// <summary>The index of the largest entry of each row (first on ties).</summary>
    public static int[] ArgMaxRows<T>(Matrix<T> m) where T : struct, IFloatingPointIeee754<T>
    {
        var rows = m.RowCount;
        var data = Values(m);
        var best = new int[rows];
        var bestValue = new T[rows];
        for (var i = 0; i < rows; i++) bestValue[i] = data[i];
        for (var j = 1; j < m.ColumnCount; j++)
        {
            var column = data.AsSpan(j * rows, rows);
            for (var i = 0; i < rows; i++)
                if (column[i] > bestValue[i]) { bestValue[i] = column[i]; best[i] = j; }
        }
        return best;
    }

    /// <summary>Σ of all entries, accumulated in double so float sums over big batches keep their digits.</summary>
    public static double Sum<T>(Matrix<T> m) where T : struct, IFloatingPointIeee754<T>
    {
        var acc = 0.0;
        foreach (var v in Values(m)) acc += double.CreateChecked(v);
        return acc;
    }
}
