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

    /// <summary>A fresh rows × columns matrix of zeros.</summary>
    public static Matrix<T> Zeros<T>(int rows, int columns) where T : struct, IFloatingPointIeee754<T> =>
        Matrix<T>.Build.Dense(rows, columns);

    /// <summary>A fresh matrix of the same shape as <paramref name="m"/>.</summary>
    public static Matrix<T> ZerosLike<T>(Matrix<T> m) where T : struct, IFloatingPointIeee754<T> =>
        Matrix<T>.Build.Dense(m.RowCount, m.ColumnCount);

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
            var b = bias[j];
            var column = data.AsSpan(j * rows, rows);
            for (var i = 0; i < column.Length; i++) column[i] += b;
        }
    }

    /// <summary>1 × columns matrix of column sums: Σ_i m[i, j].</summary>
    public static Matrix<T> ColumnSums<T>(Matrix<T> m) where T : struct, IFloatingPointIeee754<T>
    {
        var rows = m.RowCount;
        var data = Values(m);
        var sums = Matrix<T>.Build.Dense(1, m.ColumnCount);
        var s = Values(sums);
        for (var j = 0; j < m.ColumnCount; j++)
        {
            var acc = T.Zero;
            foreach (var v in data.AsSpan(j * rows, rows)) acc += v;
            s[j] = acc;
        }
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

    /// <summary>True when every entry is finite (no NaN, no ±∞).</summary>
    public static bool AllFinite<T>(Matrix<T> m) where T : struct, IFloatingPointIeee754<T>
    {
        foreach (var v in Values(m))
            if (!T.IsFinite(v)) return false;
        return true;
    }
}
