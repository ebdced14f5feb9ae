namespace Nabla.Tests.Training;

/// <summary>Predicted classes and accuracy against hand-computed examples (the confusion matrix and the per-class
/// figures are tested in Evaluation/).</summary>
public class MetricsTests
{
    [Fact]
    public void Predicted_classes_are_the_row_argmax_or_a_half_threshold_for_one_column()
    {
        var probabilities = Kernels.FromRowMajor<double>(3, 3, [0.1, 0.7, 0.2, 0.5, 0.2, 0.3, 0.1, 0.3, 0.6]);
        Assert.Equal([1, 0, 2], Metrics.PredictedClasses(probabilities));
        Assert.Equal([0, 1, 1, 0], Metrics.PredictedClasses(Kernels.FromRowMajor<double>(4, 1, [0.49, 0.5, 0.9, 0.1])));
    }

    [Fact]
    public void Accuracy_is_the_fraction_of_rows_whose_class_is_the_label()
    {
        var probabilities = Kernels.FromRowMajor<float>(4, 2, [0.9, 0.1, 0.2, 0.8, 0.6, 0.4, 0.3, 0.7]);   // classes 0, 1, 0, 1
        Assert.Equal(3, Metrics.CorrectCount(probabilities, [0, 1, 1, 1]));
        Assert.Equal(0.75, Metrics.Accuracy(probabilities, [0, 1, 1, 1]));
        Assert.Equal(0.25, Metrics.Accuracy(probabilities, [1, 1, 1, 0]));
    }

    [Fact]
    public void The_binary_loss_from_logits_predicts_through_the_sigmoid()
    {
        // Logits −0.2, 0.3, −3, 2: probabilities 0.45, 0.57, 0.05, 0.88, so classes 0, 1, 0, 1. Read as probabilities,
        // the logits themselves would give 0, 0, 0, 1.
        var logits = Kernels.FromRowMajor<double>(4, 1, [-0.2, 0.3, -3, 2]);
        var p = Loss.SigmoidBinaryCrossEntropy.Activate(logits);
        for (var i = 0; i < 4; i++) TestSupport.AssertClose(1 / (1 + Math.Exp(-logits[i, 0])), p[i, 0], 1e-15, $"σ(z[{i}])");
        Assert.Equal([0, 1, 0, 1], Metrics.PredictedClasses(p));
        var model = Sequential.Of<double>(new Linear<double>());
        var data = Dataset.Classification("logits", [-0.2f, 0.3f, -3f, 2f], 1, [0, 1, 1, 1], 2, binary: true);
        Assert.Equal([0, 1, 0, 1], model.PredictClasses(data, Loss.SigmoidBinaryCrossEntropy));
        Assert.Equal(0.75, model.Evaluate(data, Loss.SigmoidBinaryCrossEntropy).Accuracy);
    }

    [Fact]
    public void One_column_counts_a_probability_of_exactly_one_half_as_class_1()
    {
        var probabilities = Kernels.FromRowMajor<double>(5, 1, [0.5, 0.49, 0.9, 0.1, 0.5]);
        Assert.Equal(5, Metrics.CorrectCount(probabilities, [1, 0, 1, 0, 1]));
        Assert.Equal(1, Metrics.CorrectCount(probabilities, [0, 1, 0, 1, 1]));
        Assert.Equal(0.8, Metrics.Accuracy(probabilities, [1, 0, 1, 0, 0]));
    }

    [Fact]
    public void A_tie_goes_to_the_first_largest_class_as_predicted_classes_says()
    {
        // Rows: a tie of the first two, a tie of the last two, a three-way tie: classes 0, 1, 0.
        var probabilities = Kernels.FromRowMajor<float>(3, 3, [0.4, 0.4, 0.2, 0.2, 0.4, 0.4, 0.25, 0.25, 0.25]);
        Assert.Equal([0, 1, 0], Metrics.PredictedClasses(probabilities));
        Assert.Equal(3, Metrics.CorrectCount(probabilities, [0, 1, 0]));
        Assert.Equal(0, Metrics.CorrectCount(probabilities, [1, 2, 2]));
    }

    [Fact]
    public void Predictions_and_labels_must_be_as_many()
    {
        var probabilities = Kernels.FromRowMajor<double>(3, 2, [0.9, 0.1, 0.2, 0.8, 0.6, 0.4]);
        Assert.Equal("Accuracy: 3 predictions but 2 labels.", Assert.Throws<ShapeException>(() => Metrics.CorrectCount(probabilities, [0, 1])).Message);
        Assert.Equal("Accuracy: 3 predictions but 2 labels.", Assert.Throws<ShapeException>(() => Metrics.Accuracy(probabilities, [0, 1])).Message);
    }

    [Fact]
    public void The_accuracy_of_no_rows_is_nan_and_rows_without_labels_are_refused()
    {
        Assert.Equal(double.NaN, Metrics.Accuracy(Matrix<double>.Build.Dense(0, 2), []));
        // It returned NaN here too, hiding a call that forgot its labels.
        var probabilities = Kernels.FromRowMajor<double>(3, 2, [0.9, 0.1, 0.2, 0.8, 0.6, 0.4]);
        Assert.Equal("Accuracy: 3 predictions but 0 labels.", Assert.Throws<ShapeException>(() => Metrics.Accuracy(probabilities, [])).Message);
    }
}
