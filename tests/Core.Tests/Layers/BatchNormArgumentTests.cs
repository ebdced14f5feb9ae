namespace Nabla.Tests.Layers;

/// <summary>BatchNorm refuses what it cannot compute (a feature count below 1, tensors of the wrong shape, a bad momentum or
/// epsilon, an input, dy or training batch that does not fit) with messages that name the layer, the tensor, the shapes and
/// the values; the boundary cases are accepted.</summary>
public class BatchNormArgumentTests
{
    static Matrix<float> Row(int columns) => Matrix<float>.Build.Dense(1, columns, 1f);

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void A_feature_count_below_one_is_refused(int features)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Layer.BatchNorm(features));
        Assert.StartsWith($"BatchNorm({features}): the feature or channel count must be at least 1.", e.Message);
        Assert.Equal("features", e.ParamName);
    }

    [Fact]
    public void One_feature_is_accepted()
    {
        var norm = Layer.BatchNorm(1);
        Assert.Equal(1, norm.Features);
        Assert.Equal("BatchNorm(1)", norm.ToString());
    }

    public static TheoryData<int, int, string> WrongTensors => new()
    {
        // (which tensor, its rows, the message): a second row alone is refused, as is the wrong width.
        { 0, 2, "BatchNorm: weight must be 1×3, got 2×3." },
        { 1, 2, "BatchNorm: bias must be 1×3, got 2×3." },
        { 2, 2, "BatchNorm: running_mean must be 1×3, got 2×3." },
        { 3, 2, "BatchNorm: running_var must be 1×3, got 2×3." },
        { 4, 2, "BatchNorm: num_batches_tracked must be 1×1, got 2×1." },
        { 1, 1, "BatchNorm: bias must be 1×3, got 1×4." },
        { 4, 1, "BatchNorm: num_batches_tracked must be 1×1, got 1×2." },
    };

    [Theory]
    [MemberData(nameof(WrongTensors))]
    public void A_tensor_of_the_wrong_shape_is_refused_by_its_pytorch_name(int which, int rows, string message)
    {
        var tensors = new[] { Row(3), Row(3), Row(3), Row(3), Row(1) };
        // Gamma fixes C, so a wrong gamma has the right width and a second row; the others get a second row, or one column too many.
        tensors[which] = rows == 2 ? Matrix<float>.Build.Dense(2, tensors[which].ColumnCount) : Row(tensors[which].ColumnCount + 1);
        var e = Assert.Throws<ShapeException>(() => new BatchNorm<float>(tensors[0], tensors[1], tensors[2], tensors[3], tensors[4]));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void A_momentum_of_one_or_an_epsilon_of_zero_is_refused_naming_batch_norm()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Layer.BatchNorm(3, momentum: 1));
        Assert.StartsWith("BatchNorm: Momentum must be in [0, 1), got 1.", e.Message);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => Layer.BatchNorm(3, epsilon: 0));
        Assert.StartsWith("BatchNorm: Epsilon must be a finite number > 0, got 0.", e.Message);
    }

    static LayerConfig Config(double momentum, double epsilon) => new(("features", 3), ("momentum", momentum), ("epsilon", epsilon));

    [Fact]
    public void A_saved_momentum_or_epsilon_out_of_range_says_what_it_must_be_and_zero_momentum_is_accepted()
    {
        var e = Assert.Throws<LayerConfigException>(() => BatchNorm<float>.TensorsFor(Config(1, 1e-5)));
        Assert.Equal("setting \"momentum\" must be a momentum in [0, 1); it is 1", e.Message);
        e = Assert.Throws<LayerConfigException>(() => BatchNorm<float>.TensorsFor(Config(0.1, 0)));
        Assert.Equal("setting \"epsilon\" must be an epsilon > 0; it is 0", e.Message);
        Assert.Equal(5, BatchNorm<float>.TensorsFor(Config(0, 1e-5)).Count);   // momentum 0: running estimates frozen, allowed
    }

    [Fact]
    public void Forward_and_training_forward_check_the_width_and_the_feature_count()
    {
        var norm = Layer.BatchNorm(3);
        var wide = Matrix<float>.Build.Dense(4, 5);
        Assert.Equal("BatchNorm(3): the input is 4×5 but its samples are said to be (3), 3 values each (batch × 3).",
            Assert.Throws<ShapeException>(() => norm.Forward(wide, SampleShape.Features(3))).Message);
        Assert.Equal("BatchNorm(3): the input is 4×5 but its samples are said to be (3), 3 values each (batch × 3).",
            Assert.Throws<ShapeException>(() => norm.ForwardTrain(wide, SampleShape.Features(3), new Rng(1))).Message);
        // Five columns that are five features: the width fits the shape, the feature count does not fit the layer.
        Assert.StartsWith("BatchNorm(3) normalizes 3 features, but its input has 5 (5): make it BatchNorm(5)",
            Assert.Throws<ShapeException>(() => norm.Forward(wide)).Message);
        Assert.StartsWith("BatchNorm(3) normalizes 3 features, but its input has 5 (5): make it BatchNorm(5)",
            Assert.Throws<ShapeException>(() => norm.ForwardTrain(wide, new Rng(1))).Message);
    }

    [Fact]
    public void Training_needs_two_values_per_channel_and_two_are_enough()
    {
        var norm = Layer.BatchNorm(3);
        var e = Assert.Throws<ShapeException>(() => norm.ForwardTrain(Matrix<float>.Build.Dense(1, 3), new Rng(1)));
        Assert.Equal("BatchNorm(3): training needs at least 2 values per channel to estimate a variance; this batch has 1 " +
            "(1 sample of (3)). Use a batch of at least 2 (PyTorch says the same).", e.Message);
        e = Assert.Throws<ShapeException>(() => norm.ForwardTrain(Matrix<float>.Build.Dense(0, 3), new Rng(1)));
        Assert.Contains("this batch has 0 (0 samples of (3))", e.Message);
        var x = Matrix<float>.Build.DenseOfArray(new float[,] { { 1, 2, 3 }, { 3, 6, 9 } });
        var y = norm.ForwardTrain(x, new Rng(1)).Output;   // each feature's two values normalize to −1 and +1 (up to ε)
        Assert.Equal(-1f, y[0, 2], 1e-3f);
        Assert.Equal(1f, y[1, 2], 1e-3f);
        // One image of 1×2 pixels is also two values per channel.
        Assert.Equal(2, Layer.BatchNorm(1).ForwardTrain(Matrix<float>.Build.Dense(1, 2), SampleShape.Image(1, 1, 2), new Rng(1)).Output.ColumnCount);
    }

    [Fact]
    public void Backward_refuses_a_dy_not_shaped_like_the_input()
    {
        var norm = Layer.BatchNorm(3);
        var trace = norm.ForwardTrain(Matrix<float>.Build.Dense(4, 3, (i, j) => i + j), new Rng(1));
        var e = Assert.Throws<ShapeException>(() => norm.Backward(trace, Matrix<float>.Build.Dense(2, 3)));
        Assert.Equal("BatchNorm(3): dy is 2×3 but input is 4×3; they must have the same shape.", e.Message);
        Assert.Equal("BatchNormGradient(1×3, 1×3)", norm.Backward(trace, Matrix<float>.Build.Dense(4, 3)).Gradient.ToString());
    }
}
