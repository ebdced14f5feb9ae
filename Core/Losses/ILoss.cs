using MathNet.Numerics.LinearAlgebra;

namespace Nabla.Losses;

/// <summary>
/// A loss: a scalar L(prediction, target) and its gradient dL/dprediction. prediction and target are batch × outputs
/// (the sparse losses take batch × 1 class indices). Pure: neither argument is changed.
/// </summary>
public interface ILoss
{
    /// <summary>The loss's name as Keras would print it ("mse", "softmax_cross_entropy", …).</summary>
    string Name { get; }

    /// <summary>L and dL/dprediction (same shape as prediction).</summary>
    LossResult<T> Evaluate<T>(Matrix<T> prediction, Matrix<T> target) where T : struct, IFloatingPointIeee754<T>;

    /// <summary>What the prediction must be: probabilities (after Softmax or Sigmoid) or logits (the loss squashes them
    /// itself). Fit and the first Train.Step check it against the model's last layer.</summary>
    LossInput Input => LossInput.Any;

    /// <summary>True when the targets are class indices, batch × 1 (the sparse losses), not rows shaped like the
    /// prediction; Fit then batches a classification dataset's labels instead of its one-hot rows.</summary>
    bool Sparse => false;

    /// <summary>Turns the model's raw outputs into what the loss compares with targets: softmax for the fused
    /// softmax cross-entropy, sigmoid for the from-logits binary cross-entropy, the identity otherwise.</summary>
    Matrix<T> Activate<T>(Matrix<T> output) where T : struct, IFloatingPointIeee754<T> => output;
}

/// <summary>A loss value (accumulated in double) and its gradient with respect to the prediction.</summary>
public readonly record struct LossResult<T>(double Value, Matrix<T> Gradient) where T : struct, IFloatingPointIeee754<T>;
