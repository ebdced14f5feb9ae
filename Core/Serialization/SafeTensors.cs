using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MathNet.Numerics.LinearAlgebra;
using Nabla.Data;

namespace Nabla.Serialization;

/// <summary>One tensor of a safetensors file: its shape and its values as doubles, row-major.</summary>
public sealed record StoredTensor(int[] Shape, double[] Values)
{
    /// <summary>The tensor as a matrix: 2-D as is, 1-D as one row.</summary>
    public Matrix<T> ToMatrix<T>(string name, string path) where T : struct, IFloatingPointIeee754<T> => Shape.Length switch
    {
        1 => Kernels.FromRowMajor<T>(1, Shape[0], Values),
        2 => Kernels.FromRowMajor<T>(Shape[0], Shape[1], Values),
        _ => throw new DataFormatException(path, $"tensor \"{name}\"", "a 1-D or 2-D tensor", $"shape [{string.Join(", ", Shape)}]"),
    };

    public override string ToString() => $"[{string.Join(", ", Shape)}]";
}

/// <summary>
/// The safetensors format (Hugging Face's, read by PyTorch, JAX and others): an 8-byte little-endian header length,
/// a JSON header {name: {dtype, shape, data_offsets}, "__metadata__": {string: string}}, then the raw little-endian
/// tensor bytes. Nabla writes F32 or F64; it reads F64, F32, F16 and BF16.
/// </summary>
public static class SafeTensors
{
    /// <summary>Writes <paramref name="tensors"/> (name → row-major values and shape) and string metadata.</summary>
    public static void Write(string path, IReadOnlyList<(string Name, int[] Shape, double[] Values)> tensors,
        IReadOnlyDictionary<string, string> metadata, bool doublePrecision)
    {
        var header = new JsonObject { ["__metadata__"] = new JsonObject(metadata.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))) };
        var size = doublePrecision ? 8 : 4;
        long offset = 0;
        foreach (var (name, shape, values) in tensors)
        {
            header[name] = new JsonObject
            {
                ["dtype"] = doublePrecision ? "F64" : "F32",
                ["shape"] = new JsonArray(shape.Select(d => (JsonNode?)d).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + (long)values.Length * size),
            };
            offset += (long)values.Length * size;
        }
        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        var padded = (json.Length + 7) / 8 * 8;   // the format pads the header with spaces to 8-byte alignment
        using var file = new BufferedStream(File.Create(path));
        Span<byte> word = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(word, (ulong)padded);
        file.Write(word);
        file.Write(json);
        for (var i = json.Length; i < padded; i++) file.WriteByte((byte)' ');
        foreach (var (_, _, values) in tensors)
            foreach (var v in values)
            {
                if (doublePrecision) BinaryPrimitives.WriteDoubleLittleEndian(word, v);
                else BinaryPrimitives.WriteSingleLittleEndian(word, (float)v);
                file.Write(word[..size]);
            }
    }

    /// <summary>Reads every tensor and the metadata. Any defect raises a <see cref="DataFormatException"/> with the byte offset.</summary>
    public static (IReadOnlyDictionary<string, StoredTensor> Tensors, IReadOnlyDictionary<string, string> Metadata) Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such model file.", path);
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 8)
            throw new DataFormatException(path, "byte 0", "an 8-byte safetensors header length", $"a file of {bytes.Length} bytes");
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > (ulong)bytes.Length - 8)
            throw new DataFormatException(path, "byte 0", $"a header length of at most {bytes.Length - 8} (the rest of the file)", $"{headerLength}: not a safetensors file, or truncated");
        JsonObject header;
        try
        {
            header = JsonNode.Parse(bytes.AsSpan(8, (int)headerLength)) as JsonObject
                     ?? throw new JsonException("the header is not a JSON object");
        }
        catch (JsonException e)
        {
            throw new DataFormatException(path, "byte 8 (header)", "a JSON object", $"malformed JSON ({e.Message})");
        }
        var dataStart = 8 + (long)headerLength;
        var dataLength = bytes.Length - dataStart;
        var metadata = new Dictionary<string, string>();
        var tensors = new Dictionary<string, StoredTensor>();
        foreach (var (name, node) in header)
        {
            if (name == "__metadata__")
            {
                foreach (var (key, value) in node as JsonObject ?? [])
                    metadata[key] = value?.GetValue<string>() ?? "";
                continue;
            }
            tensors[name] = ReadTensor(path, name, node, bytes, dataStart, dataLength);
        }
        return (tensors, metadata);
    }

    static StoredTensor ReadTensor(string path, string name, JsonNode? node, byte[] bytes, long dataStart, long dataLength)
    {
        string where = $"header entry \"{name}\"";
        try
        {
            var dtype = node!["dtype"]!.GetValue<string>();
            var shape = node["shape"]!.AsArray().Select(d => d!.GetValue<int>()).ToArray();
            var offsets = node["data_offsets"]!.AsArray().Select(d => d!.GetValue<long>()).ToArray();
            var size = dtype switch
            {
                "F64" => 8,
                "F32" => 4,
                "F16" or "BF16" => 2,
                _ => throw new DataFormatException(path, where, "dtype F64, F32, F16 or BF16", dtype),
            };
            var count = shape.Aggregate(1L, (a, d) => a * d);
            if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] < offsets[0] || offsets[1] > dataLength)
                throw new DataFormatException(path, where, $"data_offsets within the {dataLength} data bytes", $"[{string.Join(", ", offsets)}]");
            if (offsets[1] - offsets[0] != count * size)
                throw new DataFormatException(path, where, $"{count * size} bytes for {dtype} shape [{string.Join(", ", shape)}]", $"{offsets[1] - offsets[0]}");
            var span = bytes.AsSpan((int)(dataStart + offsets[0]), (int)(count * size));
            var values = new double[count];
            for (var i = 0; i < count; i++)
            {
                var at = span.Slice(i * size, size);
                values[i] = dtype switch
                {
                    "F64" => BinaryPrimitives.ReadDoubleLittleEndian(at),
                    "F32" => BinaryPrimitives.ReadSingleLittleEndian(at),
                    "F16" => (double)BinaryPrimitives.ReadHalfLittleEndian(at),
                    _ => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(at) << 16),   // BF16: the top half of an F32
                };
            }
            return new StoredTensor(shape, values);
        }
        catch (Exception e) when (e is NullReferenceException or InvalidOperationException or FormatException)
        {
            throw new DataFormatException(path, where, "{\"dtype\": …, \"shape\": […], \"data_offsets\": [begin, end]}", node?.ToJsonString() ?? "null");
        }
    }
}
