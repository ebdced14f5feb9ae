namespace Nabla.Tests.Layers;

/// <summary>
/// Finding the layer types by name and rebuilding a layer from a saved description (<see cref="LayerTypes"/>): which types
/// are found, the refusals of an unknown type and of tensors of the wrong number or shape, word for word.
/// </summary>
public sealed class LayerTypesTests
{
    static readonly LayerConfig DenseConfig = new(("inputs", 2), ("outputs", 3));

    static Matrix<double> Zeros(int rows, int columns) => Matrix<double>.Build.Dense(rows, columns);

    /// <summary>Scanned afresh (the cached <see cref="LayerTypes.Names"/> would hide a broken scan): exactly the types the
    /// layer contract has an entry for, each name mapped to its generic definition.</summary>
    [Fact]
    public void The_scan_finds_every_layer_type_and_nothing_else()
    {
        var found = LayerTypes.Scan(typeof(LayerTypes).Assembly.GetTypes());
        var expected = typeof(LayerContract).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(LayerContract)) && !t.IsAbstract)
            .Select(t => ((LayerContract)Activator.CreateInstance(t)!).Sample())
            .ToDictionary(layer => layer.Describe()!.Type, layer => layer.GetType().GetGenericTypeDefinition());
        Assert.Equal(expected.OrderBy(kv => kv.Key, StringComparer.Ordinal), found.OrderBy(kv => kv.Key, StringComparer.Ordinal));
    }

    [Fact]
    public void Names_are_sorted()
    {
        var names = LayerTypes.Names;
        Assert.True(names.Count > 10, string.Join(", ", names));
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
        Assert.Equal(["avg_pool2d", "batch_norm"], names.Take(2));
    }

    [Fact]
    public void Two_layer_types_with_one_name_are_refused_naming_both()
    {
        var e = Assert.Throws<InvalidOperationException>(() => LayerTypes.Scan([typeof(Twin<>), typeof(OtherTwin<>)]));
        Assert.Equal("Two layer types are named \"twin\": Twin`1 and OtherTwin`1.", e.Message);
    }

    [Fact]
    public void An_unknown_type_is_refused_with_the_known_ones()
    {
        var e = Assert.Throws<ArgumentException>(() => LayerTypes.Build<double>("dense2", DenseConfig, []));
        Assert.Equal($"\"dense2\" is not a layer type; the layer types are {string.Join(", ", LayerTypes.Names)}.", e.Message);
        Assert.Contains("dense, dropout", e.Message);
    }

    [Fact]
    public void A_layer_is_built_from_tensors_of_its_shapes()
    {
        var layer = LayerTypes.Build<double>("dense", DenseConfig, [Zeros(2, 3), Zeros(1, 3)]);
        Assert.Equal("Dense(2 → 3)", layer.ToString());
    }

    [Fact]
    public void The_wrong_number_of_tensors_is_refused_listing_the_ones_it_has()
    {
        var e = Assert.Throws<ArgumentException>(() => LayerTypes.Build<double>("dense", DenseConfig, [Zeros(2, 3)]));
        Assert.Equal("dense: 1 tensors given; it has 2 (weight: [3, 2], bias: [3]).", e.Message);
    }

    /// <summary>Each dimension on its own: a tensor with the right rows but not the right columns, or the reverse.</summary>
    [Theory]
    [InlineData(2, 4, 1, 3, "dense: tensor weight must be a 2×3 matrix (PyTorch shape [3, 2]), got 2×4.")]
    [InlineData(4, 3, 1, 3, "dense: tensor weight must be a 2×3 matrix (PyTorch shape [3, 2]), got 4×3.")]
    [InlineData(2, 3, 1, 2, "dense: tensor bias must be a 1×3 matrix (PyTorch shape [3]), got 1×2.")]
    [InlineData(2, 3, 3, 1, "dense: tensor bias must be a 1×3 matrix (PyTorch shape [3]), got 3×1.")]
    public void A_tensor_of_the_wrong_shape_is_refused_naming_it(int weightRows, int weightColumns, int biasRows, int biasColumns, string message)
    {
        var e = Assert.Throws<ShapeException>(() => LayerTypes.Build<double>("dense", DenseConfig, [Zeros(weightRows, weightColumns), Zeros(biasRows, biasColumns)]));
        Assert.Equal(message, e.Message);
    }

    // Two layer types with one type name: the scan must refuse them rather than keep either.
    sealed record Twin<T> : IDescribedLayer<Twin<T>, T> where T : struct, IFloatingPointIeee754<T>
    {
        public static string TypeName => "twin";
        public static Twin<T> Build(LayerConfig config, IReadOnlyList<Matrix<T>> tensors) => new();
        public Matrix<T> Forward(Matrix<T> x, SampleShape input) => x;
        public Backprop<T> Backward(Trace<T> trace, Matrix<T> dy, bool needInputGradient = true) => new(NoGradient<T>.Instance, dy);
    }

    sealed record OtherTwin<T> : IDescribedLayer<OtherTwin<T>, T> where T : struct, IFloatingPointIeee754<T>
    {
        public static string TypeName => "twin";
        public static OtherTwin<T> Build(LayerConfig config, IReadOnlyList<Matrix<T>> tensors) => new();
        public Matrix<T> Forward(Matrix<T> x, SampleShape input) => x;
        public Backprop<T> Backward(Trace<T> trace, Matrix<T> dy, bool needInputGradient = true) => new(NoGradient<T>.Instance, dy);
    }
}

/// <summary>How a layer's description and its tensors print, and the matrix each tensor is kept in.</summary>
public sealed class LayerDescriptionTests
{
    [Theory]
    [InlineData("weight", new[] { 3, 2 }, TensorRole.Parameter, false, "weight: [3, 2]")]
    [InlineData("running_mean", new[] { 4 }, TensorRole.State, false, "running_mean: [4] (state)")]
    [InlineData("num_batches_tracked", new int[0], TensorRole.State, true, "num_batches_tracked: [] int64 (state)")]
    [InlineData("step", new int[0], TensorRole.Parameter, true, "step: [] int64")]
    public void A_tensor_prints_its_name_shape_and_kind(string name, int[] shape, TensorRole role, bool integer, string expected) =>
        Assert.Equal(expected, new TensorDescription(name, shape, role, integer).ToString());

    [Fact]
    public void A_description_prints_type_settings_and_tensors()
    {
        var dense = new LayerDescription("dense", new LayerConfig(("inputs", 2), ("outputs", 3)),
            [new("weight", [3, 2], TensorRole.Parameter), new("bias", [3], TensorRole.Parameter)]);
        Assert.Equal("""dense {"inputs":2,"outputs":3} [weight: [3, 2], bias: [3]]""", dense.ToString());
        Assert.Equal("relu {} []", new LayerDescription("relu", LayerConfig.Empty, []).ToString());
    }

    [Theory]
    [InlineData(new int[0], 1, 1, 1L)]
    [InlineData(new[] { 5 }, 1, 5, 5L)]
    [InlineData(new[] { 3, 2 }, 2, 3, 6L)]
    [InlineData(new[] { 4, 3, 2, 5 }, 30, 4, 120L)]
    public void A_tensor_is_kept_as_a_matrix_of_its_size(int[] shape, int rows, int columns, long count)
    {
        var tensor = new TensorDescription("t", shape, TensorRole.Parameter);
        Assert.Equal(count, tensor.ElementCount);
        Assert.Equal((rows, columns), tensor.MatrixShape);
    }

    /// <summary>A shape whose trailing dimensions multiply past int (from a corrupt or hostile file) is refused, not wrapped
    /// to a small or negative row count that a tensor could then match.</summary>
    [Fact]
    public void A_matrix_too_large_for_int_is_refused()
    {
        var tensor = new TensorDescription("t", [1, 65536, 65536], TensorRole.Parameter);
        Assert.Throws<OverflowException>(() => tensor.MatrixShape);
        Assert.Equal(4294967296L, tensor.ElementCount);
    }
}
