using Nabla.Serialization;
using static Nabla.Tests.Training.FitContinuationTests;

namespace Nabla.Tests.Serialization;

/// <summary>ModelCheckpoint saves the model when the monitored figure improves, and only then; after a resume it knows the
/// best of the epochs done before.</summary>
public sealed class ModelCheckpointTests : IDisposable
{
    readonly string _folder = Directory.CreateTempSubdirectory("nabla-model-checkpoint-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    static EpochMetrics Epoch(int epoch, double valLoss, double valAccuracy) => new(epoch, 1.0, 0.5, valLoss, valAccuracy, 0.1);

    [Fact]
    public void It_saves_only_improvements_and_a_resumed_Fit_keeps_the_best_of_the_epochs_done_before()
    {
        var path = Path.Combine(_folder, "best.safetensors");
        var (first, second) = (Model(1), Model(2));
        var checkpoint = new ModelCheckpoint(path);
        checkpoint.OnEpochEnd(Epoch(1, 0.5, 0.8), first);
        Assert.Equal(Snapshot(first), Snapshot(ModelFile.Load<float>(path)));
        checkpoint.OnEpochEnd(Epoch(2, 0.7, 0.9), second);   // worse val_loss: not saved
        Assert.Equal(Snapshot(first), Snapshot(ModelFile.Load<float>(path)));

        // A fresh process resumes after those two epochs: epoch 3 is worse than epoch 1, so the file stays epoch 1's.
        var resumed = new ModelCheckpoint(path);
        resumed.OnResume(new FitResumed(1, [Epoch(1, 0.5, 0.8), Epoch(2, 0.7, 0.9)], 3, 0, 14, false));
        Assert.Equal((1, 0.5), resumed.Best);
        resumed.OnEpochEnd(Epoch(3, 0.6, 0.95), second);
        Assert.Equal(Snapshot(first), Snapshot(ModelFile.Load<float>(path)));
        resumed.OnEpochEnd(Epoch(4, 0.4, 0.95), second);
        Assert.Equal(Snapshot(second), Snapshot(ModelFile.Load<float>(path)));

        // Accuracies are better when larger; every epoch is saved without SaveBestOnly.
        var byAccuracy = new ModelCheckpoint(Path.Combine(_folder, "acc.safetensors"), "val_accuracy");
        byAccuracy.OnEpochEnd(Epoch(1, 0.5, 0.9), first);
        byAccuracy.OnEpochEnd(Epoch(2, 0.4, 0.8), second);
        Assert.Equal((1, 0.9), byAccuracy.Best);
        var every = new ModelCheckpoint(Path.Combine(_folder, "every.safetensors"), saveBestOnly: false);
        every.OnEpochEnd(Epoch(1, 0.5, 0.9), first);
        every.OnEpochEnd(Epoch(2, 0.7, 0.9), second);
        Assert.Equal(Snapshot(second), Snapshot(ModelFile.Load<float>(Path.Combine(_folder, "every.safetensors"))));
        Assert.Empty(Directory.GetFiles(_folder, "*.tmp"));
    }

    [Fact]
    public void A_figure_the_Fit_does_not_report_is_an_error_that_says_what_to_pass()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ModelCheckpoint("x", "val_los"));
        var e = Assert.Throws<InvalidOperationException>(() =>
            new ModelCheckpoint(Path.Combine(_folder, "m.safetensors")).OnEpochEnd(new EpochMetrics(1, 1.0, 0.5, null, null, 0.1), Model()));
        Assert.Contains("pass validation data to Fit", e.Message);
    }

    static float[][] Snapshot(Sequential<float> model) => [.. model.Parameters.Tensors.Select(TestSupport.Snapshot)];
}
