namespace Nabla.Tests.Data;

/// <summary>One malformed CSV case: its fault (the name), the text, how it is loaded, and a fragment the error must
/// contain to show it names the right place and fault.</summary>
public sealed record CsvCase(string Name, string Text, Action<string> Load, string Position)
{
    public override string ToString() => Name;
}

/// <summary>The CSV files the readers must refuse with a DataFormatException naming line and column: the MNIST CSV
/// layouts gone wrong, as issue 11 found them (Kaggle's unlabelled test.csv taken as labelled, pixels out of range
/// loaded silently, a trailing comma reported without naming the empty cell).</summary>
public static class CsvCorpus
{
    static void Labelled(string path) => Csv.LoadClassification(path);
    static void Digits(string path) => Csv.LoadClassification(path, classes: 10, features: 4, range: ValueRange.Bytes);

    /// <summary>Four pixel columns, labelled: a small MNIST train.csv.</summary>
    public const string Train = "label,pixel0,pixel1,pixel2,pixel3\n5,0,0,128,255\n0,12,0,0,3\n";

    public static IReadOnlyList<CsvCase> Cases { get; } =
    [
        new("an empty file", "", Labelled, "line 1"),
        new("only blank lines", "\n  \n\r\n", Labelled, "empty file"),
        new("Kaggle's test.csv (pixel0, … and no label column) loaded as labelled", "pixel0,pixel1,pixel2,pixel3\n0,0,128,255\n12,0,0,3\n", Labelled, "line 1:1"),
        new("a headerless file without its label column (4 columns where 4 features and a label are expected)", "0,0,128,255\n12,0,0,3\n", Digits, "no label column"),
        new("6 columns where a label and 4 features are expected", "1,0,0,128,255,7\n2,12,0,0,3,7\n", Digits, "found 6"),
        new("a pixel of 256", "label,p0,p1,p2,p3\n5,0,0,256,255\n", Digits, "line 2:7"),
        new("a negative pixel", "label,p0,p1,p2,p3\n5,0,-1,0,255\n", Digits, "line 2:5"),
        new("a fractional pixel", "label,p0,p1,p2,p3\n5,0,12.5,0,255\n", Digits, "found 12.5"),
        new("a separator at the end of a line (an empty last cell)", "label,p0,p1,p2,p3\n5,0,0,128,255,\n", Digits, "the last cell is empty"),
        new("a line with a cell missing", Train + "3,1,2,3\n", Labelled, "line 4:8"),
        new("an empty cell in the middle", "label,a,b\n1,,3\n", Labelled, "an empty cell"),
        new("a cell that is text", "label,a,b\n1,2,3\n4,x5,6\n", Labelled, "line 3:3"),
        new("a NaN cell", "label,a\n1,NaN\n0,1\n", Labelled, "line 2:3"),
        new("an Infinity cell", "label,a\n1,Infinity\n0,1\n", Labelled, "line 2:3"),
        new("a number too large for a float (1e39)", "label,a\n1,1e39\n0,1\n", Labelled, "line 2:3"),
        new("a fractional label", "label,a\n1.5,0\n0,1\n", Labelled, "line 2:1"),
        new("a negative label", "label,a\n-1,0\n0,1\n", Labelled, "found -1"),
        new("a label of 10 with 10 classes", "label,p0,p1,p2,p3\n10,0,0,0,0\n", Digits, "0..9"),
        new("a first column that is all 0 (one class: not a label)", "0,1,2\n0,3,4\n0,5,6\n", Labelled, "at least 2 classes"),
        new("a header and no data", "label,a,b\n", Labelled, "line 2"),
        new("a label column and no features", "label\n1\n0\n", Labelled, "at least one feature column"),
        new("a labelled file loaded as features to predict on", Train, p => Csv.LoadFeatures(p, features: 4), "a label column?"),
        new("a pixel of 300 in a file to predict on", "pixel0,pixel1\n0,300\n", p => Csv.LoadFeatures(p, range: ValueRange.Bytes), "line 2:3"),
        new("an unclosed quote", "label,a\n\"1,2\n", Labelled, "line 2:1"),
        new("a semicolon-separated file read as comma-separated", "label;a;b\n1;2;3\n", Labelled, "is the separator ';'?"),
    ];
}
