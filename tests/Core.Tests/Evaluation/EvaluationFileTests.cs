namespace Nabla.Tests.Evaluation;

/// <summary>evaluation.json: the exact text written for hand-made evaluations, reading it back field by field (non-finite
/// numbers as null, then NaN; absent parts as null), and a DataFormatException naming the file for each kind of bad file.</summary>
public sealed class EvaluationFileTests : IDisposable
{
    readonly string path = Path.Combine(Path.GetTempPath(), $"nabla-evaluation-{Guid.NewGuid():N}.json");

    public void Dispose() => File.Delete(path);

    static readonly EvaluationResult Digits = new("digits", 4, "softmax_cross_entropy", 0.25, 0.5,
        new ClassificationEvaluation(["a", "b"], [0, 1, 1, 0], [1, 0, 1, 0], [0.5, 1.0],
            [new Misclassified(1, 1, 0, 0.75, [(0, 0.75), (1, 0.25)], [0, 255]), new Misclassified(0, 0, 1, 0.5, [(1, 0.5), (0, 0.5)], null)],
            2, new ImageShape(1, 2), double.NaN),
        null);

    static readonly EvaluationResult Line = new("line", 8, "mse", double.PositiveInfinity, null, null, new RegressionMetrics(0.5, 0.75, double.NaN, 0.125, 0.25));

    static readonly EvaluationResult Plain = new("plain", 2, "mse", 1.5, null, null, new RegressionMetrics(1, 2, 0, null, null));

    static readonly EvaluationResult Bare = new("bare", 1, "mse", 3, null, null, null);

    [Fact]
    public void Writes_one_compact_object_per_evaluation_non_finite_numbers_as_null()
    {
        EvaluationFile.Write([Digits, Line, Plain, Bare], path);
        Assert.Equal("""
            {"format":"nabla-evaluation","version":1,"evaluations":[
            {"dataset":"digits","samples":4,"loss_name":"softmax_cross_entropy","loss":0.25,"accuracy":0.5,"task":"classification",
            "class_names":["a","b"],"top_k_accuracy":[0.5,1],"zero_division":null,"labels":[0,1,1,0],"predicted":[1,0,1,0],
            "misclassified_count":2,"image_shape":[1,2],"misclassified":[
            {"index":1,"label":1,"predicted":0,"confidence":0.75,"top":[[0,0.75],[1,0.25]],"pixels":"AP8="},
            {"index":0,"label":0,"predicted":1,"confidence":0.5,"top":[[1,0.5],[0,0.5]]}]},
            {"dataset":"line","samples":8,"loss_name":"mse","loss":null,"task":"regression","mae":0.5,"rmse":0.75,"r2":null,"tolerance":0.125,"within_tolerance":0.25},
            {"dataset":"plain","samples":2,"loss_name":"mse","loss":1.5,"task":"regression","mae":1,"rmse":2,"r2":0},
            {"dataset":"bare","samples":1,"loss_name":"mse","loss":3}]}
            """.Replace("\n", ""), File.ReadAllText(path));
        Assert.False(File.Exists(path + ".tmp"));
    }

    [Fact]
    public void Reads_back_every_field_with_null_as_nan_and_absent_parts_as_null()
    {
        File.WriteAllText(path, "old contents, replaced whole");
        EvaluationFile.Write([Digits, Line, Plain, Bare], path);
        var back = EvaluationFile.Read(path);
        Assert.Equal(4, back.Count);

        var (a, b) = (Digits.Classification!, back[0].Classification!);
        Assert.Equal((Digits.Dataset, Digits.Samples, Digits.LossName, Digits.Loss, Digits.Accuracy, (RegressionMetrics?)null),
            (back[0].Dataset, back[0].Samples, back[0].LossName, back[0].Loss, back[0].Accuracy, back[0].Regression));
        Assert.Equal(a.ClassNames, b.ClassNames);
        Assert.Equal(a.Labels, b.Labels);
        Assert.Equal(a.Predicted, b.Predicted);
        Assert.Equal(a.TopKAccuracy, b.TopKAccuracy);
        Assert.Equal((2, new ImageShape(1, 2), double.NaN), (b.MistakeCount, b.Images, b.ZeroDivision));
        Assert.Equal(a.Mistakes.Select(m => (m.Index, m.Label, m.Predicted, m.Confidence)), b.Mistakes.Select(m => (m.Index, m.Label, m.Predicted, m.Confidence)));
        Assert.Equal([(0, 0.75), (1, 0.25)], b.Mistakes[0].Top);
        Assert.Equal([(1, 0.5), (0, 0.5)], b.Mistakes[1].Top);
        Assert.Equal([0, 255], b.Mistakes[0].Pixels);
        Assert.Null(b.Mistakes[1].Pixels);

        Assert.Equal(new EvaluationResult("line", 8, "mse", double.NaN, null, null, new RegressionMetrics(0.5, 0.75, double.NaN, 0.125, 0.25)), back[1]);
        Assert.Equal(Plain, back[2]);
        Assert.Equal(Bare, back[3]);
    }

    [Fact]
    public void Reads_null_names_as_empty_and_a_classification_without_images()
    {
        File.WriteAllText(path, """
            {"format":"nabla-evaluation","version":1,"evaluations":[
            {"dataset":null,"samples":1,"loss_name":null,"loss":0,"task":"classification","class_names":[null,"b"],"top_k_accuracy":[1],
             "zero_division":0,"labels":[1],"predicted":[1],"misclassified_count":0,"misclassified":[]},
            {"dataset":"other","samples":1,"loss_name":"mse","loss":0,"task":"something newer"}]}
            """);
        var back = EvaluationFile.Read(path);
        Assert.Equal(("", ""), (back[0].Dataset, back[0].LossName));
        Assert.Equal(["", "b"], back[0].Classification!.ClassNames);
        Assert.Null(back[0].Classification!.Images);
        Assert.Null(back[0].Accuracy);
        Assert.Equal(0.0, back[0].Classification!.ZeroDivision);
        Assert.Equal((null, null), (back[1].Classification, back[1].Regression));
    }

    [Fact]
    public void Refuses_another_format_and_a_newer_version_naming_what_was_found()
    {
        Assert.Equal($"{path}: \"format\": expected \"nabla-evaluation\", found something else.", Refusal("""{"format": "something else"}"""));
        Assert.Equal($"{path}: \"format\": expected \"nabla-evaluation\", found none.", Refusal("""{"version": 1}"""));
        Assert.Equal($"{path}: \"format\": expected \"nabla-evaluation\", found none.", Refusal("""["format"]"""));
        Assert.Equal($"{path}: \"version\": expected version 1 or older, found 2.", Refusal("""{"format": "nabla-evaluation", "version": 2, "evaluations": []}"""));
        File.WriteAllText(path, """{"format": "nabla-evaluation", "version": 1, "evaluations": []}""");
        Assert.Empty(EvaluationFile.Read(path));
    }

    [Theory]
    [InlineData("""{"format": "nabla-evaluation", "version": 1, "evaluations": [""")]                                  // JsonException
    [InlineData("""{"format": "nabla-evaluation", "version": 1}""")]                                                    // KeyNotFoundException
    [InlineData("""{"format": "nabla-evaluation", "version": 1, "evaluations": [{"dataset": "d", "samples": "4"}]}""")] // InvalidOperationException
    [InlineData("""{"format": "nabla-evaluation", "version": 1, "evaluations": [{"dataset": "d", "samples": 4.5}]}""")] // FormatException
    [InlineData("""{"format": "nabla-evaluation", "version": 1, "evaluations": [{"task": "classification", "image_shape": [28]}]}""")] // IndexOutOfRangeException
    public void A_malformed_file_is_a_data_format_exception_naming_it(string text) =>
        Assert.StartsWith($"{path}: JSON: expected an evaluation file written by Nabla, found ", Refusal(text), StringComparison.Ordinal);

    string Refusal(string text)
    {
        File.WriteAllText(path, text);
        return Assert.Throws<DataFormatException>(() => EvaluationFile.Read(path)).Message;
    }
}
