using System.Buffers.Binary;
using System.Text;
using Nabla.Serialization;

namespace Nabla.Tests.Serialization;

/// <summary>The malformed safetensors and model files every reader must refuse with a DataFormatException. Generated
/// here, deterministically, each with the fault it carries: the reference implementation's rules (huggingface/safetensors
/// tensor.rs), the crashes and silent acceptances reported in issue 11, and Nabla's architecture checks.</summary>
public static class SafeTensorsCorpus
{
    // A valid entry: 2 float32 values, 8 bytes.
    const string A = """ "a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]} """;

    /// <summary>An 8-byte little-endian length, then <paramref name="header"/> as UTF-8, then <paramref name="data"/> zero bytes.</summary>
    public static byte[] File(string header, int data) => File(Encoding.UTF8.GetBytes(header), data);

    public static byte[] File(byte[] header, int data)
    {
        var bytes = new byte[8 + header.Length + data];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        header.CopyTo(bytes, 8);
        return bytes;
    }

    static byte[] Length(ulong n, int rest)
    {
        var bytes = new byte[8 + rest];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, n);
        return bytes;
    }

    /// <summary>A model file written by SafeTensors.Write: <paramref name="architecture"/> as the architecture metadata.</summary>
    public static byte[] ModelBytes(string? architecture, params (string Name, int[] Shape, double[] Values)[] tensors)
    {
        var path = Path.GetTempFileName();
        try
        {
            var metadata = new Dictionary<string, string> { ["format"] = "pt" };
            if (architecture is not null) metadata[ModelFile.ArchitectureKey] = architecture;
            SafeTensors.Write(path, tensors, metadata, doublePrecision: false);
            return System.IO.File.ReadAllBytes(path);
        }
        finally { System.IO.File.Delete(path); }
    }

    /// <summary>Dense(3 → 2) and its two tensors, as Nabla saves it.</summary>
    public static byte[] DenseModel(string layer = """{"type": "dense", "inputs": 3, "outputs": 2}""", string format = "\"nabla-sequential\"", string version = "2") =>
        ModelBytes($$"""{"format": {{format}}, "version": {{version}}, "layers": [{{layer}}]}""",
            ("0.weight", [2, 3], [1, 2, 3, 4, 5, 6]), ("0.bias", [2], [0.5, -0.5]));

    /// <summary>A version 3 file (layers that describe themselves, an input shape): Conv2D(1 → 2, 3×3) over 1×4×4 images,
    /// <paramref name="middle"/> (Flatten), Dense(8 → 2), with the four tensors PyTorch's nn.Conv2d and nn.Linear hold.</summary>
    public static byte[] CnnModel(string conv = Conv, string input = "[1, 4, 4]", string middle = """{"type": "flatten"}""", int inChannels = 1) =>
        ModelBytes($$"""{"format": "nabla-sequential", "version": 3, "layers": [{{conv}}, {{middle}}, {"type": "dense", "inputs": 8, "outputs": 2}], "input_shape": {{input}}}""",
            ("0.weight", [2, inChannels, 3, 3], new double[18 * inChannels]), ("0.bias", [2], new double[2]), ("2.weight", [2, 8], new double[16]), ("2.bias", [2], new double[2]));

    public const string Conv = """{"type": "conv2d", "in_channels": 1, "out_channels": 2, "kernel_size": [3, 3], "stride": 1, "padding": 0, "bias": true}""";

    static string ConvWith(string field, string value) =>
        System.Text.RegularExpressions.Regex.Replace(Conv, $"\"{field}\": (\\[[^\\]]*\\]|[^,}}]+)", $"\"{field}\": {value}");

    public static byte[] BatchNormModel(string momentum = "0.1", string epsilon = "1E-05") =>
        ModelBytes($$"""{"format": "nabla-sequential", "version": 3, "layers": [{"type": "batch_norm", "features": 2, "momentum": {{momentum}}, "epsilon": {{epsilon}}}], "input_shape": [2]}""",
            ("0.weight", [2], [1, 1]), ("0.bias", [2], new double[2]), ("0.running_mean", [2], new double[2]), ("0.running_var", [2], [1, 1]), ("0.num_batches_tracked", [], [0]));

    static readonly (string[] Layers, (string, int[], double[])[] Tensors) TwoDense = (
        ["""{"type": "dense", "inputs": 3, "outputs": 2}""", """{"type": "relu"}""", """{"type": "dense", "inputs": 2, "outputs": 1}"""],
        [("0.weight", [2, 3], new double[6]), ("0.bias", [2], new double[2]), ("2.weight", [1, 2], new double[2]), ("2.bias", [1], new double[1])]);

    static byte[] Append(byte[] bytes, int extra) => [.. bytes, .. new byte[extra]];

    public static IReadOnlyList<MalformedFile> Cases { get; } =
    [
        // --- The 8-byte length prefix
        new("an empty file", [], "byte 0"),
        new("7 bytes: shorter than the length prefix", new byte[7], "byte 0"),
        new("a header length above the format's 100,000,000-byte limit", Length(100_000_001, 16), "100,000,000"),
        new("a header length of 2^64 − 1", Length(ulong.MaxValue, 16), "byte 0"),
        new("a header length past the end of the file", Length(64, 16), "the rest of the file"),
        new("a header length of 0: no JSON at all", Length(0, 8), "byte 8"),

        // --- The header as text and as JSON
        new("a byte that is not UTF-8 inside a tensor name", File([.. "{\"a\u00e9"u8, 0xFF, .. "\": 1}"u8], 0), "byte 13"),
        new("a truncated UTF-8 sequence at the end of the header", File([.. "{} "u8, 0xE2, 0x82], 0), "byte 11"),
        new("valid JSON that is an array, not an object", File("[]", 0), "found an array"),
        new("valid JSON that is a string", File("\"a\"", 0), "found \"a\""),
        new("valid JSON that is null", File("null", 0), "found null"),
        new("valid JSON that is a number", File("42", 0), "found 42"),
        new("malformed JSON: the object is never closed", File("{" + A, 8), "malformed JSON"),
        new("a comment in the JSON", File("{/* c */" + A + "}", 8), "malformed JSON"),
        new("a trailing comma in the object", File("{" + A + ",}", 8), "malformed JSON"),
        new("padding with NUL bytes instead of spaces", File("{" + A + "}\0\0\0", 8), "malformed JSON"),
        new("a second JSON value after the header object", File("{" + A + "} {}", 8), "malformed JSON"),
        new("a duplicate tensor name", File("{" + A + "," + A + "}", 8), "duplicate key"),
        new("a lone surrogate escape in a tensor name", File("""{"\ud800": 1}""", 0), "cannot be decoded"),

        // --- __metadata__
        new("a __metadata__ value that is a number", File("""{"__metadata__": {"format": 1}}""", 0), "string value"),
        new("a __metadata__ value that is an object", File("""{"__metadata__": {"format": {"x": "y"}}}""", 0), "string value"),
        new("a __metadata__ that is an array", File("""{"__metadata__": ["pt"]}""", 0), "an object of strings"),
        new("a __metadata__ value that is null", File("""{"__metadata__": {"format": null}}""", 0), "string value"),
        new("a byte that is not UTF-8 inside a __metadata__ value", File([.. "{\"__metadata__\": {\"format\": \"p"u8, 0xC3, .. "t\"}}"u8], 0), "byte 38"),
        new("a duplicate __metadata__ key", File("""{"__metadata__": {"k": "a", "k": "b"}}""", 0), "duplicate key"),
        new("two __metadata__ objects", File("""{"__metadata__": {}, "__metadata__": {}}""", 0), "duplicate key"),

        // --- One tensor entry's fields
        new("an entry that is a string", File("""{"a": "F32"}""", 0), "tensor \"a\""),
        new("an entry without dtype", File("""{"a": {"shape": [2], "data_offsets": [0, 8]}}""", 8), "no dtype"),
        new("an entry without data_offsets", File("""{"a": {"dtype": "F32", "shape": [2]}}""", 8), "no data_offsets"),
        new("an unknown dtype", File("""{"a": {"dtype": "F33", "shape": [2], "data_offsets": [0, 8]}}""", 8), "\"F33\""),
        new("a dtype in lower case (f32)", File("""{"a": {"dtype": "f32", "shape": [2], "data_offsets": [0, 8]}}""", 8), "\"f32\""),
        new("a dtype that is a number", File("""{"a": {"dtype": 32, "shape": [2], "data_offsets": [0, 8]}}""", 8), "tensor \"a\", dtype"),
        new("a field the format does not have", File("""{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8], "stride": [1]}}""", 8), "\"stride\""),
        new("a field given twice", File("""{"a": {"dtype": "F32", "dtype": "F64", "shape": [2], "data_offsets": [0, 8]}}""", 8), "a second time"),
        new("a shape that is not an array", File("""{"a": {"dtype": "F32", "shape": 2, "data_offsets": [0, 8]}}""", 8), "tensor \"a\", shape"),
        new("a negative dimension", File("""{"a": {"dtype": "F32", "shape": [-2], "data_offsets": [0, 8]}}""", 8), "shape[0]"),
        new("a fractional dimension", File("""{"a": {"dtype": "F32", "shape": [2.5], "data_offsets": [0, 10]}}""", 10), "shape[0]"),
        new("a nested array as a dimension", File("""{"a": {"dtype": "F32", "shape": [[2]], "data_offsets": [0, 8]}}""", 8), "shape[0]"),
        new("two negative dimensions whose product is positive ([-2, -4])", File("""{"a": {"dtype": "F32", "shape": [-2, -4], "data_offsets": [0, 32]}}""", 32), "shape[0]"),
        new("a dimension above 2^31 − 1 (with a 0 beside it: 0 bytes)", File("""{"a": {"dtype": "F32", "shape": [0, 3000000000], "data_offsets": [0, 0]}}""", 0), "shape[1]"),
        new("an element count that overflows 64 bits", File("""{"a": {"dtype": "F32", "shape": [2147483647, 2147483647, 2147483647], "data_offsets": [0, 8]}}""", 8), "overflows"),
        new("a byte count that overflows 64 bits (count × 8)", File("""{"a": {"dtype": "F64", "shape": [2147483647, 2147483647, 4], "data_offsets": [0, 8]}}""", 8), "overflows"),
        new("a byte count that wraps to exactly 0 (2^30 · 2^30 · 16)", File("""{"a": {"dtype": "U8", "shape": [1073741824, 1073741824, 16], "data_offsets": [0, 0]}}""", 0), "overflows"),
        new("data_offsets with three values", File("""{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 4, 8]}}""", 8), "more than two"),
        new("data_offsets with one value", File("""{"a": {"dtype": "F32", "shape": [2], "data_offsets": [8]}}""", 8), "found 1 value"),
        new("a negative offset", File("""{"a": {"dtype": "F32", "shape": [2], "data_offsets": [-8, 0]}}""", 8), "data_offsets[0]"),
        new("a fractional offset", File("""{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8.0]}}""", 8), "data_offsets[1]"),
        new("an offset above 2^64", File("""{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 18446744073709551624]}}""", 8), "data_offsets[1]"),
        new("offsets with end before begin", File("""{"a": {"dtype": "F32", "shape": [2], "data_offsets": [8, 0]}}""", 8), "begin ≤ end"),
        new("a range shorter than dtype × shape", File("""{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 4]}}""", 4), "a range of 8 bytes"),

        // --- How the tensors cover the data
        new("a range past the end of the file (truncated data)", File("{" + A + "}", 4), "truncated"),
        new("a gap between two tensors", File("""{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}, "b": {"dtype": "F32", "shape": [1], "data_offsets": [8, 12]}}""", 12), "a gap"),
        new("a first tensor that does not start at 0", File("""{"a": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}""", 8), "the data section begins"),
        new("two tensors that overlap", File("""{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "b": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}""", 8), "overlaps \"a\""),
        new("two tensors on the same bytes", File("""{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "b": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}""", 8), "overlaps"),
        new("trailing bytes after the last tensor", File("{" + A + "}", 12), "4 more bytes"),
        new("a header claiming a 20000 × 20000 tensor over 8 bytes of data", File("""{"a": {"dtype": "F32", "shape": [20000, 20000], "data_offsets": [0, 1600000000]}}""", 8), "truncated"),
        new("data but no tensor", File("{}", 4), "lists no tensor"),

        // --- Model files: the safetensors layer under ModelFile.Load
        new("a model file with 8 bytes appended", Append(DenseModel(), 8), "8 more bytes", Model: true),
        new("a model file cut short by 4 bytes", DenseModel()[..^4], "truncated", Model: true),
        new("weights only: no architecture", ModelBytes(null, ("0.weight", [2, 3], new double[6])), "LoadWeights", Model: true),

        // --- The architecture
        new("an architecture that is not JSON", ModelBytes("{\"layers\": ["), "malformed JSON", Model: true),
        new("an architecture that is a JSON array", ModelBytes("[]"), "found []", Model: true),
        new("an architecture from a newer Nabla (version 9)", DenseModel(version: "9"), "field \"version\"", Model: true),
        new("an architecture version that is a string", DenseModel(version: "\"2\""), "field \"version\"", Model: true),
        new("an architecture of another format", DenseModel(format: "\"keras\""), "field \"format\"", Model: true),
        new("an architecture with an unknown top-level field", ModelBytes("""{"format": "nabla-sequential", "version": 2, "layers": [], "optimizer": "sgd"}"""), "\"optimizer\"", Model: true),
        new("an architecture with a duplicate key", ModelBytes("""{"format": "nabla-sequential", "version": 2, "version": 2, "layers": []}"""), "Duplicate property 'version'", Model: true),
        new("a layer entry with a duplicate key", DenseModel("""{"type": "dense", "inputs": 3, "inputs": 3, "outputs": 2}"""), "Duplicate property 'inputs'", Model: true),
        new("an architecture nested 200 deep", ModelBytes("""{"format": "nabla-sequential", "version": 2, "layers": [""" + new string('[', 200) + new string(']', 200) + "]}"), "malformed JSON", Model: true),
        new("layers that is an object", ModelBytes("""{"format": "nabla-sequential", "version": 2, "layers": {}}"""), "field \"layers\"", Model: true),
        new("a layer that is a string", DenseModel("\"dense\""), "layer 0", Model: true),
        new("an unknown layer type", DenseModel("""{"type": "conv9d"}"""), "field \"type\"", Model: true),
        new("a layer type that is a number", DenseModel("""{"type": 5}"""), "field \"type\"", Model: true),
        new("a layer field the layer does not have", DenseModel("""{"type": "dense", "inputs": 3, "outputs": 2, "units": 2}"""), "\"units\"", Model: true),
        new("a size written as a string", DenseModel("""{"type": "dense", "inputs": "3", "outputs": 2}"""), "field \"inputs\"", Model: true),
        new("a fractional size", DenseModel("""{"type": "dense", "inputs": 3.5, "outputs": 2}"""), "field \"inputs\"", Model: true),
        new("a negative size", DenseModel("""{"type": "dense", "inputs": -3, "outputs": 2}"""), "field \"inputs\"", Model: true),
        new("a dense layer without outputs", DenseModel("""{"type": "dense", "inputs": 3}"""), "field \"outputs\"", Model: true),
        new("a dropout rate of 1.5", ModelBytes("""{"format": "nabla-sequential", "version": 2, "layers": [{"type": "dropout", "rate": 1.5}]}"""), "field \"rate\"", Model: true),
        new("a negative L2 penalty", DenseModel("""{"type": "dense", "inputs": 3, "outputs": 2, "weight_regularizer": {"type": "l1l2", "l1": 0, "l2": -1}}"""), "weight_regularizer", Model: true),
        new("an unknown regularizer type", DenseModel("""{"type": "dense", "inputs": 3, "outputs": 2, "bias_regularizer": {"type": "l3", "l1": 0, "l2": 1}}"""), "bias_regularizer", Model: true),
        new("a layer claiming 20000 × 20000 over a 3 × 2 tensor", DenseModel("""{"type": "dense", "inputs": 20000, "outputs": 20000}"""), "shape [20000, 20000]", Model: true),
        new("a layer whose weights are missing", ModelBytes("""{"format": "nabla-sequential", "version": 2, "layers": [{"type": "dense", "inputs": 3, "outputs": 2}]}""", ("0.bias", [2], new double[2])), "tensor \"0.weight\"", Model: true),
        new("a tensor no layer uses", ModelBytes("""{"format": "nabla-sequential", "version": 2, "layers": [{"type": "relu"}]}""", ("0.weight", [2, 3], new double[6])), "also 0.weight", Model: true),
        new("a weight stored 1-D", ModelBytes("""{"format": "nabla-sequential", "version": 2, "layers": [{"type": "dense", "inputs": 3, "outputs": 2}]}""", ("0.weight", [6], new double[6]), ("0.bias", [2], new double[2])), "shape [2, 3]", Model: true),
        // --- Version 3: layers that describe themselves (image layers), the input shape
        new("a conv2d claiming 5000 → 5000 channels over a 2 × 1 × 3 × 3 weight", CnnModel(ConvWith("in_channels", "5000").Replace("\"out_channels\": 2", "\"out_channels\": 5000")), "shape [5000, 5000, 3, 3]", Model: true),
        new("a conv2d whose in·kh·kw·out passes 2^31 − 1", CnnModel(ConvWith("in_channels", "50000").Replace("\"out_channels\": 2", "\"out_channels\": 50000")), "field \"out_channels\"", Model: true),
        new("a conv2d kernel size of 0", CnnModel(ConvWith("kernel_size", "[0, 3]")), "field \"kernel_size\"", Model: true),
        new("a conv2d kernel of three sizes", CnnModel(ConvWith("kernel_size", "[3, 3, 3]")), "field \"kernel_size\"", Model: true),
        new("a conv2d stride of 0", CnnModel(ConvWith("stride", "0")), "field \"stride\"", Model: true),
        new("a padding mode that does not exist (\"full\")", CnnModel(ConvWith("padding", "\"full\"")), "field \"padding\"", Model: true),
        new("a conv2d bias flag that is a number", CnnModel(ConvWith("bias", "1")), "field \"bias\"", Model: true),
        new("a conv2d without its bias tensor", ModelBytes("""{"format": "nabla-sequential", "version": 3, "layers": [""" + Conv + """], "input_shape": [1, 4, 4]}""", ("0.weight", [2, 1, 3, 3], new double[18])), "tensor \"0.bias\"", Model: true),
        new("a batch_norm momentum of 1", BatchNormModel(momentum: "1"), "field \"momentum\"", Model: true),
        new("a batch_norm epsilon of 0", BatchNormModel(epsilon: "0"), "field \"epsilon\"", Model: true),
        new("an input_shape of two sizes", CnnModel(input: "[4, 4]"), "field \"input_shape\"", Model: true),
        new("an input_shape with 0 channels", CnnModel(input: "[0, 4, 4]"), "field \"input_shape\"", Model: true),
        new("an input_shape of 2^31 − 1 × 2^31 − 1 pixels", CnnModel(input: "[1, 2147483647, 2147483647]"), "input_shape", Model: true),
        new("a conv2d over 3 channels where the input has 1", CnnModel(ConvWith("in_channels", "3"), inChannels: 3), "chain", Model: true),
        new("a dense layer straight after a conv2d (no flatten)", CnnModel(middle: """{"type": "relu"}"""), "chain", Model: true),
        new("a max_pool2d window larger than its input", CnnModel(middle: """{"type": "max_pool2d", "kernel_size": 5, "stride": 5, "padding": 0}"""), "chain", Model: true),
        new("layers whose sizes do not chain (3 → 2, then 4 → 1)",
            ModelBytes($$"""{"format": "nabla-sequential", "version": 2, "layers": [{{TwoDense.Layers[0]}}, {{TwoDense.Layers[1]}}, {"type": "dense", "inputs": 4, "outputs": 1}]}""",
                [.. TwoDense.Tensors[..2], ("2.weight", [1, 4], new double[4]), ("2.bias", [1], new double[1])]), "chain", Model: true),
    ];
}
