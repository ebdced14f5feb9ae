using System.Buffers.Binary;
using System.IO.Compression;

namespace Nabla.Data;

/// <summary>An IDX array (the MNIST file format): unsigned bytes and their dimensions, e.g. [60000, 28, 28].</summary>
public sealed record IdxArray(byte[] Data, int[] Dimensions)
{
    /// <summary>Number of items along the first dimension.</summary>
    public int Count => Dimensions[0];

    /// <summary>Bytes per item: the product of the other dimensions (784 for 28×28 images, 1 for labels).</summary>
    public int ItemSize => Dimensions.Skip(1).Aggregate(1, (a, b) => a * b);

    public override string ToString() => $"IdxArray({string.Join("×", Dimensions)})";
}

/// <summary>
/// Reads IDX files: magic 00 00 08 NN (08 = unsigned bytes, NN = number of dimensions), NN big-endian int32
/// dimensions, then the data. Gzip is detected by its first two bytes (1F 8B), not by the file name.
/// </summary>
public static class Idx
{
    /// <summary>Reads <paramref name="path"/>, raw or gzipped; any defect raises a <see cref="DataFormatException"/>.</summary>
    public static IdxArray Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such IDX file.", path);
        var bytes = Decompressed(path);
        return Parse(path, bytes);
    }

    static byte[] Decompressed(string path)
    {
        var raw = File.ReadAllBytes(path);
        if (raw.Length < 2 || raw[0] != 0x1F || raw[1] != 0x8B) return raw;
        try
        {
            using var gzip = new GZipStream(new MemoryStream(raw), CompressionMode.Decompress);
            using var output = new MemoryStream();
            gzip.CopyTo(output);
            // GZipStream stops quietly at a cut-off stream; the trailer's size field (ISIZE, length mod 2³²) tells.
            var declared = BinaryPrimitives.ReadUInt32LittleEndian(raw.AsSpan(raw.Length - 4));
            if (raw.Length < 18 || declared != (uint)output.Length)
                throw new DataFormatException(path, "gzip stream", $"a complete gzip stream (its trailer says {declared} bytes)",
                    $"{output.Length} bytes before it ended: the file is truncated or corrupt");
            return output.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException(path, "gzip stream", "a complete gzip stream", $"a corrupt or truncated one ({e.Message})");
        }
    }

    /// <summary>Parses IDX bytes; <paramref name="path"/> only names the source in errors.</summary>
    public static IdxArray Parse(string path, byte[] bytes)
    {
        if (bytes.Length < 4)
            throw new DataFormatException(path, "byte 0", "a 4-byte IDX magic number (00 00 08 NN)", $"a file of {bytes.Length} bytes");
        if (bytes[0] != 0 || bytes[1] != 0)
            throw new DataFormatException(path, "byte 0", "IDX magic starting 00 00", $"{bytes[0]:X2} {bytes[1]:X2} (not an IDX file)");
        if (bytes[2] != 0x08)
            throw new DataFormatException(path, "byte 2", "element type 08 (unsigned byte)", $"type {bytes[2]:X2}, which Nabla does not read");
        var rank = bytes[3];
        if (rank is < 1 or > 4)
            throw new DataFormatException(path, "byte 3", "1 to 4 dimensions", $"{rank}");
        var headerSize = 4 + 4 * rank;
        if (bytes.Length < headerSize)
            throw new DataFormatException(path, $"byte {bytes.Length}", $"{rank} dimension sizes ({headerSize} header bytes)", $"end of file after {bytes.Length} bytes");
        var dims = new int[rank];
        long expected = 1;
        for (var d = 0; d < rank; d++)
        {
            var offset = 4 + 4 * d;
            var size = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(offset, 4));   // IDX is big-endian
            if (size < 0)
                throw new DataFormatException(path, $"byte {offset}", "a non-negative dimension size", $"{size}");
            dims[d] = size;
            expected *= size;
        }
        var actual = (long)bytes.Length - headerSize;
        if (actual < expected)
            throw new DataFormatException(path, $"byte {bytes.Length}", $"{expected} data bytes for dimensions {string.Join("×", dims)}", $"end of file after {actual} (truncated)");
        if (actual > expected)
            throw new DataFormatException(path, $"byte {headerSize + expected}", $"end of file after {expected} data bytes for dimensions {string.Join("×", dims)}", $"{actual - expected} trailing bytes");
        return new IdxArray(bytes.AsSpan(headerSize).ToArray(), dims);
    }
}
