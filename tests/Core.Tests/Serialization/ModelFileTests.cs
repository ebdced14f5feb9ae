using System.Text.Json;
using Nabla.Serialization;

namespace Nabla.Tests.Serialization;

/// <summary>Saving and loading models: round trips, PyTorch's layout, and clear errors for bad files.</summary>
public sealed class ModelFileTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("nabla-model-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    string PathFor(string name) => Path.Combine(_dir, name);

    static Sequential<float> Model(Rng rng) => Sequential.Of(
        Layer.Dense(6, 5, Init.He, rng), Layer.LeakyRelu(0.2), Layer.Dropout(0.3), Layer.Dense(5, 3, rng) with { Bias = Kernels.FromRowMajor<float>(1, 3, [0.1, -0.2, 0.3]) },
        Layer.Softmax());

    [Fact]
    public void Save_then_load_gives_the_same_predictions_bit_for_bit()
    {
        var rng = new Rng(1);
        var model = Model(rng);
        var path = PathFor("m.safetensors");
        model.Save(path);
        var loaded = ModelFile.Load<float>(path);
        Assert.Equal(model.ToString(), loaded.ToString());
        var x = Matrix<float>.Build.Dense(4, 6, (i, j) => (float)rng.Normal());
        Assert.Equal(TestSupport.Snapshot(model.Forward(x)), TestSupport.Snapshot(loaded.Forward(x)));
    }

    [Fact]
    public void Double_models_keep_double_precision()
    {
        var model = Sequential.Of<double>(Layer<double>.Dense(3, 2, new Rng(2)), new Sigmoid<double>());
        var path = PathFor("d.safetensors");
        model.Save(path);
        Assert.Equal(TestSupport.Snapshot(model.Parameters[0]), TestSupport.Snapshot(ModelFile.Load<double>(path).Parameters[0]));
    }

    [Fact]
    public void A_pytorch_state_dict_loads_into_the_same_architecture()
    {
        // fixtures/make_torch_fixture.py: nn.Sequential(Linear(4, 3), ReLU(), Linear(3, 2), Tanh()) in PyTorch's layout.
        var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "fixtures", "torch-mlp.json"))).RootElement;
        double[][] Rows(string key) => expected.GetProperty(key).EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        var model = Sequential.Of<double>(
            Layer<double>.Dense(4, 3, new Rng(0)), new Relu<double>(), Layer<double>.Dense(3, 2, new Rng(0)), new Tanh<double>())
            .LoadWeights(Path.Combine(AppContext.BaseDirectory, "fixtures", "torch-mlp.safetensors"));
        var x = Matrix<double>.Build.DenseOfRowArrays(Rows("input"));
        TestSupport.AssertClose(Matrix<double>.Build.DenseOfRowArrays(Rows("output")), model.Forward(x), 1e-12, "PyTorch output");
    }

    [Fact]
    public void Weights_for_another_architecture_are_refused_naming_the_tensor_and_shapes()
    {
        var path = PathFor("m.safetensors");
        Model(new Rng(1)).Save(path);
        var other = Sequential.Of(Layer.Dense(6, 4, new Rng(1)), Layer.Relu(), Layer.Dense(4, 3, new Rng(1)));
        var e = Assert.Throws<DataFormatException>(() => other.LoadWeights(path));
        Assert.Contains("\"0.weight\"", e.Message);
        Assert.Contains("[4, 6]", e.Message);
        Assert.Contains("[5, 6]", e.Message);

        var fewer = Sequential.Of(Layer.Dense(6, 5, new Rng(1)));
        Assert.Contains("also 3.bias, 3.weight", Assert.Throws<DataFormatException>(() => fewer.LoadWeights(path)).Message);
    }

    [Fact]
    public void Malformed_files_are_named_with_the_position()
    {
        var garbage = PathFor("garbage.safetensors");
        File.WriteAllBytes(garbage, [1, 2, 3]);
        Assert.Contains("byte 0", Assert.Throws<DataFormatException>(() => ModelFile.Load<float>(garbage)).Message);

        var huge = PathFor("huge.safetensors");
        File.WriteAllBytes(huge, [0xFF, 0xFF, 0, 0, 0, 0, 0, 0, (byte)'{', (byte)'}']);
        Assert.Contains("header length", Assert.Throws<DataFormatException>(() => ModelFile.Load<float>(huge)).Message);

        var path = PathFor("m.safetensors");
        Model(new Rng(1)).Save(path);
        var bytes = File.ReadAllBytes(path);
        var truncated = PathFor("truncated.safetensors");
        File.WriteAllBytes(truncated, bytes[..^10]);
        var e = Assert.Throws<DataFormatException>(() => ModelFile.Load<float>(truncated));
        Assert.Contains(truncated, e.Message);
        Assert.Contains("data_offsets", e.Message);

        var weightsOnly = PathFor("w.safetensors");
        ModelFile.SaveWeights(Model(new Rng(1)), weightsOnly);
        Assert.Contains("LoadWeights", Assert.Throws<DataFormatException>(() => ModelFile.Load<float>(weightsOnly)).Message);
    }

    [Theory]   // a hand-edited or foreign architecture entry names the file, the layer and the field, never a raw exception
    [InlineData("""{"type": "dense", "inputs": "784", "outputs": 10}""", "inputs")]
    [InlineData("""{"type": "dense", "inputs": 784.5, "outputs": 10}""", "inputs")]
    [InlineData("""{"type": "dense", "inputs": -1, "outputs": 10}""", "inputs")]
    [InlineData("""{"type": "dropout", "rate": 1.5}""", "rate")]
    [InlineData("""{"type": 5}""", "type")]
    public void A_bad_layer_entry_in_the_architecture_is_a_data_format_error(string layer, string field)
    {
        var path = PathFor("bad-architecture.safetensors");
        SafeTensors.Write(path, [], new Dictionary<string, string> { ["nabla.architecture"] = $$"""{"format": "nabla-sequential", "version": 2, "layers": [{{layer}}]}""" }, doublePrecision: false);
        var e = Assert.Throws<DataFormatException>(() => ModelFile.Load<float>(path));
        Assert.Contains(path, e.Message);
        Assert.Contains($"layer 0", e.Message);
        Assert.Contains($"field \"{field}\"", e.Message);
    }

    [Fact]
    public void Regularizers_are_saved_and_restored_so_the_loaded_model_has_the_same_loss()
    {
        var rng = new Rng(3);
        var model = Sequential.Of(
            Layer.Dense(4, 3, rng) with { WeightRegularizer = Regularizer.L2(0.01), BiasRegularizer = Regularizer.L1(0.002) },
            Layer.Tanh(),
            Layer.Dense(3, 2, rng) with { WeightRegularizer = Regularizer.L1L2(0.003, 0.004) });
        var path = PathFor("regularized.safetensors");
        model.Save(path);
        var loaded = ModelFile.Load<float>(path);
        Assert.Equal(new L1L2(L2: 0.01), ((Dense<float>)loaded.Layers[0]).WeightRegularizer);
        Assert.Equal(new L1L2(L1: 0.002), ((Dense<float>)loaded.Layers[0]).BiasRegularizer);
        Assert.Equal(new L1L2(0.003, 0.004), ((Dense<float>)loaded.Layers[2]).WeightRegularizer);
        Assert.Null(((Dense<float>)loaded.Layers[2]).BiasRegularizer);
        var data = Dataset.Regression("toy", Enumerable.Range(0, 20).Select(i => (float)rng.Normal()).ToArray(), 4,
            Enumerable.Range(0, 10).Select(i => (float)rng.Normal()).ToArray(), 2);
        Assert.True(model.Penalty() > 0);
        Assert.Equal(model.Penalty(), loaded.Penalty());
        Assert.Equal(model.Evaluate(data, Loss.Mse).Loss, loaded.Evaluate(data, Loss.Mse).Loss);
    }

    [Fact]
    public void Every_layer_setting_survives_describe_and_read()
    {
        ILayer<float>[] layers =
        [
            Layer.Dense(2, 3, new Rng(1)) with { BiasRegularizer = Regularizer.L2(0.5) }, Layer.LeakyRelu(0.125), Layer.Dropout(0.375),
            Layer.Relu(), Layer.Sigmoid(), Layer.Tanh(), Layer.Softmax(), Layer.LogSoftmax(), Layer.Linear(),
        ];
        foreach (var layer in layers)
        {
            var description = LayerSpec.Read(System.Text.Json.Nodes.JsonNode.Parse(LayerSpec.Describe(layer).ToJsonString()), "m", 0);
            var rebuilt = LayerTypes.Build(description.Type, description.Config, layer.Parameters);
            Assert.Equal(layer, rebuilt);   // records: equal settings and the same parameter matrices
        }
    }

    [Fact]
    public void A_version_1_file_without_regularizers_still_loads()
    {
        var path = PathFor("v1.safetensors");
        File.WriteAllBytes(path, SafeTensorsCorpus.DenseModel(version: "1"));
        Assert.Equal("Sequential(Dense(3 → 2))", ModelFile.Load<float>(path).ToString());
    }

    sealed record Custom : IRegularizer
    {
        public double Penalty<T>(Matrix<T> w) where T : struct, IFloatingPointIeee754<T> => 0;
        public Matrix<T> Gradient<T>(Matrix<T> w) where T : struct, IFloatingPointIeee754<T> => Kernels.ZerosLike(w);
    }

    [Fact]
    public void A_custom_regularizer_cannot_be_saved_by_name_and_the_error_says_what_to_do()
    {
        var model = Sequential.Of(Layer.Dense(2, 2, new Rng(1)) with { WeightRegularizer = new Custom() });
        var e = Assert.Throws<NotSupportedException>(() => model.Save(PathFor("r.safetensors")));
        Assert.Contains("WeightRegularizer", e.Message);
        Assert.Contains("SaveWeights", e.Message);
    }

    sealed record Doubler : ILayer<float>
    {
        public Matrix<float> Forward(Matrix<float> x, SampleShape input) => x * 2f;
        public Backprop<float> Backward(Trace<float> trace, Matrix<float> dy, bool needInputGradient = true) => new(NoGradient<float>.Instance, dy * 2f);
    }

    [Fact]
    public void A_custom_layer_cannot_be_saved_by_name_and_the_error_says_what_to_do()
    {
        var model = Sequential.Of<float>(new Doubler());
        var e = Assert.Throws<NotSupportedException>(() => model.Save(PathFor("c.safetensors")));
        Assert.Contains("SaveWeights", e.Message);
    }
}
