using System.Text.Json.Nodes;

namespace Nabla.Tests.Layers;

/// <summary>Conv2D refuses what it cannot compute (channels or kernel below 1, weights that are not a whole number of
/// kernels, a bias or dy of the wrong shape, a saved size too large for one matrix) with messages that name the layer, the
/// shapes and the values; the boundary cases are accepted, and the layer and its gradient print what they hold.</summary>
public class Conv2DArgumentTests
{
    static readonly Rng Seeded = new(1);

    [Fact]
    public void By_default_weights_and_bias_are_uniform_within_one_over_the_root_of_the_fan_in_as_in_pytorch()
    {
        // nn.Conv2d(3, 64, 3): fan_in = 3·3·3 = 27, bound 1/√27 ≈ 0.192. Of 1,728 weights and 64 biases drawn uniformly
        // in ±bound, the largest reaches past 0.95·bound and 0.8·bound (all falling short has probability below 1e-6).
        var conv = Layer.Conv2D(3, 64, 3, new Rng(7));
        var bound = 1 / Math.Sqrt(27);
        foreach (var (values, near) in new[] { (conv.Weights.Enumerate().ToArray(), 0.95), (conv.Bias!.Enumerate().ToArray(), 0.8) })
        {
            var largest = values.Max(v => Math.Abs((double)v));
            Assert.InRange(largest, near * bound, bound);
            Assert.Contains(values, v => v < 0);
        }
    }

    [Theory]
    [InlineData(0, 4, 3)]
    [InlineData(1, 0, 3)]
    [InlineData(1, 4, 0)]
    [InlineData(-2, 4, 3)]
    public void Channels_or_a_kernel_below_one_are_refused_naming_all_three(int inChannels, int outChannels, int kernelSize)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Layer.Conv2D(inChannels, outChannels, kernelSize, Seeded));
        Assert.StartsWith($"Conv2D({inChannels} → {outChannels}, {kernelSize}×{kernelSize}): channels and kernel size must be at least 1.", e.Message);
    }

    [Fact]
    public void One_channel_in_and_out_and_a_1x1_kernel_are_accepted()
    {
        var conv = Layer.Conv2D(1, 1, 1, Seeded);
        Assert.Equal((1, 1, 1, 1), (conv.InChannels, conv.OutChannels, conv.KernelHeight, conv.KernelWidth));
    }

    [Theory]
    [InlineData(0, 3, "kernelHeight", 0)]
    [InlineData(3, 0, "kernelWidth", 0)]
    [InlineData(3, -1, "kernelWidth", -1)]
    public void A_kernel_side_below_one_is_refused_by_name(int kernelHeight, int kernelWidth, string name, int value)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Conv2D<float>(Matrix<float>.Build.Dense(9, 2), null, kernelHeight, kernelWidth));
        Assert.StartsWith($"Conv2D: {name} must be at least 1, got {value}.", e.Message);
        Assert.Equal(name, e.ParamName);
    }

    [Fact]
    public void Weights_that_are_not_a_whole_number_of_kernels_are_refused()
    {
        // 7 rows cannot be in_channels · (3·2): the message says the shape the weights need.
        var e = Assert.Throws<ShapeException>(() => new Conv2D<float>(Matrix<float>.Build.Dense(7, 4), null, 3, 2));
        Assert.Equal("Conv2D: the weights are 7×4, but a 3×2 kernel needs (in_channels·6) × out_channels.", e.Message);
        Assert.Equal(2, new Conv2D<float>(Matrix<float>.Build.Dense(12, 4), null, 3, 2).InChannels);
    }

    [Fact]
    public void A_bias_of_the_wrong_shape_is_refused()
    {
        var w = Matrix<float>.Build.Dense(9, 4);
        var e = Assert.Throws<ShapeException>(() => new Conv2D<float>(w, Matrix<float>.Build.Dense(2, 4), 3, 3));
        Assert.Equal("Conv2D: the bias must be 1×4 (one per output channel), got 2×4.", e.Message);
        e = Assert.Throws<ShapeException>(() => new Conv2D<float>(w, Matrix<float>.Build.Dense(1, 3), 3, 3));
        Assert.Equal("Conv2D: the bias must be 1×4 (one per output channel), got 1×3.", e.Message);
    }

    [Fact]
    public void A_stride_below_one_set_with_with_names_conv2d()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Layer.Conv2D(1, 2, 3, Seeded) with { Stride = 0 });
        Assert.StartsWith("Conv2D: stride must be at least 1, got 0:", e.Message);
    }

    [Fact]
    public void A_single_channel_layer_says_channel_not_channels()
    {
        var e = Assert.Throws<ShapeException>(() => Layer.Conv2D(1, 2, 3, Seeded).OutputShape(SampleShape.Image(3, 8, 8)));
        Assert.StartsWith("Conv2D(1 → 2, 3×3) takes images of 1 channel, but its input is (3, 8, 8): make it Conv2D(3, 2, …)", e.Message);
    }

    [Fact]
    public void Backward_refuses_a_dy_of_the_wrong_shape_naming_the_output_shape()
    {
        var conv = Layer.Conv2D(1, 2, 3, Seeded);
        var input = SampleShape.Image(1, 5, 5);
        var trace = ((ILayer<float>)conv).ForwardTrain(Matrix<float>.Build.Dense(2, 25), input, Seeded);   // y: 2 × (2, 3, 3) = 2×18
        var e = Assert.Throws<ShapeException>(() => conv.Backward(trace, Matrix<float>.Build.Dense(3, 18)));
        Assert.Equal("Conv2D(1 → 2, 3×3): dy must be 2×18 (batch × (2, 3, 3)), got 3×18.", e.Message);
        e = Assert.Throws<ShapeException>(() => conv.Backward(trace, Matrix<float>.Build.Dense(2, 17)));
        Assert.Equal("Conv2D(1 → 2, 3×3): dy must be 2×18 (batch × (2, 3, 3)), got 2×17.", e.Message);
    }

    [Fact]
    public void It_prints_its_stride_and_padding_when_not_the_defaults()
    {
        Assert.Equal("Conv2D(1 → 2, 3×3)", Layer.Conv2D(1, 2, 3, Seeded).ToString());
        Assert.Equal("Conv2D(1 → 2, 3×3, stride 2)", Layer.Conv2D(1, 2, 3, Seeded, stride: 2).ToString());
        Assert.Equal("Conv2D(1 → 2, 3×3, padding same)", Layer.Conv2D(1, 2, 3, Seeded, padding: "same").ToString());
        Assert.Equal("Conv2D(1 → 2, 3×3, stride 2, padding 1)", Layer.Conv2D(1, 2, 3, Seeded, stride: 2, padding: 1).ToString());
    }

    [Fact]
    public void The_gradient_prints_its_shapes_with_and_without_bias()
    {
        var input = SampleShape.Image(1, 4, 4);
        var x = Matrix<float>.Build.Dense(2, 16);
        foreach (var (bias, expected) in new[] { (true, "Conv2DGradient(9×2, 1×2)"), (false, "Conv2DGradient(9×2)") })
        {
            var conv = Layer.Conv2D(1, 2, 3, Seeded, bias: bias);
            var dy = Matrix<float>.Build.Dense(2, 8);
            Assert.Equal(expected, conv.Backward(((ILayer<float>)conv).ForwardTrain(x, input, Seeded), dy).Gradient.ToString());
        }
    }

    static LayerConfig Config(int inChannels, int outChannels, JsonNode kernelSize, int stride = 1) => new(
        ("in_channels", inChannels), ("out_channels", outChannels), ("kernel_size", kernelSize), ("stride", stride), ("padding", "valid"), ("bias", true));

    [Fact]
    public void A_saved_kernel_size_may_be_one_number_for_a_square_kernel()
    {
        var tensors = Conv2D<float>.TensorsFor(Config(2, 4, 3));
        Assert.Equal([4, 2, 3, 3], tensors[0].Shape);
        Assert.Equal((3, 3), Conv2D<float>.KernelSize(Config(2, 4, 3)));
        Assert.Equal((3, 2), Conv2D<float>.KernelSize(Config(2, 4, new JsonArray(3, 2))));
    }

    [Fact]
    public void A_saved_stride_below_one_says_what_it_must_be()
    {
        var e = Assert.Throws<LayerConfigException>(() => Conv2D<float>.TensorsFor(Config(1, 2, 3, stride: 0)));
        Assert.Equal("setting \"stride\" must be a stride ≥ 1; it is 0", e.Message);
    }

    [Theory]
    [InlineData(65536, 2, 1, 16384)]   // 2^31 values: one more than an int indexes
    [InlineData(65536, 1, 2, 16384)]
    [InlineData(65536, 1, 1, 32768)]
    public void A_saved_weight_too_large_for_one_matrix_is_refused(int inChannels, int kh, int kw, int outChannels)
    {
        var e = Assert.Throws<LayerConfigException>(() => Conv2D<float>.TensorsFor(Config(inChannels, outChannels, new JsonArray(kh, kw))));
        Assert.Equal($"setting \"out_channels\" must be fewer: in·kh·kw·out must be at most {int.MaxValue} (one matrix); it is {outChannels}", e.Message);
    }

    [Fact]
    public void A_saved_weight_of_exactly_int_max_values_is_accepted()
    {
        var tensors = Conv2D<float>.TensorsFor(Config(int.MaxValue, 1, new JsonArray(1, 1)));
        Assert.Equal([1, int.MaxValue, 1, 1], tensors[0].Shape);
    }
}
