using Nabla.Training;

namespace Nabla.Serialization;

/// <summary>
/// The checkpoint store of a run folder: Fit n's progress in <c>checkpoint-n.safetensors</c> (<see cref="CheckpointFile"/>),
/// replaced atomically at every save (<see cref="AtomicFile"/>: a .tmp in the same folder, fsync, rename, fsync of the
/// folder). A process killed at any moment leaves the last complete checkpoint in place, plus at most a partial .tmp file,
/// which opening the folder again removes.
/// Use it around a script's Fits: <c>using (FitCheckpoints.Use(new CheckpointFolder(dir))) …</c> (the host does).
/// </summary>
public sealed class CheckpointFolder : ICheckpointStore
{
    /// <summary>The suffix of a checkpoint being written.</summary>
    public const string TemporarySuffix = AtomicFile.TemporarySuffix;

    readonly Func<Stream, Stream> _wrap;

    /// <summary>The store in <paramref name="folder"/> (created if missing), saving every <paramref name="everySteps"/> steps
    /// within an epoch as well as at each epoch's end (0: epoch ends only). Partial checkpoints a killed process left there
    /// are removed (<see cref="RemovedTemporaryFiles"/>).</summary>
    public CheckpointFolder(string folder, long everySteps = 0) : this(folder, everySteps, stream => stream) { }

    // wrap: what the file stream goes through while a checkpoint is written (tests kill a write part-way through).
    internal CheckpointFolder(string folder, long everySteps, Func<Stream, Stream> wrap)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(everySteps);
        Directory.CreateDirectory(folder);
        (Folder, EverySteps, _wrap) = (folder, everySteps, wrap);
        var partial = Directory.GetFiles(folder, "checkpoint-*.safetensors" + TemporarySuffix);
        foreach (var file in partial) File.Delete(file);
        RemovedTemporaryFiles = partial.Length;
    }

    /// <summary>The run folder.</summary>
    public string Folder { get; }

    /// <inheritdoc/>
    public long EverySteps { get; }

    /// <summary>How many partial checkpoints (a write cut short by a kill) were found and removed when the store opened.</summary>
    public int RemovedTemporaryFiles { get; }

    /// <summary>Called after each checkpoint is complete on disk, with its path and where it stands (the host records it
    /// in run.json).</summary>
    public event Action<string, CheckpointSummary>? Saved;

    /// <summary>Fit <paramref name="fit"/>'s checkpoint file: checkpoint-1.safetensors for the first Fit of a script.</summary>
    public string PathOf(int fit) => Path.Combine(Folder, $"checkpoint-{fit}.safetensors");

    /// <summary>The checkpoints in <paramref name="folder"/>, by Fit number.</summary>
    public static IReadOnlyList<string> Files(string folder) =>
        Directory.Exists(folder)
            ? Directory.GetFiles(folder, "checkpoint-*.safetensors").Order(StringComparer.Ordinal).ToArray()
            : [];

    /// <inheritdoc/>
    public FitProgress<T>? Load<T>(FitIdentity fit, FitProgress<T> start) where T : struct, IFloatingPointIeee754<T>
    {
        var path = PathOf(fit.Number);
        return File.Exists(path) ? CheckpointFile.Read(path, fit, start) : null;
    }

    /// <inheritdoc/>
    public void Save<T>(FitIdentity fit, FitProgress<T> progress) where T : struct, IFloatingPointIeee754<T>
    {
        var path = PathOf(fit.Number);
        AtomicFile.Write(path, file => CheckpointFile.Write(_wrap(file), fit, progress));
        Saved?.Invoke(path, new CheckpointSummary(fit.Number, progress.Epoch, progress.Batch, progress.State.Step, progress.Finished, progress.History.Count));
    }

    /// <summary>Prints the folder and, when set, the step interval: "CheckpointFolder(runs/a, every 500 steps)".</summary>
    public override string ToString() => $"CheckpointFolder({Folder}{(EverySteps > 0 ? $", every {EverySteps} steps" : "")})";
}
