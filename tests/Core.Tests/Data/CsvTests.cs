namespace Nabla.Tests.Data;

/// <summary>CSV reading in the MNIST layouts (label first, with or without a header) and its errors.</summary>
public sealed class CsvTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("nabla-csv-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    string Write(string text)
    {
        var path = Path.Combine(_dir, $"f{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, text);
        return path;
    }

    public static TheoryData<string> CaseNames => new(CsvCorpus.Cases.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void A_malformed_file_is_refused_naming_the_file_line_and_column(string name)
    {
        var file = CsvCorpus.Cases.Single(c => c.Name == name);
        var path = Write(file.Text);
        var e = Assert.Throws<DataFormatException>(() => file.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains(file.Position, e.Message);
        Assert.Matches(@"^line \d+(:\d+)?$", e.Position);
    }

    [Fact]
    public void The_corpus_has_at_least_15_cases() => Assert.True(CsvCorpus.Cases.Count >= 15);

    [Fact]
    public void Kaggles_test_csv_loads_as_features_to_predict_on()
    {
        var data = Csv.LoadFeatures(Write("pixel0,pixel1,pixel2,pixel3\n0,0,128,255\n12,0,0,3\n"), scale: 1 / 255f, features: 4, range: ValueRange.Bytes);
        Assert.Equal(2, data.Count);
        Assert.Equal(4, data.FeatureCount);
        Assert.Null(data.Labels);
        Assert.Equal(0, data.TargetCount);
        Assert.Equal(1f, data.Features[3]);
        var model = Sequential.Of(Layer.Dense(4, 3, new Rng(1)));
        Assert.Equal(2, model.PredictClasses(data, Loss.SoftmaxCrossEntropy).Length);   // batches of an unlabelled set work
    }

    [Fact]
    public void An_mnist_train_csv_loads_with_the_checks_on()
    {
        var data = Csv.LoadClassification(Write(CsvCorpus.Train), classes: 10, scale: 1 / 255f, features: 4, range: ValueRange.Bytes);
        Assert.Equal([5, 0], data.Labels!);
        Assert.Equal(10, data.Classes);
        var headerless = Csv.LoadClassification(Write("5,0,0,128,255\n0,12,0,0,3\n"), classes: 10, features: 4, range: ValueRange.Bytes);
        Assert.Equal(data.Labels!, headerless.Labels!);
    }

    [Fact]
    public void Header_line_is_detected_and_labels_come_first()
    {
        var data = Csv.LoadClassification(Write("label,p1,p2\n3,0,255\n1,51,102\n"), classes: 10, scale: 1 / 255f);
        Assert.Equal(2, data.Count);
        Assert.Equal(2, data.FeatureCount);
        Assert.Equal([3, 1], data.Labels!);
        Assert.Equal(1f, data.Features[1]);
        Assert.Equal(0.2f, data.Features[2], 6);
    }

    [Fact]
    public void Without_header_windows_line_ends_blank_lines_and_quotes_all_read()
    {
        var data = Csv.LoadClassification(Write("\uFEFF1,0.5,\"2\"\r\n\r\n0,1e-1,3\r\n"));
        Assert.Equal(2, data.Count);
        Assert.Equal(2, data.Classes);   // inferred: max label + 1
        Assert.Equal([0.5f, 2f, 0.1f, 3f], data.Features);
    }

    [Fact]
    public void Non_numeric_cell_gives_line_and_column()
    {
        var path = Write("label,a,b\n1,2,3\n4,x5,6\n");
        var e = Assert.Throws<DataFormatException>(() => Csv.LoadClassification(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("line 3:3", e.Message);
        Assert.Contains("\"x5\"", e.Message);
    }

    [Fact]
    public void Wrong_column_count_gives_the_line()
    {
        var e = Assert.Throws<DataFormatException>(() => Csv.LoadClassification(Write("1,2,3\n4,5\n")));
        Assert.Contains("line 2", e.Message);
        Assert.Contains("expected 3 columns", e.Message);
        Assert.Contains("found 2", e.Message);
    }

    [Fact]
    public void Label_out_of_range_gives_line_and_range()
    {
        var e = Assert.Throws<DataFormatException>(() => Csv.LoadClassification(Write("a,b\n1,0\n\n10,0\n"), classes: 10));
        Assert.Contains("line 4:1", e.Message);
        Assert.Contains("0..9", e.Message);
        Assert.Contains("found 10", e.Message);
    }

    [Fact]
    public void Fractional_or_negative_label_is_refused()
    {
        Assert.Contains("found 1.5", Assert.Throws<DataFormatException>(() => Csv.LoadClassification(Write("1.5,0\n"))).Message);
        Assert.Contains("found -1", Assert.Throws<DataFormatException>(() => Csv.LoadClassification(Write("-1,0\n"))).Message);
    }

    [Fact]
    public void NaN_cell_is_an_error_not_a_silent_value()
    {
        var e = Assert.Throws<DataFormatException>(() => Csv.Read(Write("1,NaN\n"), header: false));
        Assert.Contains("line 1:3", e.Message);
    }

    [Fact]
    public void Unlabelled_file_reads_as_a_table()
    {
        var table = Csv.Read(Write("pixel0,pixel1\n0,255\n7,8\n"));
        Assert.Equal(["pixel0", "pixel1"], table.Header!);
        Assert.Equal(7.0, table.ToMatrix<double>()[1, 0]);
    }

    [Fact]
    public void Empty_file_is_named()
    {
        var e = Assert.Throws<DataFormatException>(() => Csv.Read(Write("")));
        Assert.Contains("empty file", e.Message);
    }

    [Fact]
    public void One_non_numeric_cell_makes_the_first_line_a_header()
    {
        // Headers such as "label,0,1,2" (numbered pixel columns) are headers too: one name is enough.
        var table = Csv.Read(Write("label,0,1\n3,4,5\n"));
        Assert.Equal(["label", "0", "1"], table.Header!);
        Assert.Equal((1, 3), (table.Rows, table.Columns));
        Assert.Equal([3f, 4f, 5f], table.Values);
        var numeric = Csv.Read(Write("1,2\n3,4\n"));
        Assert.Null(numeric.Header);
        Assert.Equal(2, numeric.Rows);
    }
}
