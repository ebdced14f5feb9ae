namespace Nabla.Training;

/// <summary>One epoch's figures, named as Keras's History names them (loss, accuracy, val_loss, val_accuracy).
/// Accuracy is null for regression; validation figures are null without validation data.</summary>
public sealed record EpochMetrics(int Epoch, double Loss, double? Accuracy, double? ValLoss, double? ValAccuracy, double Seconds, double? LearningRate = null);

/// <summary>The result of <c>Fit</c>: the trained model (the best epoch's under early stopping), the final training state
/// (holding that model), one record per epoch, and where early stopping ended (null without it).</summary>
public sealed record FitResult<T>(Models.Sequential<T> Model, TrainState<T> State, IReadOnlyList<EpochMetrics> History, bool Cancelled,
    EarlyStoppingState<T>? EarlyStopping = null)
    where T : struct, IFloatingPointIeee754<T>
{
    /// <summary>The last epoch's figures.</summary>
    public EpochMetrics Last => History.Count > 0 ? History[^1] : throw new InvalidOperationException("Fit ran no epoch.");

    /// <summary>Prints the epoch count: "FitResult(5 epochs)", with ", cancelled" when it was.</summary>
    public override string ToString() => $"FitResult({History.Count} epochs{(Cancelled ? ", cancelled" : "")})";
}

/// <summary>Raised when the loss stops being a finite number: training would go on silently producing garbage.</summary>
public sealed class TrainingDivergedException(string message) : Exception(message);
