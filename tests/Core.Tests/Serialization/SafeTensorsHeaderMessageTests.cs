using System.Buffers.Binary;
using System.Text;
using Nabla.Serialization;

namespace Nabla.Tests.Serialization;

/// <summary>The safetensors header parser's refusals, each message pinned in full (the file, the byte, what was expected,
/// what was found), and the boundaries of its checks: one byte on either side of each limit.</summary>
public sealed class SafeTensorsHeaderMessageTests
{
    const string File = "m.safetensors";

    static string Refusal(string header, long data) =>
        Assert.Throws<DataFormatException>(() => SafeTensorsHeader.Parse(File, Encoding.UTF8.GetBytes(header), data)).Message;

    static string Refusal(byte[] file) =>
        Assert.Throws<DataFormatException>(() => SafeTensorsHeader.Read(new MemoryStream(file), File)).Message;

    [Theory]
    // the object, its keys and the metadata
    [InlineData("[]", 0, "m.safetensors: byte 8: expected the header to be a JSON object of tensor entries, found an array.")]
    [InlineData("""{"a": 5}""", 0, """m.safetensors: byte 14 (tensor "a"): expected an entry {"dtype": …, "shape": […], "data_offsets": [begin, end]}, found 5.""")]
    [InlineData("""{"\uD800": {}}""", 0, "m.safetensors: byte 9 (the header): expected a valid JSON string, found one that cannot be decoded (Cannot read incomplete UTF-16 JSON text as string with missing low surrogate.).")]
    [InlineData("""{"a": {"dtype": "F32", "shape": [0], "data_offsets": [0, 0]}, "a": {}}""", 0, """m.safetensors: byte 70: expected each tensor named once, found "a" a second time (a duplicate key).""")]
    [InlineData("""{"__metadata__": {"k": "1", "k": "2"}}""", 0, """m.safetensors: byte 36: expected each __metadata__ key once, found "k" a second time (a duplicate key).""")]
    [InlineData("""{"__metadata__": {"k": 1}}""", 0, """m.safetensors: byte 31: expected a string value for __metadata__ "k" (metadata maps strings to strings), found 1.""")]
    [InlineData("""{"__metadata__": []}""", 0, """m.safetensors: byte 25: expected "__metadata__" to be an object of strings, found an array.""")]
    [InlineData("""{"a": {"dtype": "F32", "shape": [0] """, 0, "m.safetensors: byte 44: expected a JSON header, found malformed JSON (Expected depth to be zero at the end of the JSON payload. There is an open JSON object or array that should be closed).")]
    [InlineData("", 0, "m.safetensors: byte 8: expected a JSON header, found malformed JSON (The input does not contain any JSON tokens. Expected the input to start with a valid JSON token, when isFinalBlock is true).")]
    [InlineData("{\n\"a\":\n x}", 0, "m.safetensors: byte 16: expected a JSON header, found malformed JSON ('x' is an invalid start of a value).")]
    [InlineData("""{"a": {"dtype": "F32", "shape": [[[[[[[[1]]]]]]]], "data_offsets": [0, 4]}}""", 4, """m.safetensors: byte 41 (tensor "a", shape[0]): expected a dimension size, a whole number ≥ 0, found an array.""")]
    // the fields of an entry
    [InlineData("""{"a": {"\uDC00": 1}}""", 0, """m.safetensors: byte 15 (tensor "a"): expected a valid JSON string, found one that cannot be decoded (Cannot read invalid UTF-16 JSON text as string. Invalid surrogate value: '0xDC00'.).""")]
    [InlineData("""{"a": {"dtype": 1}}""", 0, """m.safetensors: byte 24 (tensor "a", dtype): expected a dtype (F64, F32, F16, BF16, F8_E5M2, F8_E4M3, I64, I32, I16, I8, U64, U32, U16, U8 or BOOL), found 1.""")]
    [InlineData("""{"a": {"dtype": true}}""", 0, """m.safetensors: byte 24 (tensor "a", dtype): expected a dtype (F64, F32, F16, BF16, F8_E5M2, F8_E4M3, I64, I32, I16, I8, U64, U32, U16, U8 or BOOL), found true.""")]
    [InlineData("""{"a": {"dtype": false}}""", 0, """m.safetensors: byte 24 (tensor "a", dtype): expected a dtype (F64, F32, F16, BF16, F8_E5M2, F8_E4M3, I64, I32, I16, I8, U64, U32, U16, U8 or BOOL), found false.""")]
    [InlineData("""{"a": {"dtype": null}}""", 0, """m.safetensors: byte 24 (tensor "a", dtype): expected a dtype (F64, F32, F16, BF16, F8_E5M2, F8_E4M3, I64, I32, I16, I8, U64, U32, U16, U8 or BOOL), found null.""")]
    [InlineData("""{"a": {"dtype": {}}}""", 0, """m.safetensors: byte 24 (tensor "a", dtype): expected a dtype (F64, F32, F16, BF16, F8_E5M2, F8_E4M3, I64, I32, I16, I8, U64, U32, U16, U8 or BOOL), found an object.""")]
    [InlineData("""{"a": {"dtype": "\uD800"}}""", 0, "m.safetensors: byte 24 (dtype): expected a valid JSON string, found one that cannot be decoded (Cannot read incomplete UTF-16 JSON text as string with missing low surrogate.).")]
    [InlineData("""{"a": {"dtype": "F32", "dtype": "F32"}}""", 0, """m.safetensors: byte 31 (tensor "a", dtype): expected "dtype" once, found it a second time (a duplicate key).""")]
    [InlineData("""{"a": {"shape": [], "shape": []}}""", 0, """m.safetensors: byte 28 (tensor "a", shape): expected "shape" once, found it a second time (a duplicate key).""")]
    [InlineData("""{"a": {"data_offsets": [0, 0], "data_offsets": [0, 0]}}""", 0, """m.safetensors: byte 39 (tensor "a", data_offsets): expected "data_offsets" once, found it a second time (a duplicate key).""")]
    [InlineData("""{"a": {"dtype": "F32", "offsets": [0, 0]}}""", 0, """m.safetensors: byte 31 (tensor "a"): expected only the fields dtype, shape and data_offsets, found "offsets".""")]
    [InlineData("""{"a": {"shape": []}}""", 0, """m.safetensors: byte 9 (tensor "a"): expected the fields dtype, shape and data_offsets, found no dtype or data_offsets.""")]
    [InlineData("""{"a": {"dtype": "F32"}}""", 0, """m.safetensors: byte 9 (tensor "a"): expected the fields dtype, shape and data_offsets, found no shape or data_offsets.""")]
    [InlineData("""{"a": {}}""", 0, """m.safetensors: byte 9 (tensor "a"): expected the fields dtype, shape and data_offsets, found no dtype or shape or data_offsets.""")]
    [InlineData("""{"a": {"dtype": "F31", "shape": [], "data_offsets": [0, 4]}}""", 4, """m.safetensors: byte 24 (tensor "a", dtype): expected a dtype (F64, F32, F16, BF16, F8_E5M2, F8_E4M3, I64, I32, I16, I8, U64, U32, U16, U8 or BOOL), found "F31".""")]
    [InlineData("""{"a": {"dtype": "F32", "shape": 3, "data_offsets": [0, 4]}}""", 4, """m.safetensors: byte 40 (tensor "a", shape): expected an array of dimension sizes, e.g. [128, 784], found 3.""")]
    [InlineData("""{"a": {"dtype": "F32", "shape": [2, -1], "data_offsets": [0, 4]}}""", 4, """m.safetensors: byte 44 (tensor "a", shape[1]): expected a dimension size, a whole number ≥ 0, found -1.""")]
    [InlineData("""{"a": {"dtype": "F32", "shape": [2, 2147483648], "data_offsets": [0, 4]}}""", 4, """m.safetensors: byte 44 (tensor "a", shape[1]): expected a dimension size of at most 2147483647 (Nabla's limit), found 2147483648.""")]
    [InlineData("""{"a": {"dtype": "F32", "shape": [2147483647, 2147483647, 2147483647], "data_offsets": [0, 4]}}""", 4, """m.safetensors: byte 40 (tensor "a", shape): expected a shape whose element count fits in 64 bits, found [2147483647, 2147483647, 2147483647] (the product overflows).""")]
    [InlineData("""{"a": {"dtype": "F64", "shape": [2147483647, 2147483647, 4], "data_offsets": [0, 4]}}""", 4, """m.safetensors: byte 40 (tensor "a", shape): expected a tensor whose byte count fits in 64 bits, found [2147483647, 2147483647, 4] × 8 bytes of F64 (the product overflows).""")]
    [InlineData("""{"a": {"dtype": "F32", "shape": [1], "data_offsets": "0-4"}}""", 4, """m.safetensors: byte 61 (tensor "a", data_offsets): expected two byte offsets [begin, end], found "0-4".""")]
    [InlineData("""{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4, 8]}}""", 4, """m.safetensors: byte 61 (tensor "a", data_offsets): expected two byte offsets [begin, end], found more than two values.""")]
    [InlineData("""{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0]}}""", 4, """m.safetensors: byte 61 (tensor "a", data_offsets): expected two byte offsets [begin, end], found 1 value.""")]
    [InlineData("""{"a": {"dtype": "F32", "shape": [1], "data_offsets": []}}""", 4, """m.safetensors: byte 61 (tensor "a", data_offsets): expected two byte offsets [begin, end], found 0 values.""")]
    [InlineData("""{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, -4]}}""", 4, """m.safetensors: byte 65 (tensor "a", data_offsets[1]): expected a byte offset, a whole number ≥ 0, found -4.""")]
    [InlineData("""{"a": {"dtype": "F32", "shape": [1], "data_offsets": [4, 0]}}""", 4, """m.safetensors: byte 61 (tensor "a", data_offsets): expected [begin, end] with begin ≤ end, found [4, 0].""")]
    [InlineData("""{"a": {"dtype": "F32", "shape": [3, 2], "data_offsets": [0, 4]}}""", 4, """m.safetensors: byte 64 (tensor "a", data_offsets): expected a range of 24 bytes (F32 [3, 2]: 6 elements × 4 bytes), found [0, 4], 4 bytes.""")]
    [InlineData("""{"a": {"dtype": "F32", "shape": [2], "data_offsets": [4, 16]}}""", 16, """m.safetensors: byte 61 (tensor "a", data_offsets): expected a range of 8 bytes (F32 [2]: 2 elements × 4 bytes), found [4, 16], 12 bytes.""")]
    // the layout of the data section
    [InlineData("""{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}, "b": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}""", 7, """m.safetensors: byte 122 (tensor "b", data_offsets): expected a range within the 7 data bytes after the header, found [4, 8]: the file is truncated, or the offsets are wrong.""")]
    [InlineData("""{"a": {"dtype": "F32", "shape": [1], "data_offsets": [2, 6]}}""", 6, """m.safetensors: byte 61 (tensor "a", data_offsets): expected its data to start at data byte 0, where the data section begins, found [2, 6]: data bytes 0..2 belong to no tensor (a gap).""")]
    [InlineData("""{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}, "b": {"dtype": "F32", "shape": [1], "data_offsets": [6, 10]}}""", 10, """m.safetensors: byte 122 (tensor "b", data_offsets): expected its data to start at data byte 4, where tensor "a" ends, found [6, 10]: data bytes 4..6 belong to no tensor (a gap).""")]
    [InlineData("""{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}, "b": {"dtype": "F32", "shape": [1], "data_offsets": [2, 6]}}""", 6, """m.safetensors: byte 122 (tensor "b", data_offsets): expected its data to start at data byte 4, where tensor "a" ends, found [2, 6], which overlaps "a" [0, 4].""")]
    [InlineData("""{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}""", 7, """m.safetensors: byte 73: expected the end of the file after tensor "a", found 3 more bytes that belong to no tensor.""")]
    [InlineData("""{}""", 3, "m.safetensors: byte 10: expected the end of the file (the header lists no tensor), found 3 more bytes that belong to no tensor.")]
    public void A_malformed_header_is_refused_with_a_message_naming_the_byte_and_the_fault(string header, long data, string expected) =>
        Assert.Equal(expected, Refusal(header, data));

    // An 8-byte length n, then n header bytes ("{}" and spaces), then `data` bytes.
    static byte[] FileOf(ulong n, int size)
    {
        var bytes = new byte[size];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, n);
        for (var i = 8; i < size; i++) bytes[i] = (byte)' ';
        if (size >= 10) (bytes[8], bytes[9]) = ((byte)'{', (byte)'}');
        return bytes;
    }

    [Fact]
    public void The_length_word_is_checked_against_the_file_and_the_format_limit_to_the_byte()
    {
        Assert.Equal("m.safetensors: byte 0: expected an 8-byte header length (safetensors), found a file of 7 bytes.", Refusal(new byte[7]));
        // 8 bytes hold the length word: the empty header after it is what is wrong.
        Assert.Equal("m.safetensors: byte 8: expected a JSON header, found malformed JSON (The input does not contain any JSON tokens. "
            + "Expected the input to start with a valid JSON token, when isFinalBlock is true).", Refusal(new byte[8]));
        Assert.Equal("m.safetensors: byte 0: expected a header length of at most 100,000,000 bytes (the format's limit), found 100000001: not a safetensors file.",
            Refusal(FileOf(SafeTensorsHeader.MaxBytes + 1, 16)));
        Assert.Equal("m.safetensors: byte 0: expected a header length of at most 8 (the rest of the file), found 100000000: the file is truncated or not a safetensors file.",
            Refusal(FileOf(SafeTensorsHeader.MaxBytes, 16)));
        Assert.Equal("m.safetensors: byte 0: expected a header length of at most 8 (the rest of the file), found 9: the file is truncated or not a safetensors file.",
            Refusal(FileOf(9, 16)));
        var header = SafeTensorsHeader.Read(new MemoryStream(FileOf(8, 16)), File);   // the header fills the file exactly
        Assert.Equal((16L, 0), (header.DataStart, header.Tensors.Count));
    }

    [Fact]
    public void A_header_that_is_not_utf8_is_refused_at_its_first_bad_byte() =>
        Assert.Equal("m.safetensors: byte 15: expected a UTF-8 JSON header, found byte FF, which is not valid UTF-8 there.",
            Assert.Throws<DataFormatException>(() => SafeTensorsHeader.Parse(File, [.. "{\"é\": "u8, 0xFF, .. "}"u8], 0)).Message);

    [Fact]   // [0, 0] and [0, 8] start at the same byte: the empty one comes first, whatever the header's order
    public void Tensors_starting_at_the_same_byte_are_ordered_by_their_end()
    {
        var header = SafeTensorsHeader.Parse(File, """{"b": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "a": {"dtype": "F32", "shape": [0], "data_offsets": [0, 0]}}"""u8, 8);
        Assert.Equal(["a", "b"], header.Tensors.Select(t => t.Name));
        Assert.Equal(["\"a\" F32 [0]", "\"b\" F32 [2]"], header.Tensors.Select(t => t.ToString()));   // as a script prints them
    }

    [Fact]
    public void A_name_is_shown_whole_up_to_60_characters_and_clipped_beyond()
    {
        string Duplicate(string name) => Refusal($$$"""{"{{{name}}}": {"dtype": "F32", "shape": [0], "data_offsets": [0, 0]}, "{{{name}}}": {}}""", 0);
        var sixty = new string('x', 60);
        Assert.Equal($$"""m.safetensors: byte 129: expected each tensor named once, found "{{sixty}}" a second time (a duplicate key).""", Duplicate(sixty));
        Assert.Equal($$"""m.safetensors: byte 130: expected each tensor named once, found "{{new string('x', 57)}}…" a second time (a duplicate key).""", Duplicate(sixty + "y"));
    }
}
