using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using MathNet.Numerics.LinearAlgebra;
using Nabla.Data;

namespace Nabla.Serialization;

/// <summary>One tensor of a safetensors file: its shape and its values as doubles, row-major.</summary>
public sealed record StoredTensor(int[] Shape, double[] Values)
{
    /// <summary>The tensor as Nabla keeps a layer's tensor (see <see cref="Layers.TensorDescription"/>): a rows × columns
    /// matrix whose column-major storage is these row-major values, for a (d0, d1, …) tensor the (d1·…) × d0 matrix.</summary>
    public Matrix<T> ToMatrix<T>(int rows, int columns) where T : struct, IFloatingPointIeee754<T>
    {
        if ((long)rows * columns != Values.Length)
            throw new ArgumentException($"A tensor of shape {this} has {Values.Length} values, not {rows}×{columns}.");
        var m = Matrix<T>.Build.Dense(rows, columns);
        var data = Kernels.Values(m);
        for (var i = 0; i < data.Length; i++) data[i] = T.CreateChecked(Values[i]);
        return m;
    }

    /// <summary>Prints the shape: "[128, 784]".</summary>
    public override string ToString() => $"[{string.Join(", ", Shape)}]";
}

/// <summary>
/// The safetensors format (Hugging Face's, read by PyTorch, JAX and others): an 8-byte little-endian header length,
/// a JSON header {name: {dtype, shape, data_offsets}, "__metadata__": {string: string}}, then the raw little-endian
/// tensor bytes. Nabla writes F32 or F64, and I64 for integer tensors (batch norm's num_batches_tracked); it reads every
/// dtype of the format, as doubles. Reading validates the whole
/// header first (<see cref="SafeTensorsHeader"/>), so a malformed file is refused before anything is allocated.
/// </summary>
public static class SafeTensors
{
    /// <summary>Writes <paramref name="tensors"/> (name → row-major values and shape) and string metadata: as F32, or F64
    /// with <paramref name="doublePrecision"/>, and as I64 those named in <paramref name="integers"/> (counters).</summary>
    public static void Write(string path, IReadOnlyList<(string Name, int[] Shape, double[] Values)> tensors,
        IReadOnlyDictionary<string, string> metadata, bool doublePrecision, IReadOnlySet<string>? integers = null)
    {
        using var file = File.Create(path);
        Write(file, tensors, metadata, doublePrecision, integers);
    }

    /// <summary><see cref="Write(string, IReadOnlyList{ValueTuple{string, int[], double[]}}, IReadOnlyDictionary{string, string}, bool, IReadOnlySet{string})"/>
    /// into <paramref name="stream"/>, left open (a checkpoint flushes it to disk before renaming it into place).</summary>
    public static void Write(Stream stream, IReadOnlyList<(string Name, int[] Shape, double[] Values)> tensors,
        IReadOnlyDictionary<string, string> metadata, bool doublePrecision, IReadOnlySet<string>? integers = null)
    {
        var header = new JsonObject { ["__metadata__"] = new JsonObject(metadata.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))) };
        int SizeOf(bool integer) => integer || doublePrecision ? 8 : 4;
        long offset = 0;
        foreach (var (name, shape, values) in tensors)
        {
            var integer = integers?.Contains(name) ?? false;
            header[name] = new JsonObject
            {
                ["dtype"] = integer ? "I64" : doublePrecision ? "F64" : "F32",
                ["shape"] = new JsonArray(shape.Select(d => (JsonNode?)d).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + (long)values.Length * SizeOf(integer)),
            };
            offset += (long)values.Length * SizeOf(integer);
        }
        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        var padded = (json.Length + 7) / 8 * 8;   // the format pads the header with spaces to 8-byte alignment
        var file = new BufferedStream(stream, 1 << 16);   // flushed, not disposed: disposing would close stream
        Span<byte> word = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(word, (ulong)padded);
        file.Write(word);
        file.Write(json);
        for (var i = json.Length; i < padded; i++) file.WriteByte((byte)' ');
        foreach (var (name, _, values) in tensors)
        {
            var integer = integers?.Contains(name) ?? false;
            foreach (var v in values)
            {
                if (integer) BinaryPrimitives.WriteInt64LittleEndian(word, checked((long)v));
                else if (doublePrecision) BinaryPrimitives.WriteDoubleLittleEndian(word, v);
                else BinaryPrimitives.WriteSingleLittleEndian(word, (float)v);
                file.Write(word[..SizeOf(integer)]);
            }
        }
        file.Flush();
    }

    /// <summary>Reads every tensor and the metadata. Any defect raises a <see cref="DataFormatException"/> with the byte
    /// offset, before any tensor is allocated (see <see cref="SafeTensorsHeader"/>).</summary>
    public static (IReadOnlyDictionary<string, StoredTensor> Tensors, IReadOnlyDictionary<string, string> Metadata) Read(string path)
    {
        using var stream = OpenRead(path);
        return Read(stream, path);
    }

    /// <summary><see cref="Read(string)"/> from a seekable stream; <paramref name="path"/> names it in errors.</summary>
    public static (IReadOnlyDictionary<string, StoredTensor> Tensors, IReadOnlyDictionary<string, string> Metadata) Read(Stream stream, string path)
    {
        var header = SafeTensorsHeader.Read(stream, path);
        return (header.Tensors.ToDictionary(t => t.Name, t => ReadTensor(stream, header, t, path)), header.Metadata);
    }

    /// <summary>Opens a model file for reading, with an error that names it when it is missing.</summary>
    public static FileStream OpenRead(string path) =>
        File.Exists(path) ? File.OpenRead(path) : throw new FileNotFoundException($"{path}: no such model file.", path);

    /// <summary>The values of one validated entry as doubles, row-major (integers and booleans converted exactly up to 2^53).</summary>
    public static StoredTensor ReadTensor(Stream stream, SafeTensorsHeader header, TensorEntry entry, string path)
    {
        if (entry.Count > Array.MaxLength)
            throw new DataFormatException(path, $"byte {entry.HeaderOffset} (tensor \"{entry.Name}\", shape)",
                $"at most {Array.MaxLength} elements (Nabla holds a tensor in one array)", $"{entry.Count}");
        var size = SafeTensorsHeader.ElementSize(entry.DType)!.Value;
        var values = new double[entry.Count];
        stream.Position = header.DataStart + entry.Begin;
        // Stryker disable once Linq : equivalent; a larger buffer reads the same values (only the memory used would tell)
        var chunk = new byte[Math.Min(1 << 16, values.Length * size)];
        for (var done = 0; done < values.Length;)
        {
            var n = Math.Min(chunk.Length / size, values.Length - done);
            var bytes = chunk.AsSpan(0, n * size);
            stream.ReadExactly(bytes);
            for (var i = 0; i < n; i++) values[done + i] = Decode(entry.DType, bytes.Slice(i * size, size));
            done += n;
        }
        return new StoredTensor(entry.Shape, values);
    }

    static double Decode(string dtype, ReadOnlySpan<byte> at) => dtype switch
    {
        "F64" => BinaryPrimitives.ReadDoubleLittleEndian(at),
        "F32" => BinaryPrimitives.ReadSingleLittleEndian(at),
        "F16" => (double)BinaryPrimitives.ReadHalfLittleEndian(at),
        "BF16" => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(at) << 16),   // the top half of an F32
        "F8_E5M2" => (double)BitConverter.UInt16BitsToHalf((ushort)(at[0] << 8)),                    // the top byte of an F16
        "F8_E4M3" => E4M3(at[0]),
        "I64" => BinaryPrimitives.ReadInt64LittleEndian(at),
        "U64" => BinaryPrimitives.ReadUInt64LittleEndian(at),
        "I32" => BinaryPrimitives.ReadInt32LittleEndian(at),
        "U32" => BinaryPrimitives.ReadUInt32LittleEndian(at),
        "I16" => BinaryPrimitives.ReadInt16LittleEndian(at),
        "U16" => BinaryPrimitives.ReadUInt16LittleEndian(at),
        "I8" => (sbyte)at[0],
        "U8" => at[0],
        _ => at[0] == 0 ? 0 : 1,   // BOOL: any non-zero byte is true, as NumPy reads it
    };

    // FP8 E4M3 as PyTorch's float8_e4m3fn: bias 7, no infinities, S.1111.111 is NaN, exponent 0 is subnormal (m/8 · 2⁻⁶).
    static double E4M3(byte b)
    {
        // Stryker disable once Bitwise : equivalent; b is a byte, so >> and >>> shift the same non-negative int
        var (sign, exponent, mantissa) = ((b & 0x80) != 0 ? -1.0 : 1.0, (b >> 3) & 0xF, b & 0x7);
        if (exponent == 0xF && mantissa == 0x7) return double.NaN;
        return sign * (exponent == 0 ? mantissa / 8.0 * Math.Pow(2, -6) : (1 + mantissa / 8.0) * Math.Pow(2, exponent - 7));
    }
}
