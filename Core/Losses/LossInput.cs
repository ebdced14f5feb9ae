namespace Nabla.Losses;

/// <summary>What a loss takes as its prediction, so a model whose last layer gives the other kind is caught before
/// training: <see cref="Probabilities"/> (after a Softmax or Sigmoid layer), <see cref="Logits"/> (any real numbers:
/// the loss applies softmax or sigmoid itself) or <see cref="Any"/> (regression losses).</summary>
public enum LossInput
{
    /// <summary>Any real numbers, no squashing implied (MSE, MAE).</summary>
    Any,

    /// <summary>Probabilities: rows that sum to 1 after Softmax, or values in [0, 1] after Sigmoid.</summary>
    Probabilities,

    /// <summary>Logits, the raw output of a Dense layer: the loss applies softmax or sigmoid itself.</summary>
    Logits,
}
