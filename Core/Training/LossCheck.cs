using Nabla.Layers;
using Nabla.Losses;
using Nabla.Models;

namespace Nabla.Training;

/// <summary>
/// The loss and the model's last layer must agree on what the output is (<see cref="ILoss.Input"/>): a loss on
/// probabilities after a Softmax or Sigmoid layer, a loss on logits after a layer that does not squash (else softmax is
/// applied twice). Either mismatch still trains, to a wrong result (a negative loss, or 77% where 90% is due), so
/// Fit and the first Train.Step refuse it. A last layer of your own is not judged: it may give either.
/// </summary>
public static class LossCheck
{
    /// <summary>Throws an <see cref="ArgumentException"/> naming the loss, the last layer and what to use instead when
    /// <paramref name="loss"/> cannot take what <paramref name="model"/> outputs.</summary>
    public static void Require<T>(Sequential<T> model, ILoss loss) where T : struct, IFloatingPointIeee754<T>
    {
        // Dropout is the identity at inference: the layer before it decides what the model outputs.
        var last = model.Layers.LastOrDefault(l => l is not Dropout<T>);
        if (last is null || loss.Input == LossInput.Any) return;
        var squashes = last is Softmax<T> or Sigmoid<T>;
        var builtIn = last.GetType().Namespace == typeof(Dense<T>).Namespace;
        if (loss.Input == LossInput.Probabilities && !squashes && builtIn)
            throw new ArgumentException(
                $"{loss.Name} takes probabilities, but the model's last layer, {last}, gives unbounded values (logits). " +
                (loss is BinaryCrossEntropy
                    ? "Add Sigmoid() as the last layer, or use Loss.SigmoidBinaryCrossEntropy, which takes logits."
                    : loss is CategoricalCrossEntropy
                        ? "Add Softmax() as the last layer, or use Loss.SoftmaxCrossEntropy, which takes logits."
                        : "Add Softmax() or Sigmoid() as the last layer, or use a loss that takes logits."));
        if (loss.Input == LossInput.Logits && squashes)
            throw new ArgumentException(
                $"{loss.Name} takes logits and applies {(loss is SigmoidBinaryCrossEntropy ? "sigmoid" : "softmax")} itself, but the model's last " +
                $"layer, {last}, already gives probabilities: they would be squashed twice. Remove the {last} layer " +
                "(Predict with this loss still gives probabilities)" +
                (loss is SoftmaxCrossEntropy && last is Softmax<T> ? ", or use Loss.CategoricalCrossEntropy, which takes probabilities."
                    : loss is SigmoidBinaryCrossEntropy && last is Sigmoid<T> ? ", or use Loss.BinaryCrossEntropy, which takes probabilities."
                    : "."));
    }
}
