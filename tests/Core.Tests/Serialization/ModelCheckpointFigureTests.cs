using Nabla.Serialization;
using static Nabla.Tests.Training.FitContinuationTests;

namespace Nabla.Tests.Serialization;

/// <summary>ModelCheckpoint figure by figure: which value each monitor reads, which direction is better under each mode, that
/// a tie is no improvement, what the file holds (weights alone or the whole model), and the messages and names it prints.</summary>
public sealed class ModelCheckpointFigureTests : IDisposable
{
    readonly string _folder = Directory.CreateTempSubdirectory("nabla-model-checkpoint-figures-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    // Every figure distinct, so a monitor reading the wrong one shows.
    static EpochMetrics Figures(int epoch, double loss, double? accuracy, double? valLoss, double? valAccuracy) =>
        new(epoch, loss, accuracy, valLoss, valAccuracy, 0.1);

    string PathOf(string name) => Path.Combine(_folder, name);

    [Theory]
    [InlineData("loss", 0.25)]
    [InlineData("accuracy", 0.5)]
    [InlineData("val_loss", 0.75)]
    [InlineData("val_accuracy", 0.875)]
    public void Each_monitor_reads_its_own_figure(string monitor, double expected)
    {
        var checkpoint = new ModelCheckpoint(PathOf("m.safetensors"), monitor);
        Assert.True(checkpoint.OnEpochEnd(Figures(1, 0.25, 0.5, 0.75, 0.875), Model()));
        Assert.Equal((1, expected), checkpoint.Best);
    }

    [Theory]
    [InlineData("val_loss", MonitorMode.Auto, false)]
    [InlineData("loss", MonitorMode.Auto, false)]
    [InlineData("accuracy", MonitorMode.Auto, true)]
    [InlineData("val_accuracy", MonitorMode.Auto, true)]
    [InlineData("val_loss", MonitorMode.Max, true)]
    [InlineData("val_accuracy", MonitorMode.Min, false)]
    public void Larger_is_better_for_accuracies_and_under_Max_smaller_for_losses_and_under_Min(string monitor, MonitorMode mode, bool larger)
    {
        var checkpoint = new ModelCheckpoint(PathOf("m.safetensors"), monitor, mode: mode);
        checkpoint.OnEpochEnd(Figures(1, 0.5, 0.5, 0.5, 0.5), Model());
        checkpoint.OnEpochEnd(Figures(2, 0.5, 0.5, 0.5, 0.5), Model());   // a tie is no improvement
        Assert.Equal((1, 0.5), checkpoint.Best);
        checkpoint.OnEpochEnd(Figures(3, 0.75, 0.75, 0.75, 0.75), Model());
        checkpoint.OnEpochEnd(Figures(4, 0.25, 0.25, 0.25, 0.25), Model());
        Assert.Equal(larger ? (3, 0.75) : (4, 0.25), checkpoint.Best);
    }

    [Fact]
    public void A_resume_takes_the_best_of_the_history_by_the_monitor_and_only_an_improvement_is_written()
    {
        var path = PathOf("best.safetensors");
        var checkpoint = new ModelCheckpoint(path, "val_accuracy");
        checkpoint.OnResume(new FitResumed(1, [Figures(1, 1, 0.5, 1, 0.6), Figures(2, 1, 0.5, 1, 0.9), Figures(3, 1, 0.5, 1, 0.7)], 4, 0, 21, false));
        Assert.Equal((2, 0.9), checkpoint.Best);
        Assert.True(checkpoint.OnEpochEnd(Figures(4, 1, 0.5, 1, 0.8), Model()));
        Assert.False(File.Exists(path));   // worse than epoch 2's: nothing written
        checkpoint.OnEpochEnd(Figures(5, 1, 0.5, 1, 0.95), Model(5));
        Assert.Equal(Bytes(ModelFile.Save, Model(5)), File.ReadAllBytes(path));
    }

    [Fact]
    public void The_file_holds_the_whole_model_or_with_SaveWeightsOnly_the_weights_alone_and_every_epoch_without_SaveBestOnly()
    {
        var (whole, weights) = (PathOf("whole.safetensors"), PathOf("weights.safetensors"));
        var wholeCheckpoint = new ModelCheckpoint(whole, saveBestOnly: false);
        var weightsCheckpoint = new ModelCheckpoint(weights, saveBestOnly: false, saveWeightsOnly: true);
        foreach (var (epoch, model) in new[] { (1, Model(1)), (2, Model(2)) })   // epoch 2 is worse, and saved all the same
        {
            wholeCheckpoint.OnEpochEnd(Figures(epoch, 1, 0.5, epoch, 0.5), model);
            weightsCheckpoint.OnEpochEnd(Figures(epoch, 1, 0.5, epoch, 0.5), model);
            Assert.Equal(Bytes(ModelFile.Save, model), File.ReadAllBytes(whole));
            Assert.Equal(Bytes(ModelFile.SaveWeights, model), File.ReadAllBytes(weights));
        }
        Assert.NotEqual(File.ReadAllBytes(whole), File.ReadAllBytes(weights));
        Assert.Equal((1, 1.0), wholeCheckpoint.Best);
    }

    [Fact]
    public void Its_messages_say_what_to_pass_and_its_name_prints_path_monitor_and_best_only()
    {
        var unknown = Assert.Throws<ArgumentOutOfRangeException>(() => new ModelCheckpoint("x", "val_los"));
        Assert.StartsWith("ModelCheckpoint: Monitor must be one of loss, accuracy, val_loss, val_accuracy, got \"val_los\".", unknown.Message);
        var noValidation = Assert.Throws<InvalidOperationException>(() =>
            new ModelCheckpoint(PathOf("m.safetensors"), "val_accuracy").OnEpochEnd(Figures(3, 1, 0.5, null, null), Model()));
        Assert.Equal("ModelCheckpoint monitors val_accuracy, but epoch 3 did not report it: pass validation data to Fit.", noValidation.Message);
        var regression = Assert.Throws<InvalidOperationException>(() =>
            new ModelCheckpoint(PathOf("m.safetensors"), "accuracy").OnEpochEnd(Figures(2, 1, null, 1, null), Model()));
        Assert.Equal("ModelCheckpoint monitors accuracy, but epoch 2 did not report it (regression has no accuracy).", regression.Message);
        Assert.Equal("ModelCheckpoint(runs/best.safetensors, val_accuracy, best only)", new ModelCheckpoint("runs/best.safetensors", "val_accuracy").ToString());
        Assert.Equal("ModelCheckpoint(m.safetensors, loss)", new ModelCheckpoint("m.safetensors", "loss", saveBestOnly: false).ToString());
    }

    static byte[] Bytes(Action<Sequential<float>, Stream> save, Sequential<float> model)
    {
        using var stream = new MemoryStream();
        save(model, stream);
        return stream.ToArray();
    }
}
