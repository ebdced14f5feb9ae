using System.Text.Json.Nodes;
using MathNet.Numerics.LinearAlgebra;
using Nabla.Layers;
using Nabla.Models;
using Nabla.Serialization;

namespace Nabla.Tests.Serialization;

/// <summary>ModelFile and LayerSpec on files that are not what they say: each refusal's message pinned in full (the
/// file, the architecture field or tensor, what was expected, what was found), the vector stored as one row, the files
/// of dense layers that chain from their first parameterised layer, and what SaveWeights writes.</summary>
public sealed class ModelFileMessageTests
{
    const string File = "m.safetensors";

    static readonly (string, int[], double[])[] DenseTensors = [("0.weight", [2, 3], new double[6]), ("0.bias", [2], new double[2])];

    static Sequential<float> Load(byte[] bytes) => ModelFile.Load<float>(new MemoryStream(bytes), File);

    static string Refusal(byte[] bytes) => Assert.Throws<DataFormatException>(() => Load(bytes)).Message;

    static string Architecture(string layers, string version = "2") =>
        $$"""{"format": "nabla-sequential", "version": {{version}}, "layers": {{layers}}}""";

    [Theory]
    [InlineData("{", 0, """m.safetensors: metadata "nabla.architecture": expected a JSON object {"format", "version", "layers"}, found malformed JSON (Expected depth to be zero at the end of the JSON payload. There is an open JSON object or array that should be closed.).""")]
    [InlineData("[1]", 0, """m.safetensors: metadata "nabla.architecture": expected a JSON object {"format", "version", "layers"}, found [1].""")]
    [InlineData("null", 0, """m.safetensors: metadata "nabla.architecture": expected a JSON object {"format", "version", "layers"}, found null.""")]
    [InlineData("""{"format": "nabla-sequential", "version": 2, "layers": [], "extra": 1}""", 0, """m.safetensors: metadata "nabla.architecture": expected only the fields format, version, layers, input_shape, found "extra".""")]
    [InlineData("""{"version": 2, "layers": []}""", 0, """m.safetensors: metadata "nabla.architecture", field "format": expected "nabla-sequential", found nothing.""")]
    [InlineData("""{"format": "keras", "version": 2, "layers": []}""", 0, """m.safetensors: metadata "nabla.architecture", field "format": expected "nabla-sequential", found "keras".""")]
    [InlineData("""{"format": "nabla-sequential", "layers": []}""", 0, """m.safetensors: metadata "nabla.architecture", field "version": expected a version this Nabla reads (1 to 3), found nothing: a file from a newer Nabla, or not Nabla's.""")]
    [InlineData("""{"format": "nabla-sequential", "version": 4, "layers": []}""", 0, """m.safetensors: metadata "nabla.architecture", field "version": expected a version this Nabla reads (1 to 3), found 4: a file from a newer Nabla, or not Nabla's.""")]
    [InlineData("""{"format": "nabla-sequential", "version": 2}""", 0, """m.safetensors: metadata "nabla.architecture", field "layers": expected an array of layers, found nothing.""")]
    [InlineData("""{"format": "nabla-sequential", "version": 2, "layers": {}}""", 0, """m.safetensors: metadata "nabla.architecture", field "layers": expected an array of layers, found {}.""")]
    [InlineData("""{"format": "nabla-sequential", "version": 3, "layers": [], "input_shape": [2, 3]}""", 0, """m.safetensors: metadata "nabla.architecture", field "input_shape": expected [features] or [channels, height, width], found [2,3].""")]
    [InlineData("""{"format": "nabla-sequential", "version": 3, "layers": [], "input_shape": [65536, 65536, 1]}""", 0, """m.safetensors: metadata "nabla.architecture", field "input_shape": expected [features] or [channels, height, width], found [65536,65536,1].""")]
    [InlineData("""{"format": "nabla-sequential", "version": 3, "layers": [], "input_shape": [10,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]}""", 0, """m.safetensors: metadata "nabla.architecture", field "input_shape": expected [features] or [channels, height, width], found [10,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1].""")]
    [InlineData("""{"format": "nabla-sequential", "version": 3, "layers": [], "input_shape": [100,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]}""", 0, """m.safetensors: metadata "nabla.architecture", field "input_shape": expected [features] or [channels, height, width], found [100,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,….""")]
    // LayerSpec: each layer entry
    [InlineData("""{"format": "nabla-sequential", "version": 2, "layers": [5]}""", 0, """m.safetensors: metadata "nabla.architecture", layer 0: expected a layer object {"type": …}, found 5.""")]
    [InlineData("""{"format": "nabla-sequential", "version": 2, "layers": ["xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"]}""", 0, """m.safetensors: metadata "nabla.architecture", layer 0: expected a layer object {"type": …}, found "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx".""")]
    [InlineData("""{"format": "nabla-sequential", "version": 2, "layers": ["xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"]}""", 0, """m.safetensors: metadata "nabla.architecture", layer 0: expected a layer object {"type": …}, found "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx….""")]
    [InlineData("""{"format": "nabla-sequential", "version": 2, "layers": [{"type": "densse"}]}""", 0, """m.safetensors: metadata "nabla.architecture", layer 0, field "type": expected a known layer type (avg_pool2d, batch_norm, conv2d, dense, dropout, flatten, global_avg_pool2d, leaky_relu, linear, log_softmax, max_pool2d, relu, sigmoid, softmax, tanh), found "densse".""")]
    [InlineData("""{"format": "nabla-sequential", "version": 2, "layers": [{"inputs": 3}]}""", 0, """m.safetensors: metadata "nabla.architecture", layer 0, field "type": expected a known layer type (avg_pool2d, batch_norm, conv2d, dense, dropout, flatten, global_avg_pool2d, leaky_relu, linear, log_softmax, max_pool2d, relu, sigmoid, softmax, tanh), found nothing.""")]
    [InlineData("""{"format": "nabla-sequential", "version": 2, "layers": [{"type": "relu", "alpha": 1}]}""", 0, """m.safetensors: metadata "nabla.architecture", layer 0 (relu): expected only the fields of a relu layer, found "alpha".""")]
    [InlineData("""{"format": "nabla-sequential", "version": 2, "layers": [{"type": "dense", "inputs": 3, "outputs": 2}]}""", 1, """m.safetensors: tensor "0.weight": expected a tensor for layer 0 (dense), found none; the file has no tensors.""")]
    [InlineData("""{"format": "nabla-sequential", "version": 2, "layers": [{"type": "dense", "inputs": 3, "outputs": 2}]}""", 2, """m.safetensors: tensor "0.bias": expected a tensor for layer 0 (dense), found none; the file has 0.weight, z.""")]
    [InlineData("""{"format": "nabla-sequential", "version": 2, "layers": [{"type": "dense", "inputs": 3, "outputs": 2}]}""", 3, """m.safetensors: byte 362 (tensor "0.bias"): expected shape [2] or [1, 2] for layer 0 (dense), found shape [1, 3].""")]
    [InlineData("""{"format": "nabla-sequential", "version": 2, "layers": [{"type": "dense", "inputs": 3, "outputs": 2}]}""", 4, """m.safetensors: byte 301 (tensor "0.weight"): expected shape [2, 3] for layer 0 (dense), found shape [3, 2].""")]
    [InlineData("""{"format": "nabla-sequential", "version": 2, "layers": [{"type": "dense", "inputs": 3, "outputs": 2}]}""", 5, "m.safetensors: tensors: expected only the model's 2 tensors, found also 1.weight, z: is this the same architecture?")]
    public void A_malformed_model_file_is_refused_with_a_message_naming_the_field_or_tensor(string architecture, int tensors, string expected) =>
        Assert.Equal(expected, Refusal(SafeTensorsCorpus.ModelBytes(architecture, TensorSet(tensors))));

    // The tensors of the dense cases: 0 the right ones (unused), 1 none, 2 the weight only, 3 the bias as [1, 3],
    // 4 the weight as [3, 2], 5 the right ones and two more.
    static (string, int[], double[])[] TensorSet(int which) => which switch
    {
        1 => [],
        2 => [("z", [1], [0]), ("0.weight", [2, 3], new double[6])],
        3 => [("0.weight", [2, 3], new double[6]), ("0.bias", [1, 3], new double[3])],
        4 => [("0.weight", [3, 2], new double[6]), ("0.bias", [2], new double[2])],
        5 => [.. DenseTensors, ("z", [1], [0]), ("1.weight", [1], [0])],
        _ => DenseTensors,
    };

    [Fact]   // Nabla keeps a bias as one row: a [1, n] tensor is the same vector, a [1, m] one of another length is not
    public void A_vector_stored_as_one_row_of_its_length_loads()
    {
        var model = Load(SafeTensorsCorpus.ModelBytes(Architecture("""[{"type": "dense", "inputs": 3, "outputs": 2}]"""),
            ("0.weight", [2, 3], new double[6]), ("0.bias", [1, 2], [0.5, -0.5])));
        Assert.Equal([0.5f, -0.5f], model.Layers[0].Parameters[1].ToRowMajorArray());
    }

    [Fact]   // versions 1 and 2 have no input shape: the first layer with parameters gives it, whatever comes before
    public void A_version_2_file_chains_from_its_first_layer_with_parameters()
    {
        var model = Load(SafeTensorsCorpus.ModelBytes(Architecture("""[{"type": "relu"}, {"type": "dense", "inputs": 3, "outputs": 2}]"""),
            ("1.weight", [2, 3], new double[6]), ("1.bias", [2], new double[2])));
        Assert.Equal(["ReLU", "Dense(3 → 2)"], model.Layers.Select(l => l.ToString()));
        Assert.Equal("ReLU", Load(SafeTensorsCorpus.ModelBytes(Architecture("""[{"type": "relu"}]"""))).Layers.Single().ToString());
    }

    [Fact]
    public void A_weights_only_file_is_refused_by_Load_saying_to_use_LoadWeights() =>
        Assert.Equal("m.safetensors: metadata: expected a \"nabla.architecture\" entry (a model saved by ModelFile.Save), found none: this file holds "
            + "weights only; build the model in code and call ModelFile.LoadWeights(model, path).", Refusal(SafeTensorsCorpus.ModelBytes(null, DenseTensors)));

    /// <summary>A layer from a script: two parameters (a row and a 2×3 matrix), described only when given a config.</summary>
    sealed record ScriptLayer(LayerConfig? Config = null) : ILayer<float>
    {
        public Matrix<float> Forward(Matrix<float> x, SampleShape input) => x;

        public Backprop<float> Backward(Nabla.Layers.Trace<float> trace, Matrix<float> dy, bool needInputGradient = true) =>
            throw new NotSupportedException("only saved in these tests");

        public IReadOnlyList<Matrix<float>> Parameters { get; } =
            [Matrix<float>.Build.DenseOfRowArrays([1f, 2, 3]), Matrix<float>.Build.DenseOfRowArrays([1f, 2, 3], [4f, 5, 6])];

        public LayerDescription? Describe() => Config is null ? null : new("script", Config, []);

        public override string ToString() => "ScriptLayer";
    }

    [Fact]   // a layer that cannot describe itself has its parameters stored by the general rule, a row as a vector
    public void SaveWeights_writes_a_script_layers_parameters_as_pytorch_shapes_with_format_pt()
    {
        var stream = new MemoryStream();
        ModelFile.SaveWeights(Sequential.Of<float>(new ScriptLayer()), stream);
        stream.Position = 0;
        var (tensors, metadata) = SafeTensors.Read(stream, File);
        Assert.Equal([("format", "pt")], metadata.Select(kv => (kv.Key, kv.Value)));
        Assert.Equal([3], tensors["0.param0"].Shape);
        Assert.Equal([3, 2], tensors["0.param1"].Shape);
        Assert.Equal([1, 4, 2, 5, 3, 6], tensors["0.param1"].Values);
    }

    [Fact]
    public void A_layer_that_cannot_be_saved_by_name_says_what_to_do_instead()
    {
        Assert.Equal("ScriptLayer (ScriptLayer) is not a built-in layer, so its architecture cannot be saved by name. "
            + "Save its weights with ModelFile.SaveWeights and rebuild the model in code before ModelFile.LoadWeights.",
            Assert.Throws<NotSupportedException>(() => LayerSpec.Describe(new ScriptLayer())).Message);
        var typed = new ScriptLayer(LayerConfig.FromJson(new JsonObject { ["type"] = "dense" }));
        Assert.Equal("ScriptLayer: a layer setting may not be called \"type\".", Assert.Throws<InvalidOperationException>(() => LayerSpec.Describe(typed)).Message);
    }
}
