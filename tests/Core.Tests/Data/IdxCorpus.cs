using System.IO.Compression;

namespace Nabla.Tests.Data;

/// <summary>The malformed IDX files (raw and gzipped) Idx.Read must refuse with a DataFormatException, generated here
/// deterministically, each named by its fault: the format's rules and the cases reported in issue 11.</summary>
public static class IdxCorpus
{
    public static byte[] BigEndian(int v) => [(byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v];

    /// <summary>An image file: count images of rows × columns, pixel i = i mod 251, plus <paramref name="extra"/> bytes.</summary>
    public static byte[] Images(int count, int rows, int columns, int extra = 0) =>
        [0, 0, 8, 3, .. BigEndian(count), .. BigEndian(rows), .. BigEndian(columns),
         .. Enumerable.Range(0, count * rows * columns + extra).Select(i => (byte)(i % 251))];

    /// <summary>A label file.</summary>
    public static byte[] Labels(params byte[] labels) => [0, 0, 8, 1, .. BigEndian(labels.Length), .. labels];

    public static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest)) gzip.Write(bytes);
        return output.ToArray();
    }

    static byte[] With(byte[] bytes, int at, byte value)
    {
        var copy = (byte[])bytes.Clone();
        copy[at] = value;
        return copy;
    }

    public static IReadOnlyList<MalformedFile> Cases { get; } =
    [
        // --- The magic number
        new("an empty file", [], "byte 0"),
        new("3 bytes: shorter than the magic", [0, 0, 8], "byte 0"),
        new("a zip file's magic (50 4B 03 04)", [0x50, 0x4B, 3, 4, 0, 0, 0, 0], "50 4B"),
        new("element type 0D (float32), which Nabla does not read", [0, 0, 0x0D, 1, 0, 0, 0, 1, 0, 0, 0, 0], "type 0D (float32)"),
        new("element type 05, which IDX does not define", [0, 0, 0x05, 1, 0, 0, 0, 1, 7], "not an IDX type"),
        new("0 dimensions", [0, 0, 8, 0], "byte 3"),
        new("5 dimensions", [0, 0, 8, 5, .. new byte[20]], "byte 3"),
        new("an image file whose magic says 1 dimension (00 00 08 01)", With(Images(3, 4, 5), 3, 1), "is the magic 00 00 08 03?"),
        new("a label file whose magic says 3 dimensions (00 00 08 03)", With(Labels(1, 2, 3, 4, 5, 6, 7, 8, 9), 3, 3), "is the magic 00 00 08 01?"),

        // --- The dimensions
        new("a header cut inside the dimensions", Images(2, 3, 4)[..10], "3 dimension sizes"),
        new("a negative dimension", [0, 0, 8, 1, 0xFF, 0xFF, 0xFF, 0xFE], "non-negative dimension"),
        new("four dimensions of 65536 (a product that wraps to 0 in 64 bits) and no data",
            [0, 0, 8, 4, .. BigEndian(65536), .. BigEndian(65536), .. BigEndian(65536), .. BigEndian(65536)], "truncated"),
        new("items larger than 2^31 − 1 bytes (0 × 65536 × 65536: no data, but no item fits an array)",
            [0, 0, 8, 3, .. BigEndian(0), .. BigEndian(65536), .. BigEndian(65536)], "items of at most"),

        // --- The data
        new("data cut short by 5 bytes", Images(2, 3, 4)[..^5], "truncated"),
        new("3 trailing bytes after the data", Images(2, 3, 4, extra: 3), "3 trailing bytes"),

        // --- Gzip
        new("a gzip stream cut in half", Gzip(Images(20, 3, 4))[..(Gzip(Images(20, 3, 4)).Length / 2)], "cut off"),
        new("a gzip stream cut inside its 8-byte trailer", Gzip(Images(20, 3, 4))[..^3], "trailer"),
        new("a gzip stream whose CRC-32 is wrong", With(Gzip(Images(20, 3, 4)), Gzip(Images(20, 3, 4)).Length - 6, 0x5A), "corrupt"),
        new("only the gzip magic", [0x1F, 0x8B], "gzip"),
        new("a gzip header and garbage", [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], "gzip"),
        new("a complete gzip stream of a truncated IDX file", Gzip(Images(2, 3, 4)[..^5]), "the IDX inside it is truncated"),
        new("a gzip stream with trailing bytes after the IDX data", Gzip(Images(2, 3, 4, extra: 7)), "7 more decompressed bytes"),
        new("a 36-byte gzip stream whose header claims 1.6 GB", Gzip([0, 0, 8, 3, .. BigEndian(1), .. BigEndian(40000), .. BigEndian(40000), .. new byte[50]]), "the IDX inside it is truncated"),
    ];
}
