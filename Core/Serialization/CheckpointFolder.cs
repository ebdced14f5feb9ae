using System.Runtime.InteropServices;
using Nabla.Training;

namespace Nabla.Serialization;

/// <summary>
/// The checkpoint store of a run folder: Fit n's progress in <c>checkpoint-n.safetensors</c> (<see cref="CheckpointFile"/>),
/// replaced atomically at every save. The new checkpoint is written to <c>checkpoint-n.safetensors.tmp</c> in the same
/// folder, flushed to disk (fsync), renamed over the previous one (rename(2) is atomic: a reader sees the old file or the
/// new, never a mix), and the folder is flushed so the rename itself survives a power cut. A process killed at any moment
/// leaves the last complete checkpoint in place, plus at most a partial .tmp file, which opening the folder again removes.
/// Use it around a script's Fits: <c>using (FitCheckpoints.Use(new CheckpointFolder(dir))) …</c> (the host does).
/// </summary>
public sealed partial class CheckpointFolder : ICheckpointStore
{
    /// <summary>The suffix of a checkpoint being written.</summary>
    public const string TemporarySuffix = ".tmp";

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
        var temporary = path + TemporarySuffix;
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
        {
            CheckpointFile.Write(_wrap(file), fit, progress);
            file.Flush(flushToDisk: true);   // the data is on disk before the name points at it
        }
        File.Move(temporary, path, overwrite: true);
        SyncFolder(Folder);
        Saved?.Invoke(path, new CheckpointSummary(fit.Number, progress.Epoch, progress.Batch, progress.State.Step, progress.Finished, progress.History.Count));
    }

    // fsync on the folder makes the rename durable (POSIX: a directory entry is data of the directory). .NET cannot open a
    // folder as a stream, so through libc; elsewhere (Windows' MoveFileEx is durable with its write-through flag) skipped.
    static void SyncFolder(string folder)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return;
        var fd = Native.Open(folder, 0 /* O_RDONLY */);
        if (fd < 0) return;   // best effort: the file itself is already on disk
        Native.Fsync(fd);
        Native.Close(fd);
    }

    static partial class Native
    {
        [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int Open(string path, int flags);

        [LibraryImport("libc", EntryPoint = "fsync")]
        internal static partial int Fsync(int fd);

        [LibraryImport("libc", EntryPoint = "close")]
        internal static partial int Close(int fd);
    }

    public override string ToString() => $"CheckpointFolder({Folder}{(EverySteps > 0 ? $", every {EverySteps} steps" : "")})";
}
