using MathNet.Numerics.LinearAlgebra;

namespace Nabla.Losses;

/// <summary>Softmax and categorical cross-entropy fused, from logits z (batch × classes) and targets y (one-hot, or
/// any rows of probabilities): L = −(1/B) Σ_i Σ_k y_ik log softmax(z)_ik. dL/dz = (softmax(z)·Σ_k y_ik − y)/B, which is
/// (p − y)/B for one-hot targets (PyTorch's CrossEntropyLoss, Keras's from_logits=True).</summary>
public sealed record SoftmaxCrossEntropy : ILoss
{
    /// <inheritdoc/>
    public string Name => "softmax_cross_entropy";

    /// <summary>Logits: the raw outputs z, no Softmax before the loss.</summary>
    public LossInput Input => LossInput.Logits;

    /// <summary>L = −(1/B) Σ_i Σ_k y_ik log softmax(z)_ik and dL/dz = (softmax(z)·Σ_k y_ik − y)/B; logits and target: batch ×
    /// classes.</summary>
    public LossResult<T> Evaluate<T>(Matrix<T> prediction, Matrix<T> target) where T : struct, IFloatingPointIeee754<T>
    {
        Shape.RequireSame(this, "logits", prediction, "target", target);
        var (rows, columns) = (prediction.RowCount, prediction.ColumnCount);
        var logP = Activations.LogSoftmax(prediction);
        var (lp, y) = (Kernels.Values(logP), Kernels.Values(target));
        using var scratch = new Scratch<T>(rows);
        var targetMass = scratch.Span;
        targetMass.Clear();
        var sum = 0.0;
        for (var j = 0; j < columns; j++)
            for (var i = 0; i < rows; i++)
            {
                var k = j * rows + i;
                targetMass[i] += y[k];
                if (y[k] != T.Zero) sum -= double.CreateChecked(y[k] * lp[k]);   // 0·log 0 counts as 0
            }
        // Reuse the log-probabilities' fresh buffer for the gradient: (e^logp · Σy − y) / B.
        var invBatch = T.One / T.CreateChecked(rows);
        for (var j = 0; j < columns; j++)
        {
            var column = lp.AsSpan(j * rows, rows);
            Simd.Exp<T>(column, column);
            Simd.Multiply<T>(column, targetMass, column);
            Simd.Subtract<T>(column, y.AsSpan(j * rows, rows), column);
            Simd.Multiply<T>(column, invBatch, column);
        }
        return new(sum / rows, logP);
    }

    /// <summary>softmax(z) over each row: the class probabilities the logits stand for.</summary>
    public Matrix<T> Activate<T>(Matrix<T> output) where T : struct, IFloatingPointIeee754<T> => Activations.Softmax(output);

    /// <summary>Prints <see cref="Name"/>: "softmax_cross_entropy".</summary>
    public override string ToString() => Name;
}
