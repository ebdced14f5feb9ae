using System.Globalization;
using MathNet.Numerics.LinearAlgebra;
using Nabla.Data;
using Nabla.Layers;
using Nabla.Losses;
using Nabla.Models;

namespace Nabla.Evaluation;

/// <summary>One class and its probability.</summary>
public sealed record ClassProbability(int Class, string Name, double Probability)
{
    /// <summary>Prints the name and percentage: "7 99.81%".</summary>
    public override string ToString() => $"{Name} {(100 * Probability).ToString("F2", CultureInfo.InvariantCulture)}%";
}

/// <summary>A model's answer for one input: the predicted class (argmax) and the best few classes with their
/// probabilities, best first.</summary>
public sealed record Prediction(int Class, string Name, double Probability, IReadOnlyList<ClassProbability> Top)
{
    /// <summary>"7 (7 99.81%, 3 0.12%, 2 0.04%)".</summary>
    public override string ToString() => $"{Name} ({string.Join(", ", Top)})";
}

/// <summary>
/// Predictions for single inputs: <c>model.PredictImage("digit.png")</c> and <c>model.PredictRow(features)</c>.
/// Probabilities come from the loss's output activation when it is given (softmax for softmax cross-entropy), else from
/// the model's own end: its outputs if it ends in Softmax or Sigmoid, exp of them after LogSoftmax, otherwise softmax of
/// several outputs or the sigmoid of one (a model trained on logits, as Nabla's fused losses train it).
/// </summary>
public static class PredictExtensions
{
    /// <summary>Class probabilities for each row of x (batch × inputs → batch × classes; batch × 1 for a sigmoid).</summary>
    public static Matrix<T> Probabilities<T>(this Sequential<T> model, Matrix<T> x, ILoss? loss = null) where T : struct, IFloatingPointIeee754<T>
    {
        var output = model.Forward(x);
        if (loss is not null) return loss.Activate(output);
        return model.Layers.Length > 0 ? model.Layers[^1] switch
        {
            Softmax<T> or Sigmoid<T> => output,
            LogSoftmax<T> => output.Map(T.Exp),
            _ => output.ColumnCount > 1 ? Activations.Softmax(output) : Activations.Sigmoid(output),
        } : output;
    }

    /// <summary>The prediction for one sample's features (as the dataset rows the model was trained on).</summary>
    public static Prediction PredictRow<T>(this Sequential<T> model, IReadOnlyList<float> features, ILoss? loss = null,
        IReadOnlyList<string>? classNames = null, int top = 3) where T : struct, IFloatingPointIeee754<T>
    {
        var x = Kernels.FromRowMajor<T>(1, features.Count, features.Select(v => (double)v).ToArray());
        var probabilities = model.Probabilities(x, loss);
        var classes = probabilities.ColumnCount == 1 ? 2 : probabilities.ColumnCount;
        if (classNames is not null && classNames.Count != classes)
            throw new ArgumentException($"Predict: {classNames.Count} class names for a model with {classes} classes.", nameof(classNames));
        var names = classNames ?? ClassNames.Default(classes);
        var best = TopK.Best(probabilities, 0, Math.Clamp(top, 1, classes)).Select(b => new ClassProbability(b.Class, names[b.Class], b.Score)).ToArray();
        return new(best[0].Class, best[0].Name, best[0].Probability, best);
    }

    /// <summary>The prediction for an image file (PNG, JPEG, …): read in grayscale, resized to the model's input
    /// (<paramref name="size"/>; by default the model's input shape when it is a 1-channel image, as for a CNN trained by
    /// Fit, else a square of the first Dense layer's inputs: 784 → 28 × 28), inverted when
    /// <paramref name="invert"/> (a dark digit on white paper, for a model trained on MNIST's white on black), and
    /// scaled as <see cref="Mnist"/> scales pixels (p / 255, in [0, 1]) or by <paramref name="scale"/> when given.</summary>
    public static Prediction PredictImage<T>(this Sequential<T> model, string path, bool invert = false, ILoss? loss = null,
        IReadOnlyList<string>? classNames = null, int top = 3, float? scale = null, ImageShape? size = null) where T : struct, IFloatingPointIeee754<T> =>
        model.PredictRow(ImageFeatures(model, path, invert, scale, size), loss, classNames, top);

    /// <summary>The feature row <see cref="PredictImage{T}"/> feeds the model for the image at <paramref name="path"/>.</summary>
    public static float[] ImageFeatures<T>(Sequential<T> model, string path, bool invert = false, float? scale = null, ImageShape? size = null)
        where T : struct, IFloatingPointIeee754<T>
    {
        var inputs = model.Layers.OfType<Dense<T>>().FirstOrDefault()?.Inputs;
        var shape = size ?? (model.InputShape is { IsImage: true, Channels: 1 } input ? new ImageShape(input.Height, input.Width) : null)
            ?? (inputs is { } n ? ImageShape.Guess(n) : null)
            ?? throw new ArgumentException($"PredictImage: cannot tell the image size the model takes ({(inputs is { } k ? $"{k} inputs is not a square" : "no Dense layer")}); pass size: new ImageShape(height, width).");
        var image = ImageFile.ReadGray(path).Resize(shape.Width, shape.Height);
        return (invert ? image.Inverted() : image).ToFeatures(scale);
    }
}
