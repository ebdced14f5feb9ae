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
    /// <paramref name="earlyStopping"/> may stop it sooner; the result's model is then its best epoch's.</summary>
    public static FitResult<T> Fit<T>(this Sequential<T> model, Dataset train, ILoss loss, IOptimizer optimizer,
        int epochs, int batchSize, Dataset? validation, Rng rng,
        IEnumerable<IFitObserver>? observers = null, CancellationToken cancellation = default, EarlyStopping? earlyStopping = null)
        where T : struct, IFloatingPointIeee754<T>
    {
        if (epochs < 0) throw new ArgumentOutOfRangeException(nameof(epochs), epochs, "Fit: epochs must be ≥ 0.");
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "Fit: batchSize must be positive.");
        if (train.Count == 0) throw new ArgumentException($"Fit: the training set {train.Name} is empty.");
        LossCheck.Require(model, loss);
        CheckFits(model, train, loss);
        if (validation is not null) CheckFits(model, validation, loss);
        model = model with { InputShape = train.SampleShape };   // the trained model knows the shape of its samples

        var stopping = earlyStopping?.Start<T>(validation is not null, train.Labels is not null);
        var watchers = (observers ?? []).Concat(FitObservers.Ambient).ToArray();
        var state = TrainState<T>.Create(model, optimizer, rng.NextUInt64());
        var batches = Batches.Count(train.Count, batchSize);
        foreach (var w in watchers)
            w.OnFitStart(new FitInfo(epochs, batches, batchSize, train.Count, validation?.Count, loss.Name, optimizer.ToString() ?? "",
                model.Describe(train.SampleShape)));

        var history = new List<EpochMetrics>();
        var pool = new StepPool<T>();   // the steps' buffers, recycled once Fit knows them dead (see StepPool)
        var cancelled = false;
        for (var epoch = 1; epoch <= epochs && !cancelled; epoch++)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            double lossSum = 0;
            long correct = 0, seen = 0;
            var batchIndex = 0;
            using var epochBatches = Batches.Of<T>(train, batchSize, rng, classIndices: loss.Sparse).GetEnumerator();
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
                var progress = new BatchProgress(epoch, epochs, batchIndex, batches, lossSum / seen,
                    batch.Labels is null ? null : (double)correct / seen, clock.Elapsed);
                foreach (var w in watchers) w.OnBatchEnd(progress);
            }
            if (cancelled && seen == 0) break;
            double? valLoss = null, valAccuracy = null;
            if (validation is not null && !cancelled)
                (valLoss, valAccuracy) = state.Model.Validate(validation, loss);
            var metrics = new EpochMetrics(epoch, lossSum / seen, train.Labels is null ? null : (double)correct / seen,
                valLoss, valAccuracy, clock.Elapsed.TotalSeconds, optimizer.LearningRateInForce(state.OptimizerState));
            history.Add(metrics);
            // Observers and early stopping may keep this epoch's model: its tensors are theirs, never recycled.
            foreach (var tensor in state.Model.Parameters.Tensors) pool.Escape(tensor);
            var goOn = true;
            foreach (var w in watchers) goOn &= w.OnEpochEnd(metrics, state.Model);
            if (earlyStopping is not null && !cancelled)
            {
                stopping = earlyStopping.Update(stopping!, metrics, state.Model);
                goOn &= stopping.StoppedEpoch is null;
            }
            if (!goOn) break;
        }
        if (earlyStopping is { RestoreBestWeights: true } && stopping?.BestModel is { } best) state = state with { Model = best };
        foreach (var w in watchers) w.OnFitEnd(history);
        return new FitResult<T>(state.Model, state, history, cancelled, stopping);
    }

    /// <summary>Every tensor of a training state that outlives a step: the model's parameters and state (batch norm's running
    /// statistics), and the optimizer's state.</summary>
    internal static IEnumerable<Matrix<T>> TensorsOf<T>(TrainState<T> state) where T : struct, IFloatingPointIeee754<T> =>
        state.Model.Parameters.Tensors.Concat(state.Model.State.Tensors).Concat(state.OptimizerState.ToStateDict().Tensors.Tensors);

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
