using System.Text.Json;
using Nabla.Reporting;

namespace Nabla.Tests.Reporting;

/// <summary>A run folder read back: which files must exist, metrics.jsonl line by line (Keras's History names), and the
/// manifest's fields, title, label and the epochs numbered across Fits.</summary>
public sealed class RunRecordTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("nabla-record-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    string Folder(string name, string? manifest = null, string? metrics = null)
    {
        var folder = Path.Combine(_root, "runs", name);
        Directory.CreateDirectory(folder);
        if (manifest is not null) File.WriteAllText(Path.Combine(folder, "run.json"), manifest);
        if (metrics is not null) File.WriteAllText(Path.Combine(folder, "metrics.jsonl"), metrics);
        return folder;
    }

    static RunRecord Manifest(string json, string folder = "/runs/mnist/20261130-101500") =>
        new(folder, JsonDocument.Parse(json).RootElement.Clone(), [], [], null);

    [Fact]
    public void A_missing_folder_or_one_without_run_json_and_metrics_jsonl_is_named_in_the_error()
    {
        var missing = Path.Combine(_root, "nowhere");
        Assert.Equal($"{missing}: no such run folder.", Assert.Throws<DirectoryNotFoundException>(() => RunRecord.Read(missing)).Message);
        var empty = Folder("empty");
        Assert.Equal($"{empty}: not a run folder (it has neither run.json nor metrics.jsonl).", Assert.Throws<FileNotFoundException>(() => RunRecord.Read(empty)).Message);
    }

    [Fact]
    public void Either_file_alone_makes_a_run_folder()
    {
        var metricsOnly = RunRecord.Read(Folder("metrics-only", metrics: "{\"epoch\":1,\"loss\":0.5}\n"));
        Assert.Equal(JsonValueKind.Undefined, metricsOnly.Manifest.ValueKind);
        Assert.Equal(("", "", "metrics-only"), (metricsOnly.Text("seed"), metricsOnly.Status, metricsOnly.Title));
        Assert.Empty(metricsOnly.Fields("arguments"));
        Assert.Empty(metricsOnly.Fits);
        Assert.Single(metricsOnly.Epochs);
        Assert.Empty(metricsOnly.Evaluations);
        Assert.Null(metricsOnly.OutputLog);

        var manifestOnly = Folder("manifest-only", manifest: "{\"seed\": 3}");
        File.WriteAllText(Path.Combine(manifestOnly, "output.log"), "hello\n");
        var read = RunRecord.Read(manifestOnly);
        Assert.Equal("3", read.Text("seed"));
        Assert.Empty(read.Epochs);
        Assert.Equal("hello\n", read.OutputLog);
        Assert.Equal($"RunRecord({manifestOnly}, 0 epochs, 0 evaluations)", read.ToString());
    }

    [Fact]
    public void A_malformed_manifest_is_an_error_naming_run_json_and_its_line()
    {
        var folder = Folder("bad-manifest", manifest: "{\"seed\": 3,\n \"script\": }");
        var e = Assert.Throws<DataFormatException>(() => RunRecord.Read(folder));
        Assert.StartsWith($"{Path.Combine(folder, "run.json")}: line 2: expected a JSON object (the run manifest), found ", e.Message);
    }

    [Fact]
    public void Metrics_lines_carry_keras_names_and_lines_without_an_optional_figure_leave_it_empty()
    {
        var folder = Folder("metrics", metrics:
            "{\"epoch\":1,\"loss\":0.75,\"accuracy\":0.5,\"val_loss\":0.8,\"val_accuracy\":0.25,\"seconds\":1.5,\"learning_rate\":0.01}\n" +
            "\n  \n" +   // blank lines are skipped
            "{\"fit\":2,\"epoch\":1,\"loss\":0.5,\"accuracy\":null,\"val_loss\":\"n/a\"}\n");
        var epochs = RunRecord.ReadMetrics(Path.Combine(folder, "metrics.jsonl"));
        Assert.Equal([new RecordedEpoch(1, new EpochMetrics(1, 0.75, 0.5, 0.8, 0.25, 1.5, 0.01)), new RecordedEpoch(2, new EpochMetrics(1, 0.5, null, null, null, 0, null))], epochs);
    }

    [Theory]
    [InlineData("{\"epoch\":2,\"loss\":", "BytePositionInLine")]   // not JSON (JsonException)
    [InlineData("{\"epoch\":2}", "not present in the dictionary")]   // no loss (KeyNotFoundException)
    [InlineData("{\"epoch\":2,\"loss\":\"high\"}", "String")]   // loss not a number (InvalidOperationException)
    [InlineData("{\"epoch\":2.5,\"loss\":1}", "format")]   // epoch not whole (FormatException)
    public void A_bad_metrics_line_is_an_error_naming_the_file_line_and_text(string line, string why)
    {
        var path = Path.Combine(Folder("bad"), "metrics.jsonl");
        File.WriteAllText(path, "{\"epoch\":1,\"loss\":1}\n" + line + "\n");
        var e = Assert.Throws<DataFormatException>(() => RunRecord.ReadMetrics(path));
        Assert.StartsWith($"{path}: line 2: expected a JSON object with at least \"epoch\" and \"loss\", found {line} (", e.Message);
        Assert.Contains(why, e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Only_a_last_line_without_its_newline_is_a_cut_short_line_to_leave_out()
    {
        var path = Path.Combine(Folder("killed"), "metrics.jsonl");
        File.WriteAllText(path, "{\"epoch\":1,\"loss\":1}\n{\"epoch\":2,\"lo");
        Assert.Single(RunRecord.ReadMetrics(path));
        File.WriteAllText(path, "{\"epoch\":1,\"loss\":1}\n{\"epoch\":2,\"lo\n{\"epoch\":3,\"loss\":1}");   // the bad line is not the last
        Assert.Contains("line 2", Assert.Throws<DataFormatException>(() => RunRecord.ReadMetrics(path)).Message);
    }

    [Fact]
    public void Manifest_fields_read_as_text_strings_unquoted_and_other_values_as_json()
    {
        var run = Manifest("""{"script": "scripts/a.csx", "seed": 7, "flag": true, "arguments": {"lr": "0.1", "epochs": 3}, "fits": [{"a": 1}, {"b": 2}], "list": [1]}""");
        Assert.Equal(("scripts/a.csx", "7", "true", "", "[1]"), (run.Text("script"), run.Text("seed"), run.Text("flag"), run.Text("missing"), run.Text("list")));
        Assert.Equal([("lr", "0.1"), ("epochs", "3")], run.Fields("arguments"));
        Assert.Empty(run.Fields("seed"));   // not an object
        Assert.Empty(run.Fields("missing"));
        Assert.Equal(["{\"a\": 1}", "{\"b\": 2}"], run.Fits.Select(f => f.GetRawText()));
        Assert.Empty(Manifest("""{"fits": {"a": 1}}""").Fits);   // not an array
        Assert.Empty(Manifest("[1, 2]").Fits);
        Assert.Equal("", Manifest("[1, 2]").Text("seed"));
        Assert.Empty(Manifest("[1, 2]").Fields("arguments"));
    }

    [Fact]
    public void The_title_is_the_scripts_name_else_the_folders_and_the_label_is_the_last_two_folders()
    {
        var run = Manifest("""{"script": "scripts/mnist-mlp.csx"}""");
        Assert.Equal(("mnist-mlp.csx", "mnist/20261130-101500"), (run.Title, run.Label));
        var bare = Manifest("{}", "/runs/mnist/20261130-101500/");
        Assert.Equal(("20261130-101500", "mnist/20261130-101500"), (bare.Title, bare.Label));
        Assert.Equal("20261130-101500", Manifest("""{"script": ""}""", "/runs/mnist/20261130-101500").Title);
    }

    [Fact]
    public void A_later_fit_continues_the_epoch_axis_where_the_one_before_ended()
    {
        static RecordedEpoch E(int fit, int epoch) => new(fit, new EpochMetrics(epoch, epoch, null, null, null, 0));
        var run = new RunRecord("/r/a", default, [E(1, 1), E(1, 2), E(2, 1), E(2, 2), E(2, 3), E(3, 1)], [], null);
        Assert.Equal([1.0, 2, 3, 4, 5, 6], run.Timeline.Select(p => p.X));
        Assert.Equal([1, 2, 1, 2, 3, 1], run.Timeline.Select(p => p.Metrics.Epoch));
        // A record that starts at a later Fit (the first one's lines lost) is not shifted.
        Assert.Equal([1.0, 2], new RunRecord("/r/a", default, [E(2, 1), E(2, 2)], [], null).Timeline.Select(p => p.X));
    }
}
