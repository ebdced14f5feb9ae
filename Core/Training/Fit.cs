using MathNet.Numerics.LinearAlgebra;
using Nabla.Data;
using Nabla.Losses;
using Nabla.Models;
using Nabla.Optimizers;

namespace Nabla.Training;

/// <summary>The Keras-like training loop, a fold of <see cref="Train.Step{T}"/> over shuffled mini-batches,
/// plus evaluation and prediction.</summary>
public static class FitExtensions
{
    /// <summary>Trains for <paramref name="epochs"/> epochs of shuffled mini-batches; reports loss and accuracy per
    /// epoch (and val_loss, val_accuracy on <paramref name="validation"/>). <paramref name="rng"/> shuffles; the step
    /// randomness (dropout) is seeded from it too. Cancellation stops at the next batch and returns what was done.
    /// <paramref name="earlyStopping"/> may stop it sooner; the result's model is then its best epoch's. Under a checkpoint
    /// store (<see cref="FitCheckpoints"/>: the script host's run folder) it saves its progress as it goes, and a Fit that
    /// finds its own checkpoint from an interrupted run goes on from there, finishing exactly as it would have.
    /// <paramref name="augmentation"/> transforms the training set afresh at the start of each epoch, its draws derived from
    /// the run's step seed and the epoch number (<see cref="Augmentation.EpochRng"/>); validation data is never augmented.</summary>
    public static FitResult<T> Fit<T>(this Sequential<T> model, Dataset train, ILoss loss, IOptimizer optimizer,
        int epochs, int batchSize, Dataset? validation, Rng rng,
        IEnumerable<IFitObserver>? observers = null, CancellationToken cancellation = default, EarlyStopping? earlyStopping = null,
        IAugmentation? augmentation = null)
        where T : struct, IFloatingPointIeee754<T>
    {
        CheckSettings(epochs, batchSize, train);
        augmentation?.Require(train.SampleShape, train.Name);
        LossCheck.Require(model, loss);
        CheckFits(model, train, loss);
        if (validation is not null) CheckFits(model, validation, loss);
        model = model with { InputShape = train.SampleShape };   // the trained model knows the shape of its samples
        var stopping = earlyStopping?.Start<T>(validation is not null, train.Labels is not null);
        var state = TrainState<T>.Create(model, optimizer, rng.NextUInt64());
        return Run(FitProgress<T>.Start(state, 1, rng.State, stopping), train, loss, epochs, batchSize, validation, rng, observers, cancellation, earlyStopping,
            augmentation);
    }

    /// <summary>Trains <paramref name="epochs"/> more epochs from where <paramref name="previous"/> ended, as a second
    /// <c>fit</c> does in Keras: the optimizer goes on from its state (Adam's moments, the learning-rate schedule's position),
    /// the step count and step randomness go on, and epochs are numbered on (after 3 epochs, this Fit's are 4, 5, …). Early
    /// stopping, if given, starts afresh. With the same <paramref name="rng"/>, Fit for 3 epochs then this for 2 trains
    /// exactly as Fit for 5 (unless early stopping restored an earlier model), with or without <paramref name="augmentation"/>.</summary>
    public static FitResult<T> Fit<T>(this FitResult<T> previous, Dataset train, ILoss loss, int epochs, int batchSize, Dataset? validation, Rng rng,
        IEnumerable<IFitObserver>? observers = null, CancellationToken cancellation = default, EarlyStopping? earlyStopping = null,
        IAugmentation? augmentation = null)
        where T : struct, IFloatingPointIeee754<T>
    {
        CheckSettings(epochs, batchSize, train);
        augmentation?.Require(train.SampleShape, train.Name);
        LossCheck.Require(previous.Model, loss);
        CheckFits(previous.Model, train, loss);
        if (validation is not null) CheckFits(previous.Model, validation, loss);
        var stopping = earlyStopping?.Start<T>(validation is not null, train.Labels is not null);
        var done = previous.History.Count > 0 ? previous.History[^1].Epoch : 0;
        return Run(FitProgress<T>.Start(previous.State, done + 1, rng.State, stopping), train, loss, epochs, batchSize, validation, rng,
            observers, cancellation, earlyStopping, augmentation);
    }

    // The loop, from a start or a checkpoint: epochs from.Epoch … (from.Epoch − 1 + epochs); the first from batch from.Batch
    // with from's running sums, the generator at from.Shuffle.
    static FitResult<T> Run<T>(FitProgress<T> from, Dataset train, ILoss loss, int epochs, int batchSize, Dataset? validation, Rng rng,
        IEnumerable<IFitObserver>? observers, CancellationToken cancellation, EarlyStopping? earlyStopping, IAugmentation? augmentation)
        where T : struct, IFloatingPointIeee754<T>
    {
        var watchers = (observers ?? []).Concat(FitObservers.Ambient).ToArray();
        var optimizer = from.State.Optimizer;
        var batches = Batches.Count(train.Count, batchSize);
        var info = new FitInfo(epochs, batches, batchSize, train.Count, validation?.Count, loss.Name, optimizer.ToString() ?? "",
            from.State.Model.Describe(train.SampleShape))
        { InitialEpoch = from.Epoch - 1 };
        var lastEpoch = info.LastEpoch;
        var (store, fit) = Checkpoints(info, from, train, earlyStopping, augmentation);
        var restored = store?.Load(fit!, from);
        if (restored is not null)
        {
            from = restored;
            rng.State = restored.Shuffle;   // where the interrupted run's generator stood as the epoch began (or at the end)
        }
        foreach (var w in watchers) w.OnFitStart(info);
        if (restored is not null)
            foreach (var w in watchers) w.OnResume(new FitResumed(fit!.Number, restored.History, restored.Epoch, restored.Batch, restored.State.Step, restored.Finished));
        if (from.Finished)
        {
            foreach (var w in watchers) w.OnFitEnd(from.History);
            return new FitResult<T>(from.State.Model, from.State, from.History, false, from.EarlyStopping);
        }

        var state = from.State;
        var stopping = from.EarlyStopping;
        var history = new List<EpochMetrics>(from.History);
        var pool = new StepPool<T>();   // the steps' buffers, recycled once Fit knows them dead (see StepPool)
        var cancelled = false;
        var everySteps = store?.EverySteps ?? 0;
        // Stryker disable once Conditional : equivalent; without augmentation nothing reads the buffer, so allocating it anyway cannot be seen
        var augmented = augmentation is null ? null : new float[train.Features.Length];   // one buffer, rewritten each epoch
        for (var epoch = from.Epoch; epoch <= lastEpoch && !cancelled; epoch++)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var resumed = epoch == from.Epoch;   // the first epoch may go on from a checkpoint's batch and sums
            var (earlier, lossSum, correct, seen) = resumed ? (from.Seconds, from.LossSum, from.Correct, from.Seen) : (0.0, 0.0, 0L, 0L);
            var batchIndex = resumed ? from.Batch : 0;
            var shuffle = rng.State;   // before this epoch's permutation: what a checkpoint within the epoch records
            var epochData = train;
            if (augmentation is not null)
            {
                // From (seed, epoch), not drawn: a run resumed within this epoch redraws the same set.
                augmentation.ApplyInto(train, Augmentation.EpochRng(state.Seed, epoch), augmented);
                epochData = train with { Features = augmented! };
            }
            using var epochBatches = Batches.Of<T>(epochData, batchSize, rng, classIndices: loss.Sparse, firstBatch: batchIndex).GetEnumerator();
            while (true)
            {
                Batch<T> batch;
                // The step (batch gather included) rents its buffers from the pool; observers run outside it.
                using (pool.Enter())
                {
                    if (!epochBatches.MoveNext()) break;
                    batch = epochBatches.Current;
                    if (cancellation.IsCancellationRequested) { cancelled = true; break; }
                    (state, var batchLoss, var output) = Train.StepWithOutput(state, batch.X, batch.Y, loss);
                    if (!double.IsFinite(batchLoss))
                        throw new TrainingDivergedException(
                            $"The loss became {batchLoss} at epoch {epoch}, batch {batchIndex + 1} of {batches} ({loss.Name}, {optimizer}). " +
                            "The learning rate may be too high, or the inputs unscaled (pixels should be in [0, 1]).");
                    lossSum += batchLoss * batch.Size;
                    if (batch.Labels is not null) correct += Metrics.CorrectCount(Train.Activate(loss, output), batch.Labels);
                }
                // The batch, traces, gradients, updates and output are dead now, and so is the previous state: all but the
                // new state's tensors and what was handed to code outside Nabla goes back to the pool.
                pool.Recycle(TensorsOf(state));
                seen += batch.Size;
                batchIndex++;
                var progress = new BatchProgress(epoch, lastEpoch, batchIndex, batches, lossSum / seen,
                    batch.Labels is null ? null : (double)correct / seen, clock.Elapsed + TimeSpan.FromSeconds(earlier));
                foreach (var w in watchers) w.OnBatchEnd(progress);
                // Between steps, and never at the epoch's end (saved below, once validated): mid-epoch progress.
                if (everySteps > 0 && state.Step % everySteps == 0 && batchIndex < batches)
                    store!.Save(fit!, new FitProgress<T>(state, epoch, batchIndex, shuffle, lossSum, correct, seen,
                        earlier + clock.Elapsed.TotalSeconds, history.ToArray(), stopping, false));
            }
            // Cancelled: saved where it stands, so a resumed run goes on with the next batch.
            if (cancelled)
                store?.Save(fit!, new FitProgress<T>(state, epoch, batchIndex, shuffle, lossSum, correct, seen,
                    earlier + clock.Elapsed.TotalSeconds, history.ToArray(), stopping, false));
            if (cancelled && seen == 0) break;
            double? valLoss = null, valAccuracy = null;
            if (validation is not null && !cancelled)
                (valLoss, valAccuracy) = state.Model.Validate(validation, loss);
            var metrics = new EpochMetrics(epoch, lossSum / seen, train.Labels is null ? null : (double)correct / seen,
                valLoss, valAccuracy, earlier + clock.Elapsed.TotalSeconds, optimizer.LearningRateInForce(state.OptimizerState));
            history.Add(metrics);
            // Observers and early stopping may keep this epoch's model: its tensors are theirs, never recycled.
            // Stryker disable once Linq : equivalent today; no layer's state is rented (BatchNorm allocates it plainly, a script's layer runs with the pool suspended), so only parameters can be recycled
            foreach (var tensor in state.Model.Parameters.Tensors.Concat(state.Model.State.Tensors)) pool.Escape(tensor);
            var goOn = true;
            foreach (var w in watchers) goOn &= w.OnEpochEnd(metrics, state.Model);
            if (earlyStopping is not null && !cancelled)
            {
                stopping = earlyStopping.Update(stopping!, metrics, state.Model);
                goOn &= stopping.StoppedEpoch is null;
            }
            if (!goOn) break;
            // After the observers (metrics.jsonl, a best-model file): a kill before this save redoes the epoch's end.
            if (epoch < lastEpoch && !cancelled)
                store?.Save(fit!, FitProgress<T>.Start(state, epoch + 1, rng.State, stopping) with { History = history.ToArray() });
        }
        if (earlyStopping is { RestoreBestWeights: true } && stopping?.BestModel is { } best) state = state with { Model = best };
        if (!cancelled && store is not null)
        {
            var next = (history.Count > 0 ? history[^1].Epoch : from.Epoch - 1) + 1;
            store.Save(fit!, FitProgress<T>.Start(state, next, rng.State, stopping) with { History = history.ToArray(), Finished = true });
        }
        foreach (var w in watchers) w.OnFitEnd(history);
        return new FitResult<T>(state.Model, state, history, cancelled, stopping);
    }

    // The checkpoint store in force and this Fit's identity (its number, settings and starting fingerprint), or nulls.
    static (ICheckpointStore? Store, FitIdentity? Fit) Checkpoints<T>(FitInfo info, FitProgress<T> start, Dataset train, EarlyStopping? earlyStopping,
        IAugmentation? augmentation) where T : struct, IFloatingPointIeee754<T>
    {
        if (FitCheckpoints.Next() is not { } next) return (null, null);
        return (next.Store, new FitIdentity(next.Number, info, earlyStopping?.ToString(), FitIdentity.FingerprintOf(start, train, augmentation)));
    }

    static void CheckSettings(int epochs, int batchSize, Dataset train)
    {
        if (epochs < 0) throw new ArgumentOutOfRangeException(nameof(epochs), epochs, "Fit: epochs must be ≥ 0.");
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "Fit: batchSize must be positive.");
        if (train.Count == 0) throw new ArgumentException($"Fit: the training set {train.Name} is empty.");
    }

    /// <summary>Every tensor of a training state that outlives a step: the model's parameters and state (batch norm's running
    /// statistics), and the optimizer's state.</summary>
    internal static IEnumerable<Matrix<T>> TensorsOf<T>(TrainState<T> state) where T : struct, IFloatingPointIeee754<T>
    {
        var tensors = new List<Matrix<T>>();   // layer by layer, without naming them (Model.Parameters would): once per step
        foreach (var layer in state.Model.Layers)
        {
            tensors.AddRange(Sequential<T>.ParametersOf(layer));
            // Stryker disable once Statement : equivalent today; no layer's state is rented (BatchNorm allocates it plainly), so the pool could not take it back
            tensors.AddRange(layer.State);
        }
        state.OptimizerState.CollectTensors(tensors);
        return tensors;
    }

    /// <summary>Mean loss (weighted by batch size) plus the regularization penalty Σ R(θ), as Keras reports it, and accuracy
    /// (null for regression) over a dataset, in inference mode: Fit's val_loss and val_accuracy. Scripts call
    /// <c>model.Evaluate</c> (Nabla.Evaluation), which returns these and everything a report needs.</summary>
    internal static (double Loss, double? Accuracy) Validate<T>(this Sequential<T> model, Dataset data, ILoss loss, int batchSize = 1000)
        where T : struct, IFloatingPointIeee754<T>
    {
        CheckFits(model, data, loss);
        double lossSum = 0;
        long correct = 0;
        foreach (var batch in Batches.Of<T>(data, batchSize, classIndices: loss.Sparse))
        {
            var output = model.Forward(batch.X, data.SampleShape);
            lossSum += Train.Evaluate(loss, output, batch.Y).Value * batch.Size;
            if (batch.Labels is not null) correct += Metrics.CorrectCount(Train.Activate(loss, output), batch.Labels);
        }
        return (lossSum / data.Count + model.Penalty(), data.Labels is null ? null : (double)correct / data.Count);
    }

    /// <summary>The model's predictions for x (batch × inputs), passed through the loss's output activation
    /// (softmax probabilities for softmax cross-entropy).</summary>
    public static Matrix<T> Predict<T>(this Sequential<T> model, Matrix<T> x, ILoss loss) where T : struct, IFloatingPointIeee754<T> =>
        Train.Activate(loss, model.Forward(x));

    /// <summary>Predicted classes for every sample of a dataset.</summary>
    public static int[] PredictClasses<T>(this Sequential<T> model, Dataset data, ILoss loss, int batchSize = 1000)
        where T : struct, IFloatingPointIeee754<T> =>
        Batches.Of<T>(data, batchSize).SelectMany(b => Metrics.PredictedClasses(Train.Activate(loss, model.Forward(b.X, data.SampleShape)))).ToArray();

    // The model's outputs against the data's targets: one column per class for a classification loss (the sparse ones
    // take the labels, one per sample), one per target otherwise.
    static void CheckFits<T>(Sequential<T> model, Dataset data, ILoss loss) where T : struct, IFloatingPointIeee754<T>
    {
        if (model.InputShape is { } expected && expected != data.SampleShape)
            throw new ShapeException($"The model takes samples of shape {expected}, but {data.Name} has samples of shape {data.SampleShape}.");
        var output = model.OutputShape(data.SampleShape);
        if (output.IsImage)
            throw new ShapeException($"The model outputs images {output}, but {data.Name} has {data.TargetCount} target columns: " +
                "end it with Flatten() and a Dense layer (or GlobalAveragePool2D()) sized to the targets.");
        var outputs = output.Size;
        if (data.TargetCount == 0 && data.Labels is null)
            throw new ArgumentException($"{data.Name} has no targets (unlabelled data, to predict on): train and validate on labelled data.");
        if (loss.Sparse)
        {
            if (data.Labels is null)
                throw new ArgumentException($"{loss.Name} takes class labels, but {data.Name} has none (its targets are real values). " +
                    "Build it with Dataset.Classification, or use a regression loss.");
            if (outputs != data.Classes)
                throw new ShapeException($"The model outputs {outputs} columns (one logit per class) but {data.Name} has {data.Classes} classes " +
                    $"(labels 0..{data.Classes - 1}). Make the last Dense layer's size {data.Classes}.");
            return;
        }
        if (data.TargetCount != outputs)
            throw new ShapeException($"The model outputs {outputs} columns but {data.Name} has {data.TargetCount} target columns" +
                (data.Labels is null ? "" : data.TargetCount == 1 ? $" (labels in one column, {data.Classes} classes)" : $" (one-hot rows of {data.Classes} classes)") +
                ". Make the last Dense layer's size match" +
                (data.Labels is not null && data.TargetCount == 1 && data.Classes > 2 ? $", and use Loss.SparseSoftmaxCrossEntropy for labels in one column." : "."));
    }
}

/// <summary>Observers every Fit in this async flow reports to, besides its own (the script host's progress display
/// and metrics file). Not a source of randomness or of results: it only watches.</summary>
public static class FitObservers
{
    static readonly AsyncLocal<IReadOnlyList<IFitObserver>?> current = new();

    /// <summary>The observers in force.</summary>
    public static IReadOnlyList<IFitObserver> Ambient => current.Value ?? [];

    /// <summary>Adds <paramref name="observer"/> for the current async flow; dispose to remove it.</summary>
    public static IDisposable Add(IFitObserver observer)
    {
        var before = current.Value;
        current.Value = [.. Ambient, observer];
        return new Restore(() => current.Value = before);
    }

    sealed class Restore(Action undo) : IDisposable
    {
        public void Dispose() => undo();
    }
}
