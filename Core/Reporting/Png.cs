using System.Buffers.Binary;
using System.IO.Compression;

namespace Nabla.Reporting;

/// <summary>Encodes 8-bit grayscale images as PNG (for the report's inline images): signature, IHDR, one zlib IDAT of
/// filter-0 scanlines, IEND, each chunk with its CRC-32 (ISO 3309, polynomial 0xEDB88320).</summary>
public static class Png
{
    /// <summary>A PNG of <paramref name="pixels"/>: height × width bytes, row-major, 0 black … 255 white.</summary>
    public static byte[] Grayscale(ReadOnlySpan<byte> pixels, int width, int height)
    {
        if (width <= 0 || height <= 0 || pixels.Length != width * height)
            throw new ArgumentException($"Png: {pixels.Length} pixels is not {height} rows × {width} columns.");
        using var output = new MemoryStream();
        output.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8;   // bit depth; colour type 0 (grayscale), deflate, adaptive filtering, no interlace follow as zeros
        Chunk(output, "IHDR", header);
        using (var compressed = new MemoryStream())
        {
            // Stryker disable once Boolean : equivalent; MemoryStream.ToArray works on a closed stream too, so closing it with the zlib stream changes nothing
            using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
                for (var y = 0; y < height; y++)
                {
                    zlib.WriteByte(0);   // filter type 0: the scanline as it is
                    zlib.Write(pixels.Slice(y * width, width));
                }
            Chunk(output, "IDAT", compressed.ToArray());
        }
        Chunk(output, "IEND", []);
        return output.ToArray();
    }

    /// <summary>The PNG as a data: URI, for an &lt;img&gt; that needs no file and no network.</summary>
    public static string DataUri(byte[] png) => "data:image/png;base64," + Convert.ToBase64String(png);

    static void Chunk(Stream output, string type, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        output.Write(word);
        var typed = new byte[4 + data.Length];
        for (var i = 0; i < 4; i++) typed[i] = (byte)type[i];
        data.CopyTo(typed, 4);
        output.Write(typed);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32(typed));
        output.Write(word);
    }

    static readonly uint[] Table = Enumerable.Range(0, 256).Select(n =>
    {
        var c = (uint)n;
        // Stryker disable once Bitwise : equivalent; c is unsigned, so >> and >>> both shift in zeros
        for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        return c;
    }).ToArray();

    static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        var c = 0xFFFFFFFFu;
        // Stryker disable once Bitwise : equivalent; c is unsigned, so >> and >>> both shift in zeros
        foreach (var b in bytes) c = Table[(c ^ b) & 0xFF] ^ (c >> 8);
        return c ^ 0xFFFFFFFFu;
    }
}
