namespace Nabla.Tests.Layers;

/// <summary>
/// What the parameter-free layers print and refuse: their names, a dy whose shape is not the traced tensor's (named with
/// both shapes), Flatten's input that does not hold the samples it is said to, and (log-)softmax over images.
/// </summary>
public sealed class ActivationMessageTests
{
    static Matrix<double> Ones(int rows, int columns) => Matrix<double>.Build.Dense(rows, columns, 1.0);

    [Theory]
    [MemberData(nameof(Names))]
    public void Each_prints_its_name(ILayer<double> layer, string name) => Assert.Equal(name, layer.ToString());

    public static TheoryData<ILayer<double>, string> Names => new()
    {
        { new Relu<double>(), "ReLU" },
        { new LeakyRelu<double>(), "LeakyReLU(α=0.01)" },
        { new LeakyRelu<double>(0.25), "LeakyReLU(α=0.25)" },
        { new Sigmoid<double>(), "Sigmoid" },
        { new Tanh<double>(), "Tanh" },
        { new Softmax<double>(), "Softmax" },
        { new LogSoftmax<double>(), "LogSoftmax" },
        { new Linear<double>(), "Linear" },
        { new Flatten<double>(), "Flatten" },
    };

    /// <summary>Each layer checks dy against the tensor its backward reads: the input (ReLU, leaky ReLU, the identities) or
    /// the output (sigmoid, tanh, the softmaxes). Rows and columns are each wrong once.</summary>
    [Theory]
    [MemberData(nameof(Traced))]
    public void Backward_refuses_a_dy_of_another_shape_naming_both(ILayer<double> layer, string traced)
    {
        var trace = layer.ForwardTrain(Ones(2, 3), new Rng(1));
        foreach (var (rows, columns) in new[] { (2, 4), (3, 3) })
        {
            var e = Assert.Throws<ShapeException>(() => layer.Backward(trace, Ones(rows, columns)));
            Assert.Equal($"{layer}: dy is {rows}×{columns} but {traced} is 2×3; they must have the same shape.", e.Message);
        }
    }

    public static TheoryData<ILayer<double>, string> Traced => new()
    {
        { new Relu<double>(), "input" },
        { new LeakyRelu<double>(), "input" },
        { new Linear<double>(), "input" },
        { new Flatten<double>(), "input" },
        { new Sigmoid<double>(), "output" },
        { new Tanh<double>(), "output" },
        { new Softmax<double>(), "output" },
        { new LogSoftmax<double>(), "output" },
    };

    [Fact]
    public void Flatten_refuses_an_input_that_does_not_hold_its_samples()
    {
        var e = Assert.Throws<ShapeException>(() => new Flatten<double>().Forward(Ones(2, 5), SampleShape.Image(1, 2, 3)));
        Assert.Equal("Flatten: the input is 2×5 but its samples are said to be (1, 2, 3), 6 values each (batch × 6).", e.Message);
    }

    /// <summary>Over an image, PyTorch's dim=1 would be a softmax over channels per pixel: refused, by forward and by the
    /// shape check a model runs first, with what to do.</summary>
    [Theory]
    [MemberData(nameof(Softmaxes))]
    public void Softmaxes_refuse_images(ILayer<double> layer)
    {
        var image = SampleShape.Image(1, 2, 3);
        var expected = $"{layer} works on feature vectors (one row of classes), but its input is images (1, 2, 3): put Flatten() (and a Dense) before it.";
        Assert.Equal(expected, Assert.Throws<ShapeException>(() => layer.OutputShape(image)).Message);
        Assert.Equal(expected, Assert.Throws<ShapeException>(() => layer.Forward(Ones(2, 6), image)).Message);
        Assert.Equal(SampleShape.Features(6), layer.OutputShape(SampleShape.Features(6)));
    }

    public static TheoryData<ILayer<double>> Softmaxes => new() { new Softmax<double>(), new LogSoftmax<double>() };

    [Fact]
    public void A_backprop_prints_its_gradient_and_the_shape_of_dx()
    {
        Assert.Equal("Backprop(no parameters, dx: 2×3)", new Backprop<double>(NoGradient<double>.Instance, Ones(2, 3)).ToString());
        Assert.Equal("Backprop(no parameters, dx: none)", new Backprop<double>(NoGradient<double>.Instance, null).ToString());
    }

    /// <summary>A layer written in a script that names no tensors gets PyTorch-like positional names.</summary>
    [Fact]
    public void Parameters_without_names_are_named_by_position()
    {
        Assert.Equal(["param0", "param1"], ((ILayer<double>)new Unnamed([Ones(1, 1), Ones(1, 2)])).ParameterNames);
        Assert.Empty(((ILayer<double>)new Relu<double>()).ParameterNames);
    }

    sealed record Unnamed(IReadOnlyList<Matrix<double>> Tensors) : ILayer<double>
    {
        public IReadOnlyList<Matrix<double>> Parameters => Tensors;
        public Matrix<double> Forward(Matrix<double> x, SampleShape input) => x;
        public Backprop<double> Backward(Trace<double> trace, Matrix<double> dy, bool needInputGradient = true) => new(NoGradient<double>.Instance, dy);
    }
}

/// <summary>What a training forward keeps for backward (<see cref="Trace{T}"/>): a name saved twice and a name never saved
/// are refused, the second listing what was saved.</summary>
public sealed class TraceTests
{
    static readonly Trace<double> Empty = new(Matrix<double>.Build.Dense(2, 3), SampleShape.Features(3), Matrix<double>.Build.Dense(2, 4));

    [Fact]
    public void A_name_saved_twice_is_refused()
    {
        var trace = Empty.With("mask", Matrix<double>.Build.Dense(2, 3));
        var e = Assert.Throws<ArgumentException>(() => trace.With("mask", Matrix<double>.Build.Dense(2, 3)));
        Assert.Equal("name", e.ParamName);
        Assert.StartsWith("Trace: \"mask\" is already saved.", e.Message);
    }

    [Fact]
    public void A_missing_name_is_refused_listing_the_saved_ones()
    {
        var trace = Empty.With("mask", Matrix<double>.Build.Dense(2, 3)).With("normalized", Matrix<double>.Build.Dense(2, 3));
        Assert.Equal("Trace(2×3 (3) → 2×4): nothing saved as \"scale\"; saved: mask, normalized.",
            Assert.Throws<KeyNotFoundException>(() => trace["scale"]).Message);
        Assert.Equal("Trace(2×3 (3) → 2×4): nothing saved as \"mask\"; saved: nothing.",
            Assert.Throws<KeyNotFoundException>(() => Empty["mask"]).Message);
        Assert.Equal(["mask", "normalized"], trace.SavedNames);
    }
}
