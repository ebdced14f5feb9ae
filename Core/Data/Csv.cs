using System.Globalization;
using MathNet.Numerics.LinearAlgebra;

namespace Nabla.Data;

/// <summary>A numeric CSV file: an optional header line and Rows × Columns values (row-major).</summary>
public sealed record CsvTable(string Path, string[]? Header, float[] Values, int Rows, int Columns)
{
    /// <summary>The values as a Rows × Columns matrix.</summary>
    public Matrix<T> ToMatrix<T>() where T : struct, IFloatingPointIeee754<T> =>
        Kernels.FromRowMajor<T>(Rows, Columns, Values.Select(v => (double)v).ToArray());

    /// <summary>Prints the path and size: "iris.csv: 150 rows × 5 columns (with header)".</summary>
    public override string ToString() => $"{Path}: {Rows} rows × {Columns} columns{(Header is null ? "" : " (with header)")}";
}

/// <summary>The values a CSV's feature cells may hold, Min ≤ v ≤ Max (whole numbers only when <see cref="Whole"/>);
/// a cell outside is refused with its line and column. <see cref="Bytes"/>: pixel bytes, whole numbers 0..255.</summary>
public sealed record ValueRange(double Min, double Max, bool Whole = false)
{
    /// <summary>Whole numbers 0..255 (pixel bytes, as in the MNIST CSV files).</summary>
    public static ValueRange Bytes { get; } = new(0, 255, Whole: true);

    /// <summary>Whether <paramref name="value"/> is in the range.</summary>
    public bool Contains(double value) => value >= Min && value <= Max && (!Whole || value == Math.Floor(value));

    /// <summary>Says the range as an error message needs it: "a whole number in 0..255" or "a number in [0, 1]".</summary>
    public override string ToString() => Whole ? $"a whole number in {Min}..{Max}" : $"a number in [{Min}, {Max}]";
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
        using var reader = Open(path);
        return Read(reader, path, header, separator);
    }

    /// <summary><see cref="Read(string, bool?, char)"/> from text; <paramref name="path"/> names the source in errors.</summary>
    public static CsvTable Read(TextReader text, string path, bool? header = null, char separator = ',')
    {
        var table = Parse(text, path, header, separator, null);
        return new CsvTable(path, table.Header, table.Values, table.Rows, table.Columns);
    }

    /// <summary>A classification dataset from a CSV whose first column is the label (the MNIST CSV layout).
    /// <paramref name="classes"/>: null infers max label + 1. <paramref name="scale"/> multiplies the features
    /// (1/255 for pixel bytes). <paramref name="features"/>: the number of feature columns expected, so a file without
    /// its label column is refused by its column count too. <paramref name="range"/>: the values a feature cell may
    /// hold before scaling (<see cref="ValueRange.Bytes"/> for pixels); null accepts any finite number. A file whose
    /// header shows it has no label column (pixel0, pixel1, …) is refused, never mislabelled.</summary>
    public static Dataset LoadClassification(string path, int? classes = null, float scale = 1f, bool? header = null, char separator = ',',
        int? features = null, ValueRange? range = null)
    {
        using var reader = Open(path);
        return LoadClassification(reader, path, classes, scale, header, separator, features, range);
    }

    /// <summary><see cref="LoadClassification(string, int?, float, bool?, char, int?, ValueRange?)"/> from text.</summary>
    public static Dataset LoadClassification(TextReader text, string path, int? classes = null, float scale = 1f, bool? header = null,
        char separator = ',', int? features = null, ValueRange? range = null)
    {
        var labelRule = classes is { } k ? $"a class label, a whole number in 0..{k - 1}" : "a class label, a whole number ≥ 0";
        var table = Parse(text, path, header, separator, (column, value) =>
            column == 0
                ? value != MathF.Floor(value) || value < 0 || (classes is { } n && value >= n) ? (labelRule, Show(value)) : null
                : range is not null && !range.Contains(value) ? ($"{range} in column {column + 1} (a feature)", Show(value)) : null,
            columns => features is { } f && columns != f + 1
                ? ($"{f + 1} columns (a label and {f} features)",
                    columns == f ? $"{f}: no label column (a file to predict on? load it with Csv.LoadFeatures)" : $"{columns}")
                : null);
        if (table.Header is { } names && Numbered(names))
            throw new DataFormatException(path, $"line {table.HeaderLine}:1", "a label column first (as in MNIST's train.csv: label,pixel0,…)",
                $"\"{Clip(names[0])}\", a feature named like the {names.Length - 1} after it: this file has no labels (as Kaggle's test.csv). " +
                "Load it with Csv.LoadFeatures to predict on it");
        if (table.Columns < 2)
            throw new DataFormatException(path, $"line {table.FirstLine}", "a label column followed by at least one feature column", $"{table.Columns} column");
        if (table.Rows == 0)
            throw new DataFormatException(path, $"line {table.FirstLine}", "a line of data after the header", "the end of the file");
        var labels = new int[table.Rows];
        for (var r = 0; r < table.Rows; r++) labels[r] = (int)table.Values[r * table.Columns];
        var classCount = classes ?? labels.Max() + 1;   // Rows > 0 here
        if (classes is null && classCount < 2)
            throw new DataFormatException(path, $"line {table.FirstLine}:1", "labels of at least 2 classes in the first column",
                $"only {labels[0]}: is the first column a label? (pass classes: to say how many there are)");
        var width = table.Columns - 1;
        var x = LargeArrays.Uninitialized<float>(table.Rows * width);
        for (var r = 0; r < table.Rows; r++)
            for (var c = 1; c < table.Columns; c++)
                x[r * width + c - 1] = table.Values[r * table.Columns + c] * scale;
        return Dataset.Classification(Path.GetFileName(path), x, width, labels, classCount);
    }

    /// <summary>Features without labels (a file to predict on, as Kaggle's test.csv: pixel0,…,pixel783), each
    /// multiplied by <paramref name="scale"/>; <paramref name="features"/> and <paramref name="range"/> as in
    /// <see cref="LoadClassification(string, int?, float, bool?, char, int?, ValueRange?)"/>.</summary>
    public static Dataset LoadFeatures(string path, float scale = 1f, bool? header = null, char separator = ',', int? features = null, ValueRange? range = null)
    {
        using var reader = Open(path);
        return LoadFeatures(reader, path, scale, header, separator, features, range);
    }

    /// <summary><see cref="LoadFeatures(string, float, bool?, char, int?, ValueRange?)"/> from text.</summary>
    public static Dataset LoadFeatures(TextReader text, string path, float scale = 1f, bool? header = null, char separator = ',', int? features = null,
        ValueRange? range = null)
    {
        var table = Parse(text, path, header, separator, (column, value) =>
            range is not null && !range.Contains(value) ? ($"{range} in column {column + 1}", Show(value)) : null,
            columns => features is { } f && columns != f
                ? ($"{f} feature columns", columns == f + 1 ? $"{columns}: one more, a label column? (load it with Csv.LoadClassification)" : $"{columns}")
                : null);
        return Dataset.Unlabeled(Path.GetFileName(path), table.Values.Select(v => v * scale).ToArray(), table.Columns);
    }

    static StreamReader Open(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such CSV file.", path);
        DataFiles.Report(path);
        return new StreamReader(path, detectEncodingFromByteOrderMarks: true);
    }

    /// <summary>The parsed values, with the line numbers of the header (0 if none) and of the first data line.</summary>
    sealed record Table(string[]? Header, float[] Values, int Rows, int Columns, int HeaderLine, int FirstLine);

    // One pass over the lines. check(column, value) returns what was expected and found when a value is refused (the
    // "line L:C" position is built only then); width(columns) does the same for the first line's column count.
    static Table Parse(TextReader text, string path, bool? header, char separator, Func<int, float, (string Expected, string Found)?>? check,
        Func<int, (string Expected, string Found)?>? width = null)
    {
        string[]? names = null;
        var values = new List<float>();
        int columns = 0, rows = 0, lineNumber = 0, headerLine = 0, firstLine = 0;   // columns 0: no line yet (a line has ≥ 1 cell)
        while (text.ReadLine() is { } read)
        {
            lineNumber++;
            var line = lineNumber == 1 ? read.TrimStart('\uFEFF') : read;   // a byte-order mark some tools write
            if (string.IsNullOrWhiteSpace(line)) continue;
            var cells = line.Split(separator);
            if (columns == 0)
            {
                columns = cells.Length;
                if (width?.Invoke(columns) is { } wrong)
                    throw new DataFormatException(path, $"line {lineNumber}", wrong.Expected, wrong.Found);
                // A header has a cell of text; an empty cell (a separator at the end of the line) does not make one.
                var looksLikeHeader = cells.Any(c => Unquote(c).Length > 0 && !TryParse(c, out _));
                if (header ?? looksLikeHeader)
                {
                    names = cells.Select(c => Unquote(c)).ToArray();
                    headerLine = lineNumber;
                    continue;
                }
            }
            if (firstLine == 0) firstLine = lineNumber;
            if (cells.Length != columns)
            {
                // Stryker disable once Equality : equivalent; cells.Length ≠ columns here, so > and ≥ agree
                var extra = cells.Length > columns;
                var trailing = cells.Length == columns + 1 && Unquote(cells[^1]).Length == 0;
                throw new DataFormatException(path, $"line {lineNumber}:{(extra ? Column(cells, columns) : line.Length + 1)}",
                    $"{columns} columns (as on line {(headerLine > 0 ? headerLine : firstLine)})",
                    $"{cells.Length}{(trailing ? ": the last cell is empty (a separator at the end of the line?)" : "")}");
            }
            var start = 1;   // the 1-based character column of cell c
            for (var c = 0; c < cells.Length; start += cells[c].Length + 1, c++)
            {
                if (!TryParse(cells[c], out var value))
                    throw new DataFormatException(path, $"line {lineNumber}:{start}", $"a number in column {c + 1}",
                        Unquote(cells[c]).Length == 0 ? "an empty cell" : $"\"{Clip(cells[c].Trim())}\"{SeparatorHint(cells, separator)}");
                if (check?.Invoke(c, value) is { } refused)
                    throw new DataFormatException(path, $"line {lineNumber}:{start}", refused.Expected, refused.Found);
                values.Add(value);
            }
            rows++;
        }
        if (columns == 0) throw new DataFormatException(path, "line 1", "a line of comma-separated numbers", "an empty file");
        return new Table(names, values.ToArray(), rows, columns, headerLine, firstLine == 0 ? lineNumber + 1 : firstLine);
    }

    // One cell holding a whole line of numbers with another separator between them.
    static string SeparatorHint(string[] cells, char separator) =>
        cells.Length == 1 && ";\t|".FirstOrDefault(c => c != separator && cells[0].Contains(c)) is var other and not '\0'
            ? $" (is the separator '{(other == '\t' ? "\\t" : other)}'? pass separator: '{(other == '\t' ? "\\t" : other)}')"
            : "";

    static string Show(float value) => value.ToString(CultureInfo.InvariantCulture);

    static string Clip(string text) => text.Length <= 40 ? text : text[..37] + "…";

    // "pixel0, pixel1, …": the first name and the next are one numbered series, so the first column is a feature.
    static bool Numbered(string[] names) => names.Length >= 2 && Stem(names[0]) is { } stem && stem == Stem(names[1]);

    static string? Stem(string name)
    {
        var stem = name.TrimEnd("0123456789".ToCharArray());
        return stem.Length < name.Length ? stem : null;
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
