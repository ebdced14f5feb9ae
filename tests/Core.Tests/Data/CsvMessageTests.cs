namespace Nabla.Tests.Data;

/// <summary>Each refusal of a malformed CSV, word for word: the file, line:column, what was expected (the column count,
/// the range, the cell's column) and what was found (the cell, the separator it guessed, a clipped long cell), with the
/// positions and counts at their boundaries. Read from text named "f.csv"; CsvFileTests reads real files.</summary>
public class CsvMessageTests
{
    static void Load(string how, string text)
    {
        var reader = new StringReader(text);
        _ = how switch
        {
            "read" => (object)Csv.Read(reader, "f.csv"),
            "read;" => Csv.Read(reader, "f.csv", separator: ';'),
            "labelled" => Csv.LoadClassification(reader, "f.csv"),
            "ranged" => Csv.LoadClassification(reader, "f.csv", range: new ValueRange(0, 1)),
            "digits" => Csv.LoadClassification(reader, "f.csv", classes: 10, features: 4, range: ValueRange.Bytes),
            "features" => Csv.LoadFeatures(reader, "f.csv", features: 4),
            "pixels" => Csv.LoadFeatures(reader, "f.csv", range: ValueRange.Bytes),
            _ => throw new ArgumentException(how),
        };
    }

    [Theory]
    // labels and feature ranges
    [InlineData("labelled", "label,a\n-1,0\n", "line 2:1: expected a class label, a whole number ≥ 0, found -1.")]
    [InlineData("digits", "label,p0,p1,p2,p3\n10,0,0,0,0\n", "line 2:1: expected a class label, a whole number in 0..9, found 10.")]
    [InlineData("digits", "label,p0,p1,p2,p3\n5,0,0,256,255\n", "line 2:7: expected a whole number in 0..255 in column 4 (a feature), found 256.")]
    [InlineData("ranged", "1,0.5,2\n0,0,0\n", "line 1:7: expected a number in [0, 1] in column 3 (a feature), found 2.")]
    [InlineData("pixels", "pixel0,pixel1\n0,300\n", "line 2:3: expected a whole number in 0..255 in column 2, found 300.")]
    // the column count a loader expects
    [InlineData("digits", "1,0,0,128,255,7\n", "line 1: expected 5 columns (a label and 4 features), found 6.")]
    [InlineData("digits", "\n0,0,128,255\n", "line 2: expected 5 columns (a label and 4 features), found 4: no label column (a file to predict on? load it with Csv.LoadFeatures).")]
    [InlineData("features", "label,p0,p1,p2,p3\n", "line 1: expected 4 feature columns, found 5: one more, a label column? (load it with Csv.LoadClassification).")]
    [InlineData("features", "1,2,3,4,5,6,7\n", "line 1: expected 4 feature columns, found 7.")]
    // a file with no labels, no features or no data
    [InlineData("labelled", "pixel0,pixel1,pixel2\n0,0,1\n1,1,0\n",
        "line 1:1: expected a label column first (as in MNIST's train.csv: label,pixel0,…), found \"pixel0\", a feature named like the 2 after it: this file has no labels (as Kaggle's test.csv). Load it with Csv.LoadFeatures to predict on it.")]
    [InlineData("labelled", "\npixel0,pixel1\n0,0\n1,1\n",
        "line 2:1: expected a label column first (as in MNIST's train.csv: label,pixel0,…), found \"pixel0\", a feature named like the 1 after it: this file has no labels (as Kaggle's test.csv). Load it with Csv.LoadFeatures to predict on it.")]
    [InlineData("labelled", "label\n1\n0\n", "line 2: expected a label column followed by at least one feature column, found 1 column.")]
    [InlineData("labelled", "label,a,b\n\n", "line 3: expected a line of data after the header, found the end of the file.")]
    [InlineData("labelled", "0,1,2\n0,3,4\n", "line 1:1: expected labels of at least 2 classes in the first column, found only 0: is the first column a label? (pass classes: to say how many there are).")]
    [InlineData("read", "", "line 1: expected a line of comma-separated numbers, found an empty file.")]
    // a line whose column count differs from the first line's: where it goes wrong, and the first line named
    [InlineData("read", "a,b,c\n1,2,3\n4,5\n", "line 3:4: expected 3 columns (as on line 1), found 2.")]
    [InlineData("read", "\n1,2,3\n4,5\n", "line 3:4: expected 3 columns (as on line 2), found 2.")]
    [InlineData("read", "a,b,c\n1,\n", "line 2:3: expected 3 columns (as on line 1), found 2.")]
    [InlineData("read", "a,b\n10,200,3000\n", "line 2:8: expected 2 columns (as on line 1), found 3.")]
    [InlineData("read", "a,b\n1,22,\n", "line 2:6: expected 2 columns (as on line 1), found 3: the last cell is empty (a separator at the end of the line?).")]
    [InlineData("read", "a,b\n1,2,3\n", "line 2:5: expected 2 columns (as on line 1), found 3.")]
    // a cell that is not a number
    [InlineData("read", "a,b\n1,x\n", "line 2:3: expected a number in column 2, found \"x\".")]
    [InlineData("read", "a,b,c\n1,\"\",3\n", "line 2:3: expected a number in column 2, found an empty cell.")]
    [InlineData("read", "1,2,\n3,4,\n", "line 1:5: expected a number in column 3, found an empty cell.")]   // a trailing empty cell is no header
    [InlineData("read", "a\nabc\n", "line 2:1: expected a number in column 1, found \"abc\".")]
    [InlineData("read", "a\n1;2;3\n", "line 2:1: expected a number in column 1, found \"1;2;3\" (is the separator ';'? pass separator: ';').")]
    [InlineData("read", "a\n1|2|3\n", "line 2:1: expected a number in column 1, found \"1|2|3\" (is the separator '|'? pass separator: '|').")]
    [InlineData("read", "a\n1\t2\n", "line 2:1: expected a number in column 1, found \"1\t2\" (is the separator '\\t'? pass separator: '\\t').")]
    [InlineData("read;", "a\n1|2\n", "line 2:1: expected a number in column 1, found \"1|2\" (is the separator '|'? pass separator: '|').")]
    [InlineData("read", "1,2\n\uFEFF3,4\n", "line 2:1: expected a number in column 1, found \"\uFEFF3\".")]   // a byte-order mark only opens a file
    public void A_malformed_file_is_refused_word_for_word(string how, string text, string message)
    {
        var e = Assert.Throws<DataFormatException>(() => Load(how, text));
        Assert.Equal($"f.csv: {message}", e.Message);
    }

    [Theory]   // a cell is shown whole up to 40 characters, then cut to 37 and …
    [InlineData(40, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")]
    [InlineData(41, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…")]
    public void A_long_cell_is_clipped_past_40_characters(int length, string shown)
    {
        var e = Assert.Throws<DataFormatException>(() => Load("read", $"a\n{new string('x', length)}\n"));
        Assert.Equal($"f.csv: line 2:1: expected a number in column 1, found \"{shown}\".", e.Message);
    }

    [Fact]
    public void A_byte_order_mark_opening_the_text_is_dropped()
    {
        var table = Csv.Read(new StringReader("\uFEFFlabel,a\n1,2\n"), "f.csv");
        Assert.Equal(["label", "a"], table.Header!);
        Assert.Equal([1f, 2f], Csv.Read(new StringReader("\uFEFF1,2\n"), "f.csv").Values);
    }

    [Fact]
    public void Two_columns_a_label_and_one_feature_load()
    {
        var data = Csv.LoadClassification(new StringReader("label,a\n1,0.5\n0,2\n"), "f.csv");
        Assert.Equal([1, 0], data.Labels!);
        Assert.Equal([0.5f, 2f], data.Features);
    }

    [Fact]
    public void Stated_classes_accept_a_file_of_one_label()
    {
        var data = Csv.LoadClassification(new StringReader("0,1,2\n0,3,4\n"), "f.csv", classes: 1);
        Assert.Equal([0, 0], data.Labels!);
        Assert.Equal([1f, 1f], data.Targets);   // one-hot over 1 class
    }

    [Fact]
    public void A_first_name_without_a_number_is_a_label_even_when_the_next_share_its_stem()
    {
        var data = Csv.LoadClassification(new StringReader("x,x1,x2\n1,0,0\n0,1,1\n"), "f.csv");
        Assert.Equal([1, 0], data.Labels!);
        Assert.Equal(2, data.FeatureCount);
    }

    [Fact]
    public void A_table_prints_its_path_size_and_header()
    {
        Assert.Equal("f.csv: 2 rows × 3 columns (with header)", Csv.Read(new StringReader("a,b,c\n1,2,3\n4,5,6\n"), "f.csv").ToString());
        Assert.Equal("f.csv: 1 rows × 2 columns", Csv.Read(new StringReader("1,2\n"), "f.csv").ToString());
    }

    [Fact]
    public void A_value_range_says_itself_as_an_error_needs_it()
    {
        Assert.Equal("a whole number in 0..255", ValueRange.Bytes.ToString());
        Assert.Equal("a number in [-1, 0.5]", new ValueRange(-1, 0.5).ToString());
    }
}
