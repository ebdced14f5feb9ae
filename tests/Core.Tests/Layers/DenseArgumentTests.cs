namespace Nabla.Tests.Layers;

/// <summary>Dense refuses what it cannot compute (sizes below 1, a bias, input or dy of the wrong shape, a saved size too
/// large for one matrix) with a message that names the layer, the shapes and the values; and accepts the boundary cases.</summary>
public class DenseArgumentTests
{
    static readonly Rng Seeded = new(1);

    static Trace<float> TraceOf(int rows, int columns) => new(Matrix<float>.Build.Dense(rows, columns), SampleShape.Features(columns), Matrix<float>.Build.Dense(rows, 1));

    [Theory]
    [InlineData(0, 5)]
    [InlineData(5, 0)]
    [InlineData(-1, 5)]
    public void A_size_below_one_is_refused_naming_both_sizes(int inputs, int outputs)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Layer.Dense(inputs, outputs, Seeded));
        Assert.StartsWith($"Dense({inputs} → {outputs}): sizes must be positive.", e.Message);
        Assert.Equal("inputs", e.ParamName);
    }

    [Fact]
    public void Sizes_of_one_are_accepted()
    {
        var dense = Layer.Dense(1, 1, Seeded);
        Assert.Equal((1, 1), (dense.Inputs, dense.Outputs));
        Assert.Equal("Dense(1 → 1)", dense.ToString());
    }

    [Fact]
    public void A_bias_of_the_wrong_shape_is_refused_at_forward()
    {
        var w = Matrix<float>.Build.Dense(3, 2);
        var x = Matrix<float>.Build.Dense(4, 3);
        // Two rows of the right width (only the row count is wrong), then one row of the wrong width.
        var e = Assert.Throws<ShapeException>(() => new Dense<float>(w, Matrix<float>.Build.Dense(2, 2)).Forward(x));
        Assert.Equal("Dense(3 → 2): bias must be 1×2, got 2×2.", e.Message);
        e = Assert.Throws<ShapeException>(() => new Dense<float>(w, Matrix<float>.Build.Dense(1, 3)).Forward(x));
        Assert.Equal("Dense(3 → 2): bias must be 1×2, got 1×3.", e.Message);
    }

    [Fact]
    public void Forward_checks_the_stated_sample_shape_not_only_the_width()
    {
        // 4 columns fit Dense(4 → 2), but the samples are said to be 1×2×2 images: Flatten is missing.
        var e = Assert.Throws<ShapeException>(() => Layer.Dense(4, 2, Seeded).Forward(Matrix<float>.Build.Dense(3, 4), SampleShape.Image(1, 2, 2)));
        Assert.Contains("Dense(4 → 2) takes feature vectors (4), but its input is images (1, 2, 2): did you forget Flatten()?", e.Message);
    }

    [Fact]
    public void Backward_refuses_a_dy_of_the_wrong_shape_naming_the_expected_one()
    {
        var dense = Layer.Dense(3, 2, Seeded);
        var trace = TraceOf(4, 3);
        // Wrong row count alone, then wrong column count alone: each is refused.
        var e = Assert.Throws<ShapeException>(() => dense.Backward(trace, Matrix<float>.Build.Dense(5, 2)));
        Assert.Equal("Dense(3 → 2): dy must be 4×2 (batch × outputs), got 5×2.", e.Message);
        e = Assert.Throws<ShapeException>(() => dense.Backward(trace, Matrix<float>.Build.Dense(4, 3)));
        Assert.Equal("Dense(3 → 2): dy must be 4×2 (batch × outputs), got 4×3.", e.Message);
    }

    [Fact]
    public void Backward_refuses_a_trace_whose_input_is_not_this_layers()
    {
        var e = Assert.Throws<ShapeException>(() => Layer.Dense(3, 2, Seeded).Backward(TraceOf(4, 5), Matrix<float>.Build.Dense(4, 2)));
        Assert.StartsWith("Dense(3 → 2) expects input with 3 columns (batch × 3), got 4×5.", e.Message);
    }

    [Fact]
    public void A_saved_size_too_large_for_one_matrix_is_refused_with_the_largest_that_fits()
    {
        // 65536 · 32768 = 2^31 values, one more than an int indexes; int.MaxValue · 1 is exactly the most that fits.
        var e = Assert.Throws<LayerConfigException>(() => Dense<float>.TensorsFor(new LayerConfig(("inputs", 65536), ("outputs", 32768))));
        Assert.Equal("setting \"outputs\" must be at most 32767 for 65536 inputs (one matrix); it is 32768", e.Message);
        var largest = Dense<float>.TensorsFor(new LayerConfig(("inputs", int.MaxValue), ("outputs", 1)));
        Assert.Equal([1, int.MaxValue], largest[0].Shape);
    }

    [Fact]
    public void The_gradient_prints_its_shapes()
    {
        var dense = Layer.Dense(3, 2, Seeded);
        var gradient = dense.Backward(TraceOf(4, 3), Matrix<float>.Build.Dense(4, 2)).Gradient;
        Assert.Equal("DenseGradient(3×2, 1×2)", gradient.ToString());
    }
}
