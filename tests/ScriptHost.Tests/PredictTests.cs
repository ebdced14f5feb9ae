using Nabla.Data;
using Nabla.Evaluation;
using Nabla.Layers;
using Nabla.Losses;
using Nabla.Models;
using Nabla.Optimizers;
using Nabla.Serialization;
using Nabla.Tensors;

namespace Nabla.ScriptHost.Tests;

/// <summary>nabla predict MODEL FILE…: images and CSV rows in, one line each with the class and top-3 probabilities,
/// the same as the model predicts for the test row the image was made from.</summary>
public sealed class PredictTests(HostFolder folder) : IClassFixture<HostFolder>
{
    static string Fixture(string name) => Path.Combine(Host.RepoRoot, "tests", "Core.Tests", "fixtures", name);

    static readonly Lazy<(Sequential<float> Model, Dataset Test)> Trained = new(() =>
    {
        var (train, test) = Mnist.Load(Path.Combine(Host.RepoRoot, "data", "mnist"), limit: 2000);
        var rng = Rng.Seeded(6);
        var model = Sequential.Of(Layer.Flatten(), Layer.Dense(784, 24, Init.He, rng), Layer.Relu(), Layer.Dense(24, 10, Init.Xavier, rng));
        return (model.Fit(train, Loss.SoftmaxCrossEntropy, new Sgd(LearningRate: 0.1), 1, 32, null, rng).Model, test);
    });

    [Fact]
    public async Task A_png_a_jpeg_an_rgb_png_and_a_csv_row_of_test_image_0_give_its_class_and_probabilities()
    {
        var (model, test) = Trained.Value;
        var path = Path.Combine(folder.Path, "model.safetensors");
        model.Save(path);
        var expected = model.PredictRow(test.Features.Take(784).ToArray());
        Assert.Equal(7, expected.Class);
        var line = $"7  ({string.Join(", ", expected.Top)})";

        var run = await Host.InProcess(folder.Cache, ["predict", path, Fixture("digit-7.png"), Fixture("digit-7-rgb.png"), Fixture("digit-7.jpg")]);
        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.Output.Trim().Split('\n');
        Assert.Equal($"{Fixture("digit-7.png")}: {line}", lines[0]);
        Assert.Equal($"{Fixture("digit-7-rgb.png")}: {line}", lines[1]);
        Assert.StartsWith($"{Fixture("digit-7.jpg")}: 7  (7 ", lines[2]);   // lossy: the same class, close probabilities

        var paper = await Host.InProcess(folder.Cache, ["predict", path, Fixture("digit-7-paper.png"), "--invert"]);
        Assert.Equal($"{Fixture("digit-7-paper.png")}: {line}", paper.Output.Trim());

        // The MNIST CSV layout: the label, then 784 pixel bytes; --scale 1/255 brings them to [0, 1].
        var csv = folder.Write("digits.csv", "7," + string.Join(",", test.Features.Take(784).Select(v => Math.Round(v * 255))) + "\n");
        var rows = await Host.InProcess(folder.Cache, ["predict", path, csv, "--scale", "1/255"]);
        Assert.True(rows.ExitCode == 0, rows.ToString());
        Assert.StartsWith($"{csv}:1: 7  (7 ", rows.Output.Trim());
        Assert.EndsWith("label 7", rows.Output.Trim());
    }

    [Fact]
    public async Task A_missing_model_or_a_file_that_is_no_image_is_one_clear_line_and_exit_1()
    {
        var (model, _) = Trained.Value;
        var path = Path.Combine(folder.Path, "model-errors.safetensors");
        model.Save(path);
        var noModel = await Host.InProcess(folder.Cache, ["predict", Path.Combine(folder.Path, "none.safetensors"), Fixture("digit-7.png")]);
        Assert.Equal(1, noModel.ExitCode);
        Assert.StartsWith("nabla predict:", noModel.Error);
        var text = folder.Write("notes.png", "not an image");
        var bad = await Host.InProcess(folder.Cache, ["predict", path, text]);
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("expected a PNG, JPEG", bad.Error);
        Assert.DoesNotContain("   at ", bad.Error);   // no stack trace for a user's mistake
    }
}
