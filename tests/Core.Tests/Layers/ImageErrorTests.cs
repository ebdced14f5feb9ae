namespace Nabla.Tests.Layers;

/// <summary>Mistakes a CNN user makes get an error that names the layer and the shapes, and says what to change.</summary>
public class ImageErrorTests
{
    static readonly Rng Seeded = new(1);

    static string ShapeError(Func<object> action) => Assert.Throws<ShapeException>(action).Message;

    [Fact]
    public void An_image_of_the_wrong_shape_names_the_layer_and_both_shapes()
    {
        var model = Sequential.Of(Layer.Conv2D(3, 8, 3, Seeded), Layer.Relu());
        var e = ShapeError(() => model.Forward(Matrix<float>.Build.Dense(2, 784), SampleShape.Image(1, 28, 28)));
        Assert.Contains("layer 0 of 2, Conv2D(3 → 8, 3×3)", e);
        Assert.Contains("takes images of 3 channels, but its input is (1, 28, 28)", e);
        Assert.Contains("make it Conv2D(1, 8, …)", e);

        // The same mistake in the middle of a model, found before training from the data's shape.
        var data = Dataset.Classification("tiny", new float[2 * 64], 64, [0, 1], 2).WithSampleShape(SampleShape.Image(1, 8, 8));
        var deeper = Sequential.Of(Layer.Conv2D(1, 4, 3, Seeded), Layer.Conv2D(8, 4, 3, Seeded), Layer.Flatten(), Layer.Dense(64, 2, Seeded));
        e = ShapeError(() => deeper.Fit(data, Loss.SoftmaxCrossEntropy, new Sgd(0.1), 1, 2, null, Seeded));
        Assert.Contains("layer 1 of 4, Conv2D(8 → 4, 3×3)", e);
        Assert.Contains("(4, 6, 6)", e);
        Assert.Contains("make it Conv2D(4, 4, …)", e);
    }

    [Fact]
    public void Features_into_an_image_layer_say_to_give_the_data_its_image_shape()
    {
        var e = ShapeError(() => Layer.Conv2D(1, 8, 3, Seeded).OutputShape(SampleShape.Features(784)));
        Assert.Contains("takes images (channels, height, width), but its input is a feature vector (784)", e);
        Assert.Contains("WithSampleShape", e);
        Assert.Contains("MaxPool2D(2)", ShapeError(() => Layer.MaxPool2D(2).OutputShape(SampleShape.Features(10))));
    }

    [Fact]
    public void A_kernel_larger_than_its_padded_input_says_what_to_change()
    {
        var model = Sequential.Of(SampleShape.Image(1, 12, 12), Layer.Conv2D(1, 4, 5, Seeded), Layer.MaxPool2D(2));   // → (4, 4, 4)
        var deeper = model with { Layers = [.. model.Layers, Layer.Conv2D(4, 4, 5, Seeded)] };
        var e = ShapeError(() => deeper.OutputShape(SampleShape.Image(1, 12, 12)));
        Assert.Contains("layer 2 of 3, Conv2D(4 → 4, 5×5)", e);
        Assert.Contains("the 5×5 window is larger than its padded input 4×4", e);
        Assert.Contains("use a smaller kernel, pad more (padding \"same\" keeps the size), or remove a pooling step before it", e);
        // Padding counts: 1 pixel per side makes room for 5×5 on 3×3, and "same" always does.
        Assert.Equal(SampleShape.Image(2, 1, 1), Layer.Conv2D(1, 2, 5, Seeded, padding: 1).OutputShape(SampleShape.Image(1, 3, 3)));
        Assert.Equal(SampleShape.Image(2, 3, 3), Layer.Conv2D(1, 2, 5, Seeded, padding: "same").OutputShape(SampleShape.Image(1, 3, 3)));
        Assert.Contains("3×3 window is larger than its padded input 2×2", ShapeError(() => Layer.MaxPool2D(3).OutputShape(SampleShape.Image(1, 2, 2))));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-2)]
    public void A_non_positive_stride_says_what_a_stride_is(int stride)
    {
        foreach (var make in new Func<object>[]
                 {
                     () => Layer.Conv2D(1, 4, 3, Seeded, stride: stride), () => Layer.MaxPool2D(2, stride), () => Layer.AvgPool2D(2, stride),
                     () => Layer.Conv2D(1, 4, 3, Seeded) with { Stride = stride },
                 })
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(make).Message;
            Assert.Contains($"stride must be at least 1, got {stride}", e);
            Assert.Contains("1 visits every position", e);
        }
    }

    [Fact]
    public void A_pooling_padding_over_half_the_window_says_the_bound_also_when_set_with_with()
    {
        foreach (var (make, message) in new (Func<object>, string)[]
                 {
                     (() => Layer.MaxPool2D(2, padding: 2), "MaxPool2D: padding must be between 0 and half the window (1), got 2."),
                     (() => Layer.AvgPool2D(3, padding: -1), "AvgPool2D: padding must be between 0 and half the window (1), got -1."),
                     (() => Layer.MaxPool2D(4) with { Padding = 3 }, "MaxPool2D: padding must be between 0 and half the window (2), got 3."),
                     (() => Layer.AvgPool2D(2) with { Stride = 0 }, "AvgPool2D: stride must be at least 1, got 0"),
                 })
            Assert.StartsWith(message, Assert.Throws<ArgumentOutOfRangeException>(make).Message);
        // A valid with: the same layer as one built with those settings, printed with them.
        var changed = Layer.MaxPool2D(4) with { Stride = 1, Padding = 2 };
        Assert.Equal(Layer.MaxPool2D(4, 1, 2), changed);
        Assert.Equal("MaxPool2D(4, stride 1, padding 2)", changed.ToString());
        Assert.NotEqual<object>(Layer.MaxPool2D(2), Layer.AvgPool2D(2));
    }

    [Fact]
    public void A_batch_norm_whose_feature_count_does_not_match_says_which_to_use()
    {
        var model = Sequential.Of(SampleShape.Image(1, 28, 28), Layer.Conv2D(1, 32, 5, Seeded));
        var e = ShapeError(() => Sequential.Of(SampleShape.Image(1, 28, 28), Layer.Conv2D(1, 32, 5, Seeded), Layer.BatchNorm(16)));
        Assert.Contains("layer 1 of 2, BatchNorm(16)", e);
        Assert.Contains("normalizes 16 channels, but its input is images (32, 24, 24) of 32", e);
        Assert.Contains("make it BatchNorm(32)", e);
        e = ShapeError(() => Sequential.Of(SampleShape.Features(100), Layer.Dense(100, 64, Seeded), Layer.BatchNorm(32)));
        Assert.Contains("normalizes 32 features, but its input has 64 (64): make it BatchNorm(64)", e);
        Assert.Equal(SampleShape.Image(32, 24, 24), (model with { Layers = [.. model.Layers, Layer.BatchNorm(32)] }).OutputShape(model.InputShape!.Value));
    }

    [Fact]
    public void A_dense_layer_after_images_asks_for_Flatten_and_for_the_flattened_size()
    {
        var lenet = new ILayer<float>[] { Layer.Conv2D(1, 32, 5, Seeded), Layer.Relu(), Layer.MaxPool2D(2), Layer.Conv2D(32, 64, 5, Seeded), Layer.Relu(), Layer.MaxPool2D(2) };
        var mnist = SampleShape.Image(1, 28, 28);

        var forgot = ShapeError(() => Sequential.Of(mnist, [.. lenet, Layer.Dense(1024, 10, Seeded)]));
        Assert.Contains("layer 6 of 7, Dense(1024 → 10)", forgot);
        Assert.Contains("its input is images (64, 4, 4): did you forget Flatten()? Put Flatten() before it.", forgot);

        var wrongSize = ShapeError(() => Sequential.Of(mnist, [.. lenet, Layer.Flatten(), Layer.Dense(1000, 10, Seeded)]));
        Assert.Contains("layer 7 of 8, Dense(1000 → 10)", wrongSize);
        Assert.Contains("expects 1000 input features, but its input has 1024: make it Dense(1024, 10)", wrongSize);

        var both = ShapeError(() => Sequential.Of(mnist, [.. lenet, Layer.Dense(1000, 10, Seeded)]));
        Assert.Contains("did you forget Flatten()? Put Flatten() before it, and make it Dense(1024, 10)", both);

        var summary = Sequential.Of(mnist, [.. lenet, Layer.Flatten(), Layer.Dense(1024, 10, Seeded)]).Summary();
        Assert.Contains("(batch, 64, 4, 4)", summary);
        Assert.Contains("(batch, 1024)", summary);
        Assert.Contains("Total params: 62,346", summary);   // 832 + 51,264 + 10,250, as PyTorch counts them
    }

    [Fact]
    public void A_batch_of_the_wrong_width_for_its_stated_shape_names_both()
    {
        var e = ShapeError(() => Layer.Conv2D(1, 2, 3, Seeded).Forward(Matrix<float>.Build.Dense(4, 800), SampleShape.Image(1, 28, 28)));
        Assert.Contains("the input is 4×800 but its samples are said to be (1, 28, 28), 784 values each", e);
    }
}
