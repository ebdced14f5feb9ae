namespace Nabla.Training;

/// <summary>
/// Where a Fit stands between two steps: everything it needs to go on exactly as if it had never stopped, which is what a
/// checkpoint holds. The training state (model, optimizer state with its schedule position, step seed and count); the
/// epoch in progress (or the next to begin) and how many of its batches are done; the shuffling generator's state as that
/// epoch began, before it drew the epoch's permutation (so the permutation is drawn again, the same, and its first
/// <see cref="Batch"/> batches skipped); the epoch's running sums (Σ loss·batch size, correct predictions, samples seen) and
/// seconds spent on it; the history of the epochs done; early stopping's state. <see cref="Finished"/>: Fit has returned,
/// <see cref="Shuffle"/> is then the generator's final state and <see cref="State"/> the result's.
/// </summary>
public sealed record FitProgress<T>(TrainState<T> State, int Epoch, int Batch, RngState Shuffle,
    double LossSum, long Correct, long Seen, double Seconds, IReadOnlyList<EpochMetrics> History,
    EarlyStoppingState<T>? EarlyStopping, bool Finished)
    where T : struct, IFloatingPointIeee754<T>
{
    /// <summary>Before the first step of a Fit whose first epoch is <paramref name="epoch"/>.</summary>
    public static FitProgress<T> Start(TrainState<T> state, int epoch, RngState shuffle, EarlyStoppingState<T>? earlyStopping) =>
        new(state, epoch, 0, shuffle, 0, 0, 0, 0, [], earlyStopping, false);

    /// <summary>Prints where the Fit stands: "FitProgress(epoch 3, batch 120, step 2000)".</summary>
    public override string ToString() =>
        Finished ? $"FitProgress(finished after epoch {Epoch - 1}, step {State.Step})"
                 : $"FitProgress(epoch {Epoch}, batch {Batch}, step {State.Step})";
}
