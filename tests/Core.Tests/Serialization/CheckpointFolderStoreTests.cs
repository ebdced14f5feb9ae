using Nabla.Serialization;
using static Nabla.Tests.Training.FitContinuationTests;

namespace Nabla.Tests.Serialization;

/// <summary>CheckpointFolder as a store, without a Fit: it creates its folder, refuses a negative interval, removes only its
/// own partial files, lists the checkpoints by Fit, loads nothing when there is no file, announces each save, and prints
/// its settings.</summary>
public sealed class CheckpointFolderStoreTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("nabla-checkpoint-store-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    static FitIdentity Identity(int number = 1) => new(number, new FitInfo(2, 3, 4, 12, null, "mse", "Adam"), null, new string('f', 64));

    static FitProgress<float> Start() => FitProgress<float>.Start(TrainState<float>.Create(Model(), Optimizer(), 3), 1, new Rng(4).State, null);

    [Fact]
    public void Opening_creates_the_folder_and_removes_only_partial_checkpoints()
    {
        var folder = Path.Combine(_root, "run", "a");
        Assert.Throws<ArgumentOutOfRangeException>(() => new CheckpointFolder(folder, everySteps: -1));
        Assert.Equal(0, new CheckpointFolder(folder).RemovedTemporaryFiles);   // created, nothing to remove
        foreach (var name in new[] { "checkpoint-1.safetensors.tmp", "checkpoint-2.safetensors.tmp", "best.safetensors.tmp", "checkpoint-1.safetensors" })
            File.WriteAllText(Path.Combine(folder, name), "x");
        Assert.Equal(2, new CheckpointFolder(folder).RemovedTemporaryFiles);
        Assert.Equal(["best.safetensors.tmp", "checkpoint-1.safetensors"], Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void It_lists_its_checkpoints_by_Fit_and_loads_none_where_there_is_no_file()
    {
        Assert.Empty(CheckpointFolder.Files(Path.Combine(_root, "missing")));
        var store = new CheckpointFolder(_root, everySteps: 500);
        Assert.Null(store.Load(Identity(2), Start()));
        var saved = new List<(string, CheckpointSummary)>();
        store.Saved += (path, summary) => saved.Add((path, summary));
        store.Save(Identity(2), Start());
        store.Save(Identity(1), Start() with { Epoch = 2, Batch = 1 });
        File.WriteAllText(Path.Combine(_root, "best.safetensors"), "x");
        Assert.Equal([store.PathOf(1), store.PathOf(2)], CheckpointFolder.Files(_root));
        Assert.Equal(Path.Combine(_root, "checkpoint-2.safetensors"), store.PathOf(2));
        Assert.Equal([(store.PathOf(2), new CheckpointSummary(2, 1, 0, 0, false, 0)), (store.PathOf(1), new CheckpointSummary(1, 2, 1, 0, false, 0))], saved);
        Assert.Equal(2, store.Load(Identity(1), Start())!.Epoch);
        Assert.Equal($"CheckpointFolder({_root}, every 500 steps)", store.ToString());
        Assert.Equal("CheckpointFolder(" + _root + ")", new CheckpointFolder(_root).ToString());
    }
}
