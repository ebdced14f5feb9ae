using System.Globalization;
using MathNet.Numerics.LinearAlgebra;

namespace Nabla.Data;

/// <summary>A numeric CSV file: an optional header line and Rows × Columns values (row-major).</summary>
public sealed record CsvTable(string Path, string[]? Header, float[] Values, int Rows, int Columns)
{
    /// <summary>The values as a Rows × Columns matrix.</summary>
    public Matrix<T> ToMatrix<T>() where T : struct, IFloatingPointIeee754<T> =>
        Kernels.FromRowMajor<T>(Rows, Columns, Values.Select(v => (double)v).ToArray());

    public override string ToString() => $"{Path}: {Rows} rows × {Columns} columns{(Header is null ? "" : " (with header)")}";
}

/// <summary>
/// Reads numeric CSV files: comma-separated (or another separator), a header line detected by its non-numeric
/// cells (or stated), blank lines ignored, quotes around cells allowed. Every defect raises a
/// <see cref="DataFormatException"/> naming the file, line:column, what was expected and what was found.
/// </summary>
public static class Csv
{
    /// <summary>Reads every line of <paramref name="path"/> as numbers. <paramref name="header"/>: null detects it.</summary>
    public static CsvTable Read(string path, bool? header = null, char separator = ',')
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such CSV file.", path);
        DataFiles.Report(path);
        string[]? names = null;
        var values = new List<float>();
        var columns = -1;
        var rows = 0;
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            var text = lineNumber == 1 ? line.TrimStart('\uFEFF') : line;   // a byte-order mark some tools write
            if (string.IsNullOrWhiteSpace(text)) continue;
            var cells = text.Split(separator);
            if (columns < 0)
            {
                columns = cells.Length;
                var looksLikeHeader = cells.Any(c => !TryParse(c, out _));
                if (header ?? looksLikeHeader)
                {
                    names = cells.Select(c => Unquote(c)).ToArray();
                    continue;
                }
            }
            if (cells.Length != columns)
                throw new DataFormatException(path, $"line {lineNumber}", $"{columns} columns (as on the first line)", $"{cells.Length}");
            for (var c = 0; c < cells.Length; c++)
            {
                if (!TryParse(cells[c], out var value))
                    throw new DataFormatException(path, $"line {lineNumber}:{Column(cells, c)}", $"a number in column {c + 1}", $"\"{cells[c].Trim()}\"");
                values.Add(value);
            }
            rows++;
        }
        if (columns < 0) throw new DataFormatException(path, "line 1", "a line of comma-separated numbers", "an empty file");
        return new CsvTable(path, names, values.ToArray(), rows, columns);
    }

    /// <summary>A classification dataset from a CSV whose first column is the label (the MNIST CSV layout).
    /// <paramref name="classes"/>: null infers max label + 1. <paramref name="scale"/> multiplies the features
    /// (1/255 for pixel bytes).</summary>
    public static Dataset LoadClassification(string path, int? classes = null, float scale = 1f, bool? header = null, char separator = ',')
    {
        var table = Read(path, header, separator);
        if (table.Columns < 2)
            throw new DataFormatException(path, "line 1", "a label column followed by at least one feature column", $"{table.Columns} column");
        var firstDataLine = DataLineNumbers(path, table.Header is not null);
        var labels = new int[table.Rows];
        for (var r = 0; r < table.Rows; r++)
        {
            var label = table.Values[r * table.Columns];
            if (label != MathF.Floor(label) || label < 0 || (classes is { } k && label >= k))
                throw new DataFormatException(path, $"line {firstDataLine[r]}:1",
                    classes is { } n ? $"a class label, a whole number in 0..{n - 1}" : "a class label, a whole number ≥ 0", $"{label.ToString(CultureInfo.InvariantCulture)}");
            labels[r] = (int)label;
        }
        var features = new float[table.Rows * (table.Columns - 1)];
        for (var r = 0; r < table.Rows; r++)
            for (var c = 1; c < table.Columns; c++)
                features[r * (table.Columns - 1) + c - 1] = table.Values[r * table.Columns + c] * scale;
        var classCount = classes ?? (labels.Length == 0 ? 0 : labels.Max() + 1);
        return Dataset.Classification(Path.GetFileName(path), features, table.Columns - 1, labels, classCount);
    }

    // The 1-based line number of each data row, for errors found after parsing (blank lines are skipped).
    static int[] DataLineNumbers(string path, bool hasHeader)
    {
        var numbers = new List<int>();
        var lineNumber = 0;
        var skippedHeader = !hasHeader;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            if (!skippedHeader) { skippedHeader = true; continue; }
            numbers.Add(lineNumber);
        }
        return numbers.ToArray();
    }

    static bool TryParse(string cell, out float value) =>
        float.TryParse(Unquote(cell), NumberStyles.Float, CultureInfo.InvariantCulture, out value) && float.IsFinite(value);

    static string Unquote(string cell)
    {
        var t = cell.Trim();
        return t.Length >= 2 && t[0] == '"' && t[^1] == '"' ? t[1..^1].Trim() : t;
    }

    // 1-based character column where cell c starts.
    static int Column(string[] cells, int c) => cells.Take(c).Sum(s => s.Length + 1) + 1;
}
