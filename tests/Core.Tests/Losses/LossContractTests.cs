namespace Nabla.Tests.Losses;

/// <summary>What every loss promises beside its values and gradients: the name runs and model files record, a shape error
/// that names the loss and both shapes, and the input checks of the losses that take probabilities or class indices
/// (issue 14: the mutants that survived in Core/Losses were these checks).</summary>
public class LossContractTests
{
    public static TheoryData<ILoss, string> Named => new()
    {
        { Loss.Mse, "mse" },
        { Loss.Mae, "mae" },
        { Loss.BinaryCrossEntropy, "binary_cross_entropy" },
        { Loss.SigmoidBinaryCrossEntropy, "sigmoid_binary_cross_entropy" },
        { Loss.CategoricalCrossEntropy, "categorical_cross_entropy" },
        { Loss.SoftmaxCrossEntropy, "softmax_cross_entropy" },
        { Loss.SparseSoftmaxCrossEntropy, "sparse_softmax_cross_entropy" },
    };

    [Theory]
    [MemberData(nameof(Named))]
    public void A_loss_is_named_as_runs_record_it_and_prints_that_name(ILoss loss, string name)
    {
        Assert.Equal(name, loss.Name);
        Assert.Equal(name, loss.ToString());
    }

    [Theory]
    [MemberData(nameof(Named))]
    public void A_target_of_another_shape_is_refused_naming_the_loss_and_both_shapes(ILoss loss, string name)
    {
        var prediction = Matrix<double>.Build.Dense(4, 3, 0.25);
        var target = Matrix<double>.Build.Dense(4, 2, 0.0);   // sparse: labels must be 4×1
        var e = Assert.Throws<ShapeException>(() => loss.Evaluate(prediction, target));
        Assert.Contains(name, e.Message);
        Assert.Contains("4×3", e.Message);
        Assert.Contains("4×2", e.Message);
        // Which operand is which: "prediction is 4×3 but target is 4×2" (logits for the losses that take them).
        Assert.Matches(loss.Sparse ? "labels must be 4×1.*4×3 logits" : $"(prediction|logits) is 4×3 but target is 4×2", e.Message);
    }

    [Theory]
    [InlineData(1.5)]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    public void Binary_cross_entropy_refuses_a_prediction_that_is_not_a_probability(double p)
    {
        var prediction = Matrix<double>.Build.DenseOfArray(new[,] { { 0.5 }, { p } });
        var target = Matrix<double>.Build.DenseOfArray(new[,] { { 1.0 }, { 0.0 } });
        var e = Assert.Throws<ArgumentException>(() => Loss.BinaryCrossEntropy.Evaluate(prediction, target));
        Assert.Contains("binary_cross_entropy", e.Message);
        Assert.Contains("index 1", e.Message);
        Assert.Contains("SigmoidBinaryCrossEntropy", e.Message);   // what to use for logits
    }

    [Fact]
    public void Binary_cross_entropy_takes_probabilities_0_and_1_themselves()
    {
        var prediction = Matrix<double>.Build.DenseOfArray(new[,] { { 0.0 }, { 1.0 } });
        var target = Matrix<double>.Build.DenseOfArray(new[,] { { 0.0 }, { 1.0 } });
        Assert.Equal(0, Loss.BinaryCrossEntropy.Evaluate(prediction, target).Value, 12);
    }

    [Theory]
    [InlineData(0.5, "0.5")]    // not a whole number
    [InlineData(-1.0, "-1")]
    [InlineData(3.0, "3")]      // one past the last class of 3
    public void Sparse_cross_entropy_refuses_a_label_that_is_not_a_class_index(double label, string shown)
    {
        var logits = Matrix<double>.Build.Dense(2, 3, 0.1);
        var labels = Matrix<double>.Build.DenseOfArray(new[,] { { 0.0 }, { label } });
        var e = Assert.Throws<ArgumentException>(() => Loss.SparseSoftmaxCrossEntropy.Evaluate(logits, labels));
        Assert.Contains($"row 1 has label {shown}", e.Message);
        Assert.Contains("0..2", e.Message);
    }

    [Fact]
    public void Sparse_cross_entropy_takes_the_first_and_last_class()
    {
        var logits = Matrix<double>.Build.Dense(2, 3, 0.0);
        var labels = Matrix<double>.Build.DenseOfArray(new[,] { { 0.0 }, { 2.0 } });
        Assert.Equal(Math.Log(3), Loss.SparseSoftmaxCrossEntropy.Evaluate(logits, labels).Value, 12);
    }

    [Fact]
    public void Mae_gradient_is_zero_where_the_prediction_equals_the_target_as_in_pytorch()
    {
        var prediction = Matrix<double>.Build.DenseOfArray(new[,] { { 1.0, 2.0 } });
        var target = Matrix<double>.Build.DenseOfArray(new[,] { { 1.0, 3.0 } });
        var result = Loss.Mae.Evaluate(prediction, target);
        Assert.Equal(0.5, result.Value, 12);
        Assert.Equal([0.0, -0.5], TestSupport.Snapshot(result.Gradient));
    }

    /// <summary>Targets need not be one-hot: a row of mass 2 (two labels at once) gives 2·softmax(z) − y, as the formula says.</summary>
    [Fact]
    public void Softmax_cross_entropy_weighs_the_softmax_by_each_rows_target_mass()
    {
        var logits = Matrix<double>.Build.Dense(1, 3, 0.0);   // softmax 1/3 each
        var target = Matrix<double>.Build.DenseOfArray(new[,] { { 1.0, 1.0, 0.0 } });
        var result = Loss.SoftmaxCrossEntropy.Evaluate(logits, target);
        Assert.Equal(2 * Math.Log(3), result.Value, 12);
        var gradient = TestSupport.Snapshot(result.Gradient);
        Assert.Equal(-1.0 / 3, gradient[0], 12);
        Assert.Equal(-1.0 / 3, gradient[1], 12);
        Assert.Equal(2.0 / 3, gradient[2], 12);
    }
}
