using System.Text;
using Nabla.Serialization;

namespace Nabla.Tests.Serialization;

/// <summary>What SafeTensors reads and writes, value by value: each narrow dtype decoded as PyTorch does, a tensor larger
/// than the read buffer, the element limit of one array, and the errors of a missing file and an impossible counter.</summary>
public sealed class SafeTensorsValueTests
{
    // A one-tensor file "t" of `dtype` holding `data`, one element per `size` bytes.
    static double[] Decode(string dtype, int size, params byte[] data)
    {
        var header = Encoding.UTF8.GetBytes($$$"""{"t": {"dtype": "{{{dtype}}}", "shape": [{{{data.Length / size}}}], "data_offsets": [0, {{{data.Length}}}]}}""");
        var (tensors, _) = SafeTensors.Read(new MemoryStream([.. SafeTensorsCorpus.File(header, 0), .. data]), "m.safetensors");
        return tensors["t"].Values;
    }

    [Fact]   // float8_e4m3fn: bias 7, S.1111.111 NaN, exponent 0 subnormal (m/8 · 2⁻⁶), 0x7E the largest (448)
    public void Fp8_e4m3_bytes_decode_as_pytorch_float8_e4m3fn() =>
        Assert.Equal([0, 7 / 512.0, 1, 1.125, 2, -2, 96, 448, double.NaN, double.NaN],
            Decode("F8_E4M3", 1, 0x00, 0x07, 0x38, 0x39, 0x40, 0xC0, 0x6C, 0x7E, 0x7F, 0xFF));

    [Fact]   // float8_e5m2 is the top byte of a float16
    public void Fp8_e5m2_bytes_decode_as_the_top_byte_of_a_half() =>
        Assert.Equal([1, 2, -2, 0.75], Decode("F8_E5M2", 1, 0x3C, 0x40, 0xC0, 0x3A));

    [Fact]   // as NumPy reads a bool array: any non-zero byte is true
    public void Bool_bytes_decode_zero_as_false_and_any_other_as_true() =>
        Assert.Equal([0, 1, 1, 0], Decode("BOOL", 1, 0, 1, 7, 0));

    [Fact]   // 40,003 floats are 160,012 bytes: three full 64 KiB reads and a partial one
    public void A_tensor_larger_than_the_read_buffer_reads_back_every_value()
    {
        var values = Enumerable.Range(0, 40_003).Select(i => (double)i - 20_000).ToArray();
        var stream = new MemoryStream();
        SafeTensors.Write(stream, [("t", [values.Length], values)], new Dictionary<string, string>(), doublePrecision: false);
        stream.Position = 0;
        Assert.Equal(values, SafeTensors.Read(stream, "m.safetensors").Tensors["t"].Values);
    }

    [Fact]   // the header is valid (2³² one-byte booleans), but Nabla keeps a tensor in one array: refused before allocating
    public void A_tensor_of_more_elements_than_an_array_holds_is_refused_naming_its_entry()
    {
        const long count = 2L * int.MaxValue;
        var header = SafeTensorsHeader.Parse("m.safetensors",
            Encoding.UTF8.GetBytes($$$"""{"t": {"dtype": "BOOL", "shape": [{{{int.MaxValue}}}, 2], "data_offsets": [0, {{{count}}}]}}"""), count);
        var e = Assert.Throws<DataFormatException>(() => SafeTensors.ReadTensor(Stream.Null, header, header.Tensors[0], "m.safetensors"));
        Assert.Equal($"m.safetensors: byte 74 (tensor \"t\", shape): expected at most {Array.MaxLength} elements (Nabla holds a tensor in one array), found {count}.", e.Message);
    }

    [Fact]
    public void A_missing_file_is_named_in_the_error()
    {
        var path = Path.Combine(Path.GetTempPath(), $"nabla-missing-{Guid.NewGuid():N}.safetensors");
        var e = Assert.Throws<FileNotFoundException>(() => SafeTensors.Read(path));
        Assert.Equal((path + ": no such model file.", path), (e.Message, e.FileName));
    }

    [Fact]   // a counter beyond 2⁶³ cannot be an I64: an error, not a wrapped or saturated value
    public void An_integer_tensor_value_beyond_int64_is_an_overflow_not_a_silent_change() =>
        Assert.Throws<OverflowException>(() => SafeTensors.Write(new MemoryStream(), [("n", [1], [1e19])], new Dictionary<string, string>(),
            doublePrecision: false, integers: new HashSet<string> { "n" }));

    [Fact]
    public void A_stored_tensor_prints_its_shape_and_refuses_a_matrix_of_another_size()
    {
        var tensor = new StoredTensor([2, 3], new double[6]);
        Assert.Equal("[2, 3]", tensor.ToString());
        Assert.Equal("A tensor of shape [2, 3] has 6 values, not 2×2.", Assert.Throws<ArgumentException>(() => tensor.ToMatrix<float>(2, 2)).Message);
    }
}
