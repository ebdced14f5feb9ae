using System.Buffers.Binary;
using static Nabla.Tests.Data.IdxCorpus;

namespace Nabla.Tests.Data;

/// <summary>What a malformed IDX file is told, word for word: each message names the file, the byte (of the file, or
/// of the decompressed stream for gzip), what the format wants and what the file holds; each limit is checked at the
/// limit and one past it.</summary>
public sealed class IdxMessageTests
{
    const string Path = "f.idx";

    sealed record Case(string Name, byte[] Bytes, string Message)
    {
        public override string ToString() => Name;
    }

    static byte[] Header(byte rank, params int[] dims) => [0, 0, 8, rank, .. dims.SelectMany(BigEndian)];

    static byte[] CutTrailer(int bytes) => Gzip(Images(20, 3, 4))[..^bytes];

    static readonly Case[] Cases =
    [
        // The magic number, raw and gzipped: a gzipped file counts decompressed bytes.
        new("empty", [], "f.idx: byte 0: expected a 4-byte IDX magic number (00 00 08 NN), found a file of 0 bytes."),
        new("3 bytes", [0, 0, 8], "f.idx: byte 0: expected a 4-byte IDX magic number (00 00 08 NN), found a file of 3 bytes."),
        new("3 bytes gzipped", Gzip([0, 0, 8]), "f.idx: decompressed byte 0: expected a 4-byte IDX magic number (00 00 08 NN), found a gzip stream of 3 bytes."),
        new("first magic byte wrong", [0x4B, 0, 8, 1, 0, 0, 0, 0], "f.idx: byte 0: expected IDX magic starting 00 00, found 4B 00 (not an IDX file)."),
        new("second magic byte wrong", [0, 0x4B, 8, 1, 0, 0, 0, 0], "f.idx: byte 0: expected IDX magic starting 00 00, found 00 4B (not an IDX file)."),
        new("second byte of gzip's magic alone", [0, 0x8B, 8, 1, 0, 0, 0, 0], "f.idx: byte 0: expected IDX magic starting 00 00, found 00 8B (not an IDX file)."),
        new("type 09", [0, 0, 0x09, 1, 0, 0, 0, 0], "f.idx: byte 2: expected element type 08 (unsigned byte), found type 09 (signed byte), which Nabla does not read."),
        new("type 0B", [0, 0, 0x0B, 1, 0, 0, 0, 0], "f.idx: byte 2: expected element type 08 (unsigned byte), found type 0B (int16), which Nabla does not read."),
        new("type 0C", [0, 0, 0x0C, 1, 0, 0, 0, 0], "f.idx: byte 2: expected element type 08 (unsigned byte), found type 0C (int32), which Nabla does not read."),
        new("type 0D", [0, 0, 0x0D, 1, 0, 0, 0, 0], "f.idx: byte 2: expected element type 08 (unsigned byte), found type 0D (float32), which Nabla does not read."),
        new("type 0E", [0, 0, 0x0E, 1, 0, 0, 0, 0], "f.idx: byte 2: expected element type 08 (unsigned byte), found type 0E (float64), which Nabla does not read."),
        new("type 05", [0, 0, 0x05, 1, 0, 0, 0, 0], "f.idx: byte 2: expected element type 08 (unsigned byte), found type 05 (not an IDX type), which Nabla does not read."),
        new("rank 0", [0, 0, 8, 0], "f.idx: byte 3: expected 1 to 4 dimensions, found 0."),
        new("rank 5 gzipped", Gzip([0, 0, 8, 5, .. new byte[20]]), "f.idx: decompressed byte 3: expected 1 to 4 dimensions, found 5."),

        // The dimensions.
        new("header cut", Images(2, 3, 4)[..10], "f.idx: byte 10: expected 3 dimension sizes (16 header bytes), found end of file after 10 bytes."),
        new("header cut gzipped", Gzip(Images(2, 3, 4)[..10]), "f.idx: decompressed byte 10: expected 3 dimension sizes (16 header bytes), found end of the gzip stream after 10 bytes."),
        new("second dimension negative", Header(2, 1, -2), "f.idx: byte 8: expected a non-negative dimension size, found -2."),
        new("items of 2^31 bytes", Header(3, 0, 65536, 32768), "f.idx: byte 8: expected items of at most 2147483647 bytes, found dimensions 0×65536×32768: 2147483648 bytes per item."),
        new("one past the largest array, gzipped", Gzip(Header(2, 1, Array.MaxLength + 1)),
            "f.idx: decompressed byte 4: expected at most 2147483591 data bytes (one array), found dimensions 1×2147483592: 2147483592 bytes."),
        new("the largest array, gzipped, with 10 bytes of it", Gzip([.. Header(2, 1, Array.MaxLength), .. new byte[10]]),
            "f.idx: decompressed byte 22: expected 2147483591 data bytes for dimensions 1×2147483591, found the end of the data after 10: the gzip stream is complete (its trailer agrees), the IDX inside it is truncated."),

        // The data, raw: the size the header declares against the file's.
        new("5 bytes short", Images(2, 3, 4)[..^5], "f.idx: byte 35: expected 24 data bytes for dimensions 2×3×4, found end of file after 19 (truncated)."),
        new("3 bytes long", Images(2, 3, 4, extra: 3), "f.idx: byte 40: expected end of file after 24 data bytes for dimensions 2×3×4, found 3 trailing bytes."),
        new("images whose magic says 1 dimension", [.. Header(1, 3, 4, 5), .. new byte[60]],
            "f.idx: byte 3: expected the number of dimensions (magic 00 00 08 01 says 1, dimensions 3) to fit the file's 76 bytes, found 65 trailing bytes, while 3 dimensions (3×4×5) fit exactly: is the magic 00 00 08 03?"),
        new("labels whose magic says 3 dimensions", [0, 0, 8, 3, .. BigEndian(9), 1, 2, 3, 4, 5, 6, 7, 8, 9],
            "f.idx: byte 3: expected the number of dimensions (magic 00 00 08 03 says 3, dimensions 9×16909060×84281096) to fit the file's 17 bytes, found 12826026982167839 bytes missing, while 1 dimension (9) fits exactly: is the magic 00 00 08 01?"),
        new("4 dimensions whose magic says 3", [.. Header(3, 1, 2, 3, 4), .. new byte[24]],
            "f.idx: byte 3: expected the number of dimensions (magic 00 00 08 03 says 3, dimensions 1×2×3) to fit the file's 44 bytes, found 22 trailing bytes, while 4 dimensions (1×2×3×4) fit exactly: is the magic 00 00 08 04?"),
        new("a rank that fits with an empty dimension", Header(1, 5, 0),
            "f.idx: byte 3: expected the number of dimensions (magic 00 00 08 01 says 1, dimensions 5) to fit the file's 12 bytes, found 1 bytes missing, while 2 dimensions (5×0) fit exactly: is the magic 00 00 08 02?"),
        new("a rank that would fit but for two negative dimensions", [.. Header(1, 1, -1, -2), 0, 0],
            "f.idx: byte 9: expected end of file after 1 data bytes for dimensions 1, found 9 trailing bytes."),

        // Gzip: the stream, the data inside it, the trailer.
        new("17 bytes of gzip", [0x1F, 0x8B, .. new byte[15]], "f.idx: gzip stream: expected a gzip stream of at least 18 bytes (10-byte header, 8-byte trailer), found 17 bytes."),
        new("truncated inside a complete gzip stream", Gzip(Images(2, 3, 4)[..^5]),
            "f.idx: decompressed byte 35: expected 24 data bytes for dimensions 2×3×4, found the end of the data after 19: the gzip stream is complete (its trailer agrees), the IDX inside it is truncated."),
        new("7 bytes after the data, gzipped", Gzip(Images(2, 3, 4, extra: 7)),
            "f.idx: decompressed byte 40: expected the end of the data after 24 bytes for dimensions 2×3×4, found 7 more decompressed bytes."),
        new("trailer cut by 3 bytes", CutTrailer(3),
            $"f.idx: gzip trailer (last 4 bytes): expected the decompressed size, 256 bytes, found {BinaryPrimitives.ReadUInt32LittleEndian(CutTrailer(3).AsSpan()[^4..])}: the gzip trailer is cut off or corrupt."),
    ];

    public static TheoryData<string> Names => new(Cases.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Names))]
    public void A_malformed_file_is_told_exactly_what_is_wrong_and_where(string name)
    {
        var file = Cases.Single(c => c.Name == name);
        var e = Assert.Throws<DataFormatException>(() => Idx.Read(new MemoryStream(file.Bytes), Path));
        Assert.Equal(file.Message, e.Message);
    }

    [Fact]
    public void Parse_reads_raw_bytes_and_counts_file_bytes()
    {
        Assert.Equal([7, 8, 9], Idx.Parse(Path, [0, 0, 8, 1, .. BigEndian(3), 7, 8, 9]).Data);
        var e = Assert.Throws<DataFormatException>(() => Idx.Parse(Path, [0, 0, 8]));
        Assert.Equal("f.idx: byte 0: expected a 4-byte IDX magic number (00 00 08 NN), found a file of 3 bytes.", e.Message);
    }

    [Fact]
    public void A_corrupt_gzip_stream_says_what_dotnets_message_means()
    {
        var zipped = Gzip(Images(20, 3, 4));
        zipped[^6] ^= 0x5A;   // inside the CRC-32
        var e = Assert.Throws<DataFormatException>(() => Idx.Read(new MemoryStream(zipped), Path));
        Assert.StartsWith("f.idx: gzip stream: expected a valid gzip stream, found a corrupt one: bad header, data or checksum (", e.Message);
    }

    [Fact]
    public void An_18_byte_gzip_file_is_long_enough_to_be_decompressed()
    {
        byte[] bytes = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3, .. new byte[8]];
        var e = Assert.Throws<DataFormatException>(() => Idx.Read(new MemoryStream(bytes), Path));
        Assert.DoesNotContain("at least 18 bytes", e.Message);
    }

    [Fact]
    public void Items_of_exactly_2_to_the_31_minus_1_bytes_are_read()
    {
        var array = Idx.Parse(Path, Header(3, 0, int.MaxValue, 1));
        Assert.Equal((0, int.MaxValue), (array.Count, array.ItemSize));
    }

    [Fact]
    public void Trailing_decompressed_data_is_counted_up_to_a_mebibyte_and_then_said_to_be_at_least_that()
    {
        const int Limit = 1 << 20;
        var below = Assert.Throws<DataFormatException>(() => Idx.Read(new MemoryStream(Gzip([.. Header(1, 2), 1, 2, .. new byte[Limit - 1]])), Path));
        Assert.Equal("f.idx: decompressed byte 10: expected the end of the data after 2 bytes for dimensions 2, found 1048575 more decompressed bytes.", below.Message);
        var at = Assert.Throws<DataFormatException>(() => Idx.Read(new MemoryStream(Gzip([.. Header(1, 2), 1, 2, .. new byte[Limit]])), Path));
        Assert.EndsWith("found at least 1048576 more decompressed bytes.", at.Message);
        var past = Assert.Throws<DataFormatException>(() => Idx.Read(new MemoryStream(Gzip([.. Header(1, 2), 1, 2, .. new byte[2 * Limit]])), Path));
        Assert.Matches(@"found at least \d+ more decompressed bytes\.$", past.Message);   // not inflated further to count
    }
}
