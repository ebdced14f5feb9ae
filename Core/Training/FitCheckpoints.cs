using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Nabla.Training;

/// <summary>
/// Where Fit saves its <see cref="FitProgress{T}"/> and finds it again: the script host's run folder
/// (<c>Nabla.Serialization.CheckpointFolder</c>). Fit saves at the end of every epoch, every <see cref="EverySteps"/> steps
/// within one, when cancelled, and once finished; before its first step it asks for the progress saved by the same Fit of an
/// earlier, interrupted run, and goes on from there (a finished one returns its result without training).
/// </summary>
public interface ICheckpointStore
{
    /// <summary>Steps between checkpoints within an epoch; 0 saves at the end of each epoch only.</summary>
    long EverySteps { get; }

    /// <summary>The progress saved by Fit <paramref name="fit"/>, rebuilt on the structure of <paramref name="start"/> (its
    /// model, optimizer state and early stopping), or null when there is none. Throws when the saved progress is not this
    /// Fit's (another fingerprint or other settings), saying what differs.</summary>
    FitProgress<T>? Load<T>(FitIdentity fit, FitProgress<T> start) where T : struct, IFloatingPointIeee754<T>;

    /// <summary>Saves <paramref name="progress"/> of Fit <paramref name="fit"/>, replacing its previous checkpoint only once
    /// the new one is complete on disk. Called between steps: it may read every tensor of the progress, and keeps none.</summary>
    void Save<T>(FitIdentity fit, FitProgress<T> progress) where T : struct, IFloatingPointIeee754<T>;
}

/// <summary>
/// One Fit call as a checkpoint knows it: its number in call order within the flow (1 for the first), its settings, and a
/// SHA-256 fingerprint of where it starts (the model's tensors, the optimizer's state, the step seed and count, the shuffling
/// generator's state, the training targets). A resumed script that rebuilds a different starting point (code before Fit
/// that is not deterministic) shows as another fingerprint, and its checkpoint is refused rather than silently misapplied.
/// </summary>
public sealed record FitIdentity(int Number, FitInfo Info, string? EarlyStopping, string Fingerprint)
{
    /// <summary>The fingerprint of a Fit that starts at <paramref name="start"/> on <paramref name="train"/>, augmented by
    /// <paramref name="augmentation"/> (its settings, as it describes itself): hex SHA-256.</summary>
    public static string FingerprintOf<T>(FitProgress<T> start, Data.Dataset train, Data.IAugmentation? augmentation = null)
        where T : struct, IFloatingPointIeee754<T>
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string text) => hash.AppendData(System.Text.Encoding.UTF8.GetBytes(text + "\n"));
        void AddTensors(Parameters<T> tensors)
        {
            for (var i = 0; i < tensors.Count; i++)
            {
                Add($"{tensors.Names[i]} {tensors[i].RowCount}x{tensors[i].ColumnCount}");
                hash.AppendData(MemoryMarshal.AsBytes(Kernels.Values(tensors[i]).AsSpan(0, tensors[i].RowCount * tensors[i].ColumnCount)));
            }
        }
        var (state, contents) = (start.State, start.State.OptimizerState.ToStateDict());
        AddTensors(state.Model.Parameters);
        AddTensors(state.Model.State);   // batch norm's running statistics
        AddTensors(contents.Tensors);
        foreach (var (name, value) in contents.Scalars) Add($"{name} {value}");
        Add($"seed {state.Seed:x16} step {state.Step} shuffle {start.Shuffle}");
        Add($"train {train.Count}x{train.FeatureCount}→{train.TargetCount}");
        hash.AppendData(MemoryMarshal.AsBytes(train.Targets.AsSpan()));
        if (augmentation is not null) Add($"augmentation {augmentation}");   // a resume must shift and flip as the run did
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>Prints "Fit 1 (5 epochs from epoch 1, batch size 64)".</summary>
    public override string ToString() => $"Fit {Number} ({Info.Epochs} epochs from epoch {Info.InitialEpoch + 1}, batch size {Info.BatchSize})";
}

/// <summary>The checkpoint store every Fit in this async flow uses (the script host sets the run folder's), and the count of
/// Fit calls made under it, which numbers them.</summary>
public static class FitCheckpoints
{
    static readonly AsyncLocal<Scope?> current = new();

    /// <summary>The store in force, or null (no checkpoints).</summary>
    public static ICheckpointStore? Ambient => current.Value?.Store;

    /// <summary>Makes <paramref name="store"/> the store of every Fit in the current async flow, numbering them from 1,
    /// until disposed.</summary>
    public static IDisposable Use(ICheckpointStore store)
    {
        var before = current.Value;
        current.Value = new Scope(store);
        return new Restore(() => current.Value = before);
    }

    /// <summary>The store in force and the number of the Fit starting now (1, 2, … in call order); null without a store.</summary>
    internal static (ICheckpointStore Store, int Number)? Next() =>
        current.Value is { } scope ? (scope.Store, Interlocked.Increment(ref scope.Fits)) : null;

    sealed class Scope(ICheckpointStore store)
    {
        public ICheckpointStore Store { get; } = store;
        public int Fits;
    }

    sealed class Restore(Action undo) : IDisposable
    {
        public void Dispose() => undo();
    }
}
