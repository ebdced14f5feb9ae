using MathNet.Numerics.LinearAlgebra;

namespace Nabla.Tensors;

/// <summary>The numerically stable activation functions that layers and losses share (the Softmax and Sigmoid layers,
/// and the fused cross-entropy losses that apply them to logits). x, y: batch × classes, row-wise.</summary>
public static class Activations
{
    /// <summary>Row-wise softmax of <paramref name="x"/> into a fresh matrix: y_ij = e^(x_ij − m_i) / Σ_k e^(x_ik − m_i),
    /// m_i = max_k x_ik (the shift changes nothing mathematically and keeps e^x from overflowing).</summary>
    public static Matrix<T> Softmax<T>(Matrix<T> x) where T : struct, IFloatingPointIeee754<T>
    {
        var (rows, columns) = (x.RowCount, x.ColumnCount);
        var y = Kernels.UninitializedLike(x);
        var xs = Kernels.Values(x);
        var ys = Kernels.Values(y);
        using var scratch = new Scratch<T>(2 * rows);
        var max = scratch.Span[..rows];
        var sum = scratch.Span[rows..];
        RowMax(xs, rows, columns, max);
        sum.Clear();
        // Column by column (storage is column-major), each a vector operation over all rows at once.
        for (var j = 0; j < columns; j++)
        {
            var column = ys.AsSpan(j * rows, rows);
            Simd.Subtract<T>(xs.AsSpan(j * rows, rows), max, column);
            Simd.Exp<T>(column, column);
            Simd.Add<T>(sum, column, sum);
        }
        for (var j = 0; j < columns; j++)
        {
            var column = ys.AsSpan(j * rows, rows);
            Simd.Divide<T>(column, sum, column);
        }
        return y;
    }

    /// <summary>Row-wise log-softmax of <paramref name="x"/> into a fresh matrix: y_ij = x_ij − m_i − log Σ_k e^(x_ik − m_i)
    /// (log-sum-exp with the max shift).</summary>
    public static Matrix<T> LogSoftmax<T>(Matrix<T> x) where T : struct, IFloatingPointIeee754<T>
    {
        var (rows, columns) = (x.RowCount, x.ColumnCount);
        var xs = Kernels.Values(x);
        using var scratch = new Scratch<T>(2 * rows);
        var max = scratch.Span[..rows];
        var sum = scratch.Span[rows..];
        RowMax(xs, rows, columns, max);
        sum.Clear();
        var y = Kernels.UninitializedLike(x);
        var ys = Kernels.Values(y);
        // Column by column (contiguous), vectorized over the rows; y's columns hold e^(x − m) until the last pass.
        for (var j = 0; j < columns; j++)
        {
            var column = ys.AsSpan(j * rows, rows);
            Simd.Subtract<T>(xs.AsSpan(j * rows, rows), max, column);
            Simd.Exp<T>(column, column);
            Simd.Add<T>(sum, column, sum);
        }
        Simd.Log<T>(sum, sum);
        for (var j = 0; j < columns; j++)
        {
            var column = ys.AsSpan(j * rows, rows);
            Simd.Subtract<T>(xs.AsSpan(j * rows, rows), max, column);
            Simd.Subtract<T>(column, sum, column);
        }
        return y;
    }

    /// <summary>Element-wise σ(x) = 1 / (1 + e^(−x)) of <paramref name="x"/> into a fresh matrix of the same shape.</summary>
    public static Matrix<T> Sigmoid<T>(Matrix<T> x) where T : struct, IFloatingPointIeee754<T>
    {
        var y = Kernels.UninitializedLike(x);
        var xs = Kernels.Values(x);
        var ys = Kernels.Values(y);
        for (var i = 0; i < xs.Length; i++) ys[i] = Sigmoid(xs[i]);
        return y;
    }

    /// <summary>σ(x) without overflow: e^(−x) is only taken for x ≥ 0, e^x for x &lt; 0.</summary>
    public static T Sigmoid<T>(T x) where T : struct, IFloatingPointIeee754<T>
    {
        if (x >= T.Zero) return T.One / (T.One + T.Exp(-x));
        var e = T.Exp(x);
        return e / (T.One + e);
    }

    static void RowMax<T>(T[] xs, int rows, int columns, Span<T> max) where T : struct, IFloatingPointIeee754<T>
    {
        max.Fill(T.NegativeInfinity);
        for (var j = 0; j < columns; j++) Simd.Max<T>(max, xs.AsSpan(j * rows, rows), max);
    }
}
