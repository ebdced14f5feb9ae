using MathNet.Numerics.LinearAlgebra;

namespace Nabla.Tensors;

/// <summary>Shape checks that name who complained and both shapes, so a mistake is found in one read.</summary>
public static class Shape
{
    /// <summary>"64×784": rows × columns.</summary>
    public static string Of<T>(Matrix<T> m) where T : struct, IEquatable<T>, IFormattable => $"{m.RowCount}×{m.ColumnCount}";

    /// <summary>Throws unless <paramref name="x"/> has <paramref name="columns"/> columns.</summary>
    public static void RequireColumns<T>(object who, Matrix<T> x, int columns) where T : struct, IEquatable<T>, IFormattable
    {
        if (x.ColumnCount != columns)
            throw new ShapeException(
                $"{who} expects input with {columns} columns (batch × {columns}), got {Of(x)}. " +
                "Check the previous layer's output size, or the dataset's feature count.");
    }

    /// <summary>Throws unless <paramref name="x"/> has one column per value of a sample of shape <paramref name="input"/>.</summary>
    public static void Require<T>(object who, Matrix<T> x, SampleShape input) where T : struct, IEquatable<T>, IFormattable
    {
        if (x.ColumnCount != input.Size)
            throw new ShapeException(
                $"{who}: the input is {Of(x)} but its samples are said to be {input}, {input.Size} values each (batch × {input.Size}).");
    }

    /// <summary>Throws unless <paramref name="a"/> and <paramref name="b"/> have the same shape.</summary>
    public static void RequireSame<T>(object who, string aName, Matrix<T> a, string bName, Matrix<T> b) where T : struct, IEquatable<T>, IFormattable
    {
        if (a.RowCount != b.RowCount || a.ColumnCount != b.ColumnCount)
            throw new ShapeException($"{who}: {aName} is {Of(a)} but {bName} is {Of(b)}; they must have the same shape.");
    }
}
