namespace Nabla.Tests.Layers;

/// <summary>The pooling layers (and the window checks they share with Conv2D) refuse a batch, a dy or a saved window that
/// does not fit, with messages that name the layer, the shapes and the values.</summary>
public class PoolingArgumentTests
{
    static readonly SampleShape Image = SampleShape.Image(1, 4, 4);

    public static TheoryData<string> Layers => ["MaxPool2D(2)", "AvgPool2D(2)", "GlobalAveragePool2D"];

    static ILayer<float> Make(string name) => name switch
    {
        "MaxPool2D(2)" => Layer.MaxPool2D(2),
        "AvgPool2D(2)" => Layer.AvgPool2D(2),
        _ => Layer.GlobalAveragePool2D(),
    };

    [Theory]
    [MemberData(nameof(Layers))]
    public void A_batch_narrower_than_its_stated_shape_is_refused_in_both_forwards(string name)
    {
        var layer = Make(name);
        var x = Matrix<float>.Build.Dense(2, 15);
        var message = $"{name}: the input is 2×15 but its samples are said to be (1, 4, 4), 16 values each (batch × 16).";
        Assert.Equal(message, Assert.Throws<ShapeException>(() => layer.Forward(x, Image)).Message);
        Assert.Equal(message, Assert.Throws<ShapeException>(() => layer.ForwardTrain(x, Image, new Rng(1))).Message);
    }

    [Theory]
    [MemberData(nameof(Layers))]
    public void Backward_refuses_a_dy_not_shaped_like_the_output(string name)
    {
        var layer = Make(name);
        var trace = layer.ForwardTrain(Matrix<float>.Build.Dense(2, 16), Image, new Rng(1));
        var output = trace.Output;
        var dy = Matrix<float>.Build.Dense(3, output.ColumnCount);
        var e = Assert.Throws<ShapeException>(() => layer.Backward(trace, dy));
        Assert.Equal($"{name}: dy is 3×{output.ColumnCount} but output is 2×{output.ColumnCount}; they must have the same shape.", e.Message);
        Assert.Throws<ShapeException>(() => layer.Backward(trace, dy, needInputGradient: false));
    }

    [Fact]
    public void Global_average_pooling_refuses_feature_vectors_naming_itself()
    {
        var e = Assert.Throws<ShapeException>(() => Layer.GlobalAveragePool2D().OutputShape(SampleShape.Features(10)));
        Assert.StartsWith("GlobalAveragePool2D takes images (channels, height, width), but its input is a feature vector (10): ", e.Message);
        Assert.EndsWith("or use Dense layers for feature vectors.", e.Message);
        Assert.Equal(SampleShape.Features(3), Layer.GlobalAveragePool2D().OutputShape(SampleShape.Image(3, 5, 2)));
    }

    [Fact]
    public void A_window_wider_than_the_input_is_refused_even_when_it_fits_the_height()
    {
        var e = Assert.Throws<ShapeException>(() => Layer.MaxPool2D(3).OutputShape(SampleShape.Image(1, 5, 2)));
        Assert.StartsWith("MaxPool2D(3): the 3×3 window is larger than its padded input 5×2 (5×2 of (1, 5, 2) plus 0 per side)", e.Message);
        e = Assert.Throws<ShapeException>(() => Layer.AvgPool2D(3).OutputShape(SampleShape.Image(1, 2, 5)));
        Assert.StartsWith("AvgPool2D(3): the 3×3 window is larger than its padded input 2×5", e.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void A_window_below_one_pixel_is_refused_naming_the_layer(int size)
    {
        Assert.StartsWith($"MaxPool2D: size must be at least 1, got {size}.", Assert.Throws<ArgumentOutOfRangeException>(() => Layer.MaxPool2D(size)).Message);
        Assert.StartsWith($"AvgPool2D: size must be at least 1, got {size}.", Assert.Throws<ArgumentOutOfRangeException>(() => Layer.AvgPool2D(size)).Message);
    }

    static LayerConfig Window(int size, int stride, int padding) => new(("kernel_size", size), ("stride", stride), ("padding", padding));

    [Fact]
    public void A_saved_window_out_of_range_says_what_it_must_be()
    {
        Assert.Equal("setting \"stride\" must be a stride ≥ 1; it is 0",
            Assert.Throws<LayerConfigException>(() => MaxPool2D<float>.TensorsFor(Window(3, 0, 0))).Message);
        Assert.Equal("setting \"padding\" must be a padding between 0 and 1; it is 2",
            Assert.Throws<LayerConfigException>(() => AvgPool2D<float>.TensorsFor(Window(3, 1, 2))).Message);
        Assert.Equal("setting \"padding\" must be a padding between 0 and 2; it is 3",
            Assert.Throws<LayerConfigException>(() => MaxPool2D<float>.TensorsFor(Window(4, 1, 3))).Message);
        // Half the window is the most: a 3×3 window with 1 pixel per side is rebuilt as saved.
        Assert.Equal("AvgPool2D(3, stride 1, padding 1)", AvgPool2D<float>.Build(Window(3, 1, 1), []).ToString());
    }
}
