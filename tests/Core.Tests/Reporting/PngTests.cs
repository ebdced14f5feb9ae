using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Nabla.Reporting;

namespace Nabla.Tests.Reporting;

/// <summary>The report's PNGs read back chunk by chunk with an independent reader: every CRC, the header, the pixels.</summary>
public class PngTests
{
    [Fact]
    public void A_png_is_signature_ihdr_idat_iend_each_with_its_crc_and_holds_the_pixels_row_by_row()
    {
        // 300 × 2: a width above 255 needs the header's second byte; rows of distinct bytes show their order.
        var pixels = Enumerable.Range(0, 2 * 300).Select(i => (byte)(i * 7 % 256)).ToArray();
        var png = Png.Grayscale(pixels, width: 300, height: 2);

        Assert.Equal([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], png[..8]);
        var chunks = Chunks(png);
        Assert.Equal(["IHDR", "IDAT", "IEND"], chunks.Select(c => c.Type));
        Assert.Equal([0, 0, 1, 44, 0, 0, 0, 2, 8, 0, 0, 0, 0], chunks[0].Data);   // 300, 2, 8-bit, grayscale, deflate, filter 0, no interlace
        Assert.Empty(chunks[2].Data);

        using var inflated = new MemoryStream();
        using (var zlib = new ZLibStream(new MemoryStream(chunks[1].Data), CompressionMode.Decompress)) zlib.CopyTo(inflated);
        var expected = new byte[] { 0 }.Concat(pixels[..300]).Concat(new byte[] { 0 }).Concat(pixels[300..]);   // filter byte 0, then the row
        Assert.Equal(expected, inflated.ToArray());
    }

    [Fact]
    public void A_data_uri_is_the_png_in_base64()
    {
        Assert.Equal("data:image/png;base64,AQL/", Png.DataUri([1, 2, 255]));
        var png = Png.Grayscale([0, 255], 2, 1);
        Assert.Equal(png, Convert.FromBase64String(Png.DataUri(png)["data:image/png;base64,".Length..]));
    }

    [Fact]
    public void Pixels_that_do_not_fill_the_rectangle_or_an_empty_image_are_refused()
    {
        Assert.Equal("Png: 5 pixels is not 2 rows × 3 columns.", Assert.Throws<ArgumentException>(() => Png.Grayscale(new byte[5], 3, 2)).Message);
        Assert.Throws<ArgumentException>(() => Png.Grayscale([], 0, 4));   // 0 × 4 pixels is 0 bytes: still no image
        Assert.Throws<ArgumentException>(() => Png.Grayscale([], 4, 0));
        Assert.Equal(1, Chunks(Png.Grayscale([7], 1, 1))[0].Data[3]);
    }

    // Length, type, data, CRC-32 over type and data: each CRC checked with a bitwise CRC (no table), as ISO 3309 defines it.
    static List<(string Type, byte[] Data)> Chunks(byte[] png)
    {
        var chunks = new List<(string, byte[])>();
        for (var at = 8; at < png.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            var typed = png.AsSpan(at + 4, 4 + length);
            Assert.Equal(BitwiseCrc32(typed), BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at + 8 + length)));
            chunks.Add((Encoding.ASCII.GetString(typed[..4]), typed[4..].ToArray()));
            at += 12 + length;
        }
        return chunks;
    }

    static uint BitwiseCrc32(ReadOnlySpan<byte> bytes)
    {
        var crc = uint.MaxValue;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++) crc = (crc >> 1) ^ (0xEDB88320u & (uint)-(int)(crc & 1));
        }
        return ~crc;
    }
}
