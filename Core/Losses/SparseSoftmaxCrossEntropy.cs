using MathNet.Numerics.LinearAlgebra;

namespace Nabla.Losses;

/// <summary>Softmax cross-entropy from logits z (batch × classes) and integer labels (batch × 1, each in 0..classes−1):
/// L = −(1/B) Σ_i log softmax(z)_i,label_i. dL/dz = (softmax(z) − onehot(label))/B (Keras's sparse categorical
/// cross-entropy with from_logits=True).</summary>
public sealed record SparseSoftmaxCrossEntropy : ILoss
{
    /// <inheritdoc/>
    public string Name => "sparse_softmax_cross_entropy";

    /// <summary>Logits: the raw outputs z, no Softmax before the loss.</summary>
    public LossInput Input => LossInput.Logits;

    /// <summary>True: the targets are class indices, batch × 1.</summary>
    public bool Sparse => true;

    /// <summary>L = −(1/B) Σ_i log softmax(z)_i,label_i and dL/dz = (softmax(z) − onehot(label))/B; logits: batch × classes,
    /// labels: batch × 1 whole numbers in 0..classes − 1.</summary>
    public LossResult<T> Evaluate<T>(Matrix<T> prediction, Matrix<T> target) where T : struct, IFloatingPointIeee754<T>
    {
        var (rows, columns) = (prediction.RowCount, prediction.ColumnCount);
        if (target.RowCount != rows || target.ColumnCount != 1)
            throw new ShapeException($"{Name}: labels must be {rows}×1 (one class index per row of the {Shape.Of(prediction)} logits), got {Shape.Of(target)}.");
        var labels = Kernels.Values(target);
        var logP = Activations.LogSoftmax(prediction);
        var lp = Kernels.Values(logP);
        var index = new int[rows];
        var sum = 0.0;
        for (var i = 0; i < rows; i++)
        {
            var label = double.CreateChecked(labels[i]);
            if (label != Math.Floor(label) || label < 0 || label >= columns)
                throw new ArgumentException($"{Name}: row {i} has label {label}; labels must be whole numbers in 0..{columns - 1}.");
            index[i] = (int)label * rows + i;
            sum -= double.CreateChecked(lp[index[i]]);
        }
        // Reuse the log-probabilities' fresh buffer for the gradient: (softmax − onehot) / B.
        var invBatch = T.One / T.CreateChecked(rows);
        for (var k = 0; k < lp.Length; k++) lp[k] = T.Exp(lp[k]) * invBatch;
        foreach (var k in index) lp[k] -= invBatch;
        return new(sum / rows, logP);
    }

    /// <summary>softmax(z) over each row: the class probabilities the logits stand for.</summary>
    public Matrix<T> Activate<T>(Matrix<T> output) where T : struct, IFloatingPointIeee754<T> => Activations.Softmax(output);

    /// <summary>Prints <see cref="Name"/>: "sparse_softmax_cross_entropy".</summary>
    public override string ToString() => Name;
}
