using System.Buffers.Binary;
using Nabla.Serialization;

namespace Nabla.Tests.Serialization;

/// <summary>The safetensors reader on untrusted input: every file of the malformed corpus refused with a
/// DataFormatException naming file and position, the format's valid variants loaded, memory bounded by the file.</summary>
public sealed class SafeTensorsTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("nabla-safetensors-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    string Write(byte[] bytes, string name = "f.safetensors")
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public static TheoryData<string> CaseNames => new(SafeTensorsCorpus.Cases.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void A_malformed_file_is_refused_naming_the_file_and_the_position(string name)
    {
        var file = SafeTensorsCorpus.Cases.Single(c => c.Name == name);
        var path = Write(file.Bytes);
        var e = Assert.Throws<DataFormatException>(() =>
        {
            if (file.Model) ModelFile.Load<float>(path);
            else SafeTensors.Read(path);
        });
        Assert.Contains(path, e.Message);
        Assert.Contains(file.Position, e.Message);
        Assert.Matches(@"^(byte \d+|metadata|tensor ""|tensors$)", e.Position);   // a byte offset, or the architecture entry or tensor
    }

    [Fact]
    public void The_corpus_has_at_least_30_safetensors_cases_and_the_model_file_cases_beside_them()
    {
        Assert.True(SafeTensorsCorpus.Cases.Count(c => !c.Model) >= 30, $"{SafeTensorsCorpus.Cases.Count(c => !c.Model)} safetensors cases");
        Assert.Equal(SafeTensorsCorpus.Cases.Count, SafeTensorsCorpus.Cases.Select(c => c.Name).Distinct().Count());
    }

    [Fact]   // each malformed model file is one of these with one fault
    public void The_files_the_model_cases_are_made_from_load()
    {
        Assert.Equal("Dense(3 → 2)", ModelFile.Load<float>(Write(SafeTensorsCorpus.DenseModel())).Layers.Single().ToString());
        var cnn = ModelFile.Load<float>(Write(SafeTensorsCorpus.CnnModel()));
        Assert.Equal(SampleShape.Image(1, 4, 4), cnn.InputShape);
        Assert.Equal(["Conv2D(1 → 2, 3×3)", "Flatten", "Dense(8 → 2)"], cnn.Layers.Select(l => l.ToString()));
        Assert.Equal(SampleShape.Features(2), cnn.OutputShape(cnn.InputShape!.Value));
        Assert.Single(ModelFile.Load<float>(Write(SafeTensorsCorpus.BatchNormModel())).Layers);
    }

    static byte[] F32(params float[] values) => values.SelectMany(v => BitConverter.GetBytes(v)).ToArray();

    static byte[] WithData(string header, byte[] data) => [.. SafeTensorsCorpus.File(header, 0), .. data];

    [Fact]
    public void Whitespace_around_the_header_and_a_pretty_printed_header_load()
    {
        var (tensors, _) = SafeTensors.Read(Write(WithData(" \n\t{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]}}    ", F32(1.5f, -2))));
        Assert.Equal([1.5, -2.0], tensors["a"].Values);
        var pretty = """
            {
              "__metadata__": {"format": "pt"},
              "a": {
                "dtype": "F32",
                "shape": [1],
                "data_offsets": [0, 4]
              }
            }
            """;
        Assert.Equal([3.0], SafeTensors.Read(Write(WithData(pretty, F32(3)))).Tensors["a"].Values);
    }

    [Fact]
    public void An_error_in_a_multi_line_header_gives_the_byte_offset_in_the_file()
    {
        var header = "{\n  \"a\": x\n}";
        var e = Assert.Throws<DataFormatException>(() => SafeTensors.Read(Write(SafeTensorsCorpus.File(header, 0))));
        Assert.Equal($"byte {8 + header.IndexOf('x')}", e.Position);
    }

    [Fact]
    public void Tensors_listed_out_of_offset_order_empty_tensors_scalars_and_metadata_load()
    {
        var header = """
            {"b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]},
             "empty": {"dtype": "F64", "shape": [0, 5], "data_offsets": [12, 12]},
             "scalar": {"dtype": "F32", "shape": [], "data_offsets": [0, 4]},
             "__metadata__": {"format": "pt", "note": "é ✓"},
             "last": {"dtype": "F32", "shape": [0], "data_offsets": [12, 12]}}
            """;
        var (tensors, metadata) = SafeTensors.Read(Write(WithData(header, F32(7, 1, 2))));
        Assert.Equal([7.0], tensors["scalar"].Values);
        Assert.Empty(tensors["scalar"].Shape);
        Assert.Equal([1.0, 2.0], tensors["b"].Values);
        Assert.Equal([0, 5], tensors["empty"].Shape);
        Assert.Empty(tensors["empty"].Values);
        Assert.Empty(tensors["last"].Values);
        Assert.Equal("é ✓", metadata["note"]);
        Assert.Empty(SafeTensors.Read(Write(SafeTensorsCorpus.File("""{"__metadata__": null}""", 0))).Metadata);
        Assert.Empty(SafeTensors.Read(Write(SafeTensorsCorpus.File("{}", 0))).Tensors);
    }

    [Fact]
    public void Every_dtype_of_the_format_reads_as_its_value()
    {
        var cases = new (string DType, byte[] Bytes, double Value)[]
        {
            ("F64", BitConverter.GetBytes(-0.1), -0.1),
            ("F32", BitConverter.GetBytes(0.25f), 0.25),
            ("F16", BitConverter.GetBytes((Half)(-1.5)), -1.5),
            ("BF16", [0x80, 0x3F], 1.0),                 // 0x3F80 is the top half of 1.0f
            ("F8_E5M2", [0x3C], 1.0),                    // the top byte of F16 1.0 (0x3C00)
            ("F8_E4M3", [0xB8], -1.0),                   // sign 1, exponent 7 (bias 7), mantissa 0
            ("F8_E4M3", [0x01], Math.Pow(2, -9)),        // the smallest subnormal: 1/8 · 2⁻⁶
            ("I64", BitConverter.GetBytes(-5L), -5),
            ("U64", BitConverter.GetBytes(7UL), 7),
            ("I32", BitConverter.GetBytes(-3), -3),
            ("U32", BitConverter.GetBytes(4000000000U), 4e9),
            ("I16", BitConverter.GetBytes((short)-300), -300),
            ("U16", BitConverter.GetBytes((ushort)60000), 60000),
            ("I8", [0xFE], -2),
            ("U8", [0xFE], 254),
            ("BOOL", [0x01], 1),
        };
        foreach (var (dtype, bytes, value) in cases)
        {
            var header = $$$"""{"t": {"dtype": "{{{dtype}}}", "shape": [1], "data_offsets": [0, {{{bytes.Length}}}]}}""";
            Assert.Equal(value, SafeTensors.Read(Write(WithData(header, bytes))).Tensors["t"].Values[0]);
        }
    }

    // Issue 11: ModelFile.Load used to build every layer before checking any tensor, so this file (a Dense(3 → 2)
    // model whose architecture says 20000 × 20000: 416 bytes here, 652 in the issue) allocated 1.6 GB before it was refused. Measured on this thread only,
    // so tests running in parallel do not count.
    [Fact]
    public void A_small_file_claiming_a_20000_by_20000_layer_is_refused_with_under_50_MB_allocated()
    {
        var architectureClaim = Write(SafeTensorsCorpus.DenseModel("""{"type": "dense", "inputs": 20000, "outputs": 20000}"""), "claim.safetensors");
        var headerClaim = Write(SafeTensorsCorpus.File(
            """{"__metadata__": {"nabla.architecture": "{\"format\": \"nabla-sequential\", \"version\": 2, \"layers\": [{\"type\": \"dense\", \"inputs\": 20000, \"outputs\": 20000}]}"}, "0.weight": {"dtype": "F32", "shape": [20000, 20000], "data_offsets": [0, 1600000000]}, "0.bias": {"dtype": "F32", "shape": [20000], "data_offsets": [1600000000, 1600080000]}}""",
            0), "header-claim.safetensors");
        // The same through a version 3 file, whose layers describe their own tensors: a Conv2D(5000 → 5000, 3×3) is 900 MB.
        var convClaim = Write(SafeTensorsCorpus.CnnModel(SafeTensorsCorpus.Conv.Replace("\"in_channels\": 1, \"out_channels\": 2",
            "\"in_channels\": 5000, \"out_channels\": 5000")), "conv-claim.safetensors");
        foreach (var path in new[] { architectureClaim, headerClaim, convClaim })
        {
            Assert.InRange(new FileInfo(path).Length, 1, 1000);
            ModelFile.Load<float>(Write(SafeTensorsCorpus.DenseModel(), "warm.safetensors"));   // JIT and statics first, so they do not count
            Assert.Throws<DataFormatException>(() => ModelFile.Load<float>(path));
            var before = GC.GetAllocatedBytesForCurrentThread();
            var e = Assert.Throws<DataFormatException>(() => ModelFile.Load<float>(path));
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated < 50_000_000, $"{Path.GetFileName(path)} ({new FileInfo(path).Length} bytes): {allocated:N0} bytes allocated before: {e.Message}");
        }
    }

    [Fact]
    public void Reading_from_a_stream_gives_what_reading_the_file_gives()
    {
        var bytes = SafeTensorsCorpus.DenseModel();
        var fromFile = ModelFile.Load<float>(Write(bytes));
        var fromStream = ModelFile.Load<float>(new MemoryStream(bytes), "memory");
        Assert.Equal(TestSupport.Snapshot(fromFile.Parameters[0]), TestSupport.Snapshot(fromStream.Parameters[0]));
        var e = Assert.Throws<DataFormatException>(() => SafeTensors.Read(new MemoryStream(bytes[..^1]), "memory"));
        Assert.StartsWith("memory: byte", e.Message);
    }

    [Fact]
    public void The_header_is_read_without_the_data()
    {
        var header = SafeTensorsHeader.Read(new MemoryStream(SafeTensorsCorpus.DenseModel()), "m");
        Assert.Equal(["0.weight", "0.bias"], header.Tensors.Select(t => t.Name));
        Assert.Equal([2, 3], header.Find("0.weight")!.Shape);
        Assert.Equal(24, header.Find("0.weight")!.End);
        Assert.Equal(BinaryPrimitives.ReadInt64LittleEndian(SafeTensorsCorpus.DenseModel()) + 8, header.DataStart);
        Assert.Contains(ModelFile.ArchitectureKey, header.Metadata.Keys);
        Assert.Null(header.Find("nothing"));
    }
}
