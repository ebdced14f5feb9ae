using System.Buffers.Binary;
using System.IO.Compression;

namespace Nabla.Data;

/// <summary>An IDX array (the MNIST file format): unsigned bytes and their dimensions, e.g. [60000, 28, 28].</summary>
public sealed record IdxArray(byte[] Data, int[] Dimensions)
{
    /// <summary>Number of items along the first dimension.</summary>
    public int Count => Dimensions[0];

    /// <summary>Bytes per item: the product of the other dimensions (784 for 28×28 images, 1 for labels).</summary>
    public int ItemSize => Dimensions.Skip(1).Aggregate(1, (a, b) => checked(a * b));   // Idx checks it fits

    /// <summary>Prints the dimensions: "IdxArray(60000×28×28)".</summary>
    public override string ToString() => $"IdxArray({string.Join("×", Dimensions)})";
}

/// <summary>
/// Reads IDX files: magic 00 00 08 NN (08 = unsigned bytes, NN = number of dimensions), NN big-endian int32
/// dimensions, then the data. Gzip is detected by its first two bytes (1F 8B), not by the file name. The declared
/// size is computed without overflow and checked against the file before the data is allocated; a gzip stream is
/// decompressed only as far as the header says, so a decompression bomb is refused, not inflated.
/// </summary>
public static class Idx
{
    /// <summary>Reads <paramref name="path"/>, raw or gzipped; any defect raises a <see cref="DataFormatException"/>.</summary>
    public static IdxArray Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such IDX file.", path);
        using var file = File.OpenRead(path);
        return Read(file, path);
    }

    /// <summary>Reads an IDX array, raw or gzipped, from a seekable stream; <paramref name="path"/> names it in errors.</summary>
    public static IdxArray Read(Stream stream, string path)
    {
        Span<byte> start = stackalloc byte[2];
        var got = stream.ReadAtLeast(start, 2, throwOnEndOfStream: false);
        stream.Position = 0;
        return start[..got] is [0x1F, 0x8B] ? FromGzip(stream, path) : FromStream(stream, path, stream.Length, gzip: false, isize: null);
    }

    /// <summary>Parses IDX bytes (not gzipped); <paramref name="path"/> only names the source in errors.</summary>
    public static IdxArray Parse(string path, byte[] bytes) => FromStream(new MemoryStream(bytes), path, bytes.Length, gzip: false, isize: null);

    // The gzip trailer ends with ISIZE, the uncompressed length mod 2³². .NET's GZipStream stops quietly where a
    // cut-off stream ends (it only checks a trailer that is there), so a cut is caught by the IDX header's size, or,
    // cut inside the trailer, by ISIZE. A file too short for a header and a trailer is refused first: its at most 7
    // bytes of deflate data could not hold the smallest IDX file anyway (8 bytes take 62 bits).
    static IdxArray FromGzip(Stream raw, string path)
    {
        if (raw.Length < 18)
            throw new DataFormatException(path, "gzip stream", "a gzip stream of at least 18 bytes (10-byte header, 8-byte trailer)", $"{raw.Length} bytes");
        Span<byte> last = stackalloc byte[4];
        raw.Position = raw.Length - 4;
        raw.ReadExactly(last);
        var isize = BinaryPrimitives.ReadUInt32LittleEndian(last);
        raw.Position = 0;
        try
        {
            using var inflated = new GZipStream(raw, CompressionMode.Decompress, leaveOpen: true);
            return FromStream(inflated, path, null, gzip: true, isize);
        }
        catch (InvalidDataException e)
        {
            // .NET says "unsupported compression method" for a bad checksum too; say what it means.
            throw new DataFormatException(path, "gzip stream", "a valid gzip stream", $"a corrupt one: bad header, data or checksum ({e.Message})");
        }
    }

    // length: the bytes in the (raw) source, known up front; null for gzip, where the decompressed size is only known
    // by reading, and the trailer's ISIZE (null for a raw source) is checked then.
    static IdxArray FromStream(Stream source, string path, long? length, bool gzip, uint? isize)
    {
        var unit = gzip ? "decompressed byte" : "byte";
        var head = new byte[20];   // magic + up to 4 dimensions
        var got = source.ReadAtLeast(head.AsSpan(0, 4), 4, throwOnEndOfStream: false);
        if (got < 4)
            throw new DataFormatException(path, $"{unit} 0", "a 4-byte IDX magic number (00 00 08 NN)", gzip ? $"a gzip stream of {got} bytes" : $"a file of {got} bytes");
        if (head[0] != 0 || head[1] != 0)
            throw new DataFormatException(path, $"{unit} 0", "IDX magic starting 00 00", $"{head[0]:X2} {head[1]:X2} (not an IDX file)");
        if (head[2] != 0x08)
            throw new DataFormatException(path, $"{unit} 2", "element type 08 (unsigned byte)", $"type {head[2]:X2}{TypeName(head[2])}, which Nabla does not read");
        var rank = head[3];
        if (rank is < 1 or > 4)
            throw new DataFormatException(path, $"{unit} 3", "1 to 4 dimensions", $"{rank}");
        var headerSize = 4 + 4 * rank;
        got = 4 + source.ReadAtLeast(head.AsSpan(4, 4 * rank), 4 * rank, throwOnEndOfStream: false);
        if (got < headerSize)
            throw new DataFormatException(path, $"{unit} {got}", $"{rank} dimension sizes ({headerSize} header bytes)", $"end of {(gzip ? "the gzip stream" : "file")} after {got} bytes");
        var dims = new int[rank];
        for (var d = 0; d < rank; d++)
        {
            dims[d] = BinaryPrimitives.ReadInt32BigEndian(head.AsSpan(4 + 4 * d, 4));   // IDX is big-endian
            if (dims[d] < 0)
                throw new DataFormatException(path, $"{unit} {4 + 4 * d}", "a non-negative dimension size", $"{dims[d]}");
        }
        var shape = string.Join("×", dims);
        var expected = Product(dims);   // at most (2³¹)⁴: an Int128 cannot wrap
        if (length is { } total && total - headerSize != expected)
        {
            source.Position = 0;   // a raw file: its first 20 bytes, to see whether another rank fits
            source.ReadExactly(head.AsSpan(0, (int)Math.Min(head.Length, total)));
            throw SizeMismatch(path, head, rank, dims, expected, total - headerSize, total);
        }
        var item = Product(dims[1..]);
        if (item > int.MaxValue)
            throw new DataFormatException(path, $"{unit} 8", $"items of at most {int.MaxValue} bytes", $"dimensions {shape}: {item} bytes per item");
        if (expected > Array.MaxLength)
            throw new DataFormatException(path, $"{unit} 4", $"at most {Array.MaxLength} data bytes (one array)", $"dimensions {shape}: {expected} bytes");

        var (data, read) = gzip ? ReadGrowing(source, (int)expected) : (new byte[(int)expected], 0);
        if (!gzip) source.ReadExactly(data);   // the size was checked above
        else if (read < expected)
            throw new DataFormatException(path, $"decompressed byte {headerSize + read}", $"{expected} data bytes for dimensions {shape}",
                isize == (uint)(headerSize + read)
                    ? $"the end of the data after {read}: the gzip stream is complete (its trailer agrees), the IDX inside it is truncated"
                    : $"the end of the gzip stream after {read}: the .gz file is cut off");
        if (gzip)
        {
            var extra = Drain(source);
            if (extra > 0)
                throw new DataFormatException(path, $"decompressed byte {headerSize + expected}",
                    $"the end of the data after {expected} bytes for dimensions {shape}", $"{(extra >= DrainLimit ? "at least " : "")}{extra} more decompressed bytes");
            if ((uint)(headerSize + expected) != isize)
                throw new DataFormatException(path, "gzip trailer (last 4 bytes)", $"the decompressed size, {headerSize + expected} bytes",
                    $"{isize}: the gzip trailer is cut off or corrupt");
        }
        return new IdxArray(data, dims);
    }

    // The data size disagrees with the header. If the file's size fits another number of dimensions exactly, the
    // rank byte of the magic is the likelier fault: say so. The header's own rank never fits (that is why we are
    // here), and a rank whose header would pass the file's end leaves a negative size, which no product matches.
    static DataFormatException SizeMismatch(string path, byte[] head, int rank, int[] dims, Int128 expected, long actual, long fileLength)
    {
        var shape = string.Join("×", dims);
        // Stryker disable once Equality : equivalent; the sizes disagree here, so < and <= agree
        var truncated = actual < expected;
        for (var r = 1; r <= 4; r++)
        {
            var other = Enumerable.Range(0, r).Select(d => BinaryPrimitives.ReadInt32BigEndian(head.AsSpan(4 + 4 * d, 4))).ToArray();
            if (other.All(d => d >= 0) && Product(other) == fileLength - 4 - 4 * r)
                return new DataFormatException(path, "byte 3", $"the number of dimensions (magic 00 00 08 {rank:X2} says {rank}, dimensions {shape}) to fit the file's {fileLength} bytes",
                    $"{(truncated ? $"{expected - actual} bytes missing" : $"{actual - expected} trailing bytes")}, while {r} dimension{(r == 1 ? "" : "s")} ({string.Join("×", other)}) {(r == 1 ? "fits" : "fit")} exactly: is the magic 00 00 08 {r:X2}?");
        }
        return truncated
            ? new DataFormatException(path, $"byte {fileLength}", $"{expected} data bytes for dimensions {shape}", $"end of file after {actual} (truncated)")
            : new DataFormatException(path, $"byte {4 + 4 * rank + expected}", $"end of file after {expected} data bytes for dimensions {shape}", $"{actual - expected} trailing bytes");
    }

    // A gzip stream's data read into a buffer that grows with what arrives: a 100-byte file whose header claims 2 GB
    // costs what it inflates to, not what it claims.
    static (byte[] Data, int Read) ReadGrowing(Stream source, int expected)
    {
        var buffer = new byte[Math.Min(expected, 1 << 20)];
        var read = 0;
        while (read != expected)   // never past it: the buffer holds at most expected bytes
        {
            if (read == buffer.Length) Array.Resize(ref buffer, (int)Math.Min(expected, 2L * buffer.Length));
            var n = source.Read(buffer, read, buffer.Length - read);
            if (n == 0) break;
            read += n;
        }
        return (buffer, read);
    }

    static Int128 Product(IEnumerable<int> dims) => dims.Aggregate(Int128.One, (p, d) => p * d);

    const long DrainLimit = 1 << 20;

    // How many bytes are left in the stream, up to DrainLimit (a bomb of trailing data is not inflated to count it).
    static long Drain(Stream source)
    {
        var buffer = new byte[4096];
        long count = 0;
        int n;
        while (count < DrainLimit && (n = source.Read(buffer)) > 0) count += n;
        return count;
    }

    static string TypeName(byte type) => type switch
    {
        0x09 => " (signed byte)",
        0x0B => " (int16)",
        0x0C => " (int32)",
        0x0D => " (float32)",
        0x0E => " (float64)",
        _ => " (not an IDX type)",
    };
}
