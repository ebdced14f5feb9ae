namespace Nabla.Losses;

/// <summary>The losses by the names Keras and PyTorch users know.</summary>
public static class Loss
{
    /// <summary>Mean squared error (regression).</summary>
    public static readonly ILoss Mse = new Mse();

    /// <summary>Mean absolute error (regression).</summary>
    public static readonly ILoss Mae = new Mae();

    /// <summary>Binary cross-entropy from probabilities (after a Sigmoid layer).</summary>
    public static readonly ILoss BinaryCrossEntropy = new BinaryCrossEntropy();

    /// <summary>Binary cross-entropy from logits, sigmoid fused (a Linear output).</summary>
    public static readonly ILoss SigmoidBinaryCrossEntropy = new SigmoidBinaryCrossEntropy();

    /// <summary>Categorical cross-entropy from probabilities (after a Softmax layer), one-hot targets.</summary>
    public static readonly ILoss CategoricalCrossEntropy = new CategoricalCrossEntropy();

    /// <summary>Softmax cross-entropy from logits, one-hot targets: the usual classification loss.</summary>
    public static readonly ILoss SoftmaxCrossEntropy = new SoftmaxCrossEntropy();

    /// <summary>Softmax cross-entropy from logits, integer labels (batch × 1).</summary>
    public static readonly ILoss SparseSoftmaxCrossEntropy = new SparseSoftmaxCrossEntropy();
}
