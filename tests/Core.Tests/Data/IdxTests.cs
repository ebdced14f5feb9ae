using System.IO.Compression;

namespace Nabla.Tests.Data;

/// <summary>IDX reading: valid files raw and gzipped, and every kind of defect named with file and byte offset.</summary>
public sealed class IdxTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("nabla-idx-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    static byte[] Images(int count, int rows, int columns, int extra = 0) =>
        [0, 0, 8, 3, .. BigEndian(count), .. BigEndian(rows), .. BigEndian(columns), .. new byte[count * rows * columns + extra]];

    static byte[] Labels(params byte[] labels) => [0, 0, 8, 1, .. BigEndian(labels.Length), .. labels];

    static byte[] BigEndian(int v) => [(byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v];

    static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest)) gzip.Write(bytes);
        return output.ToArray();
    }

    public static TheoryData<string> CaseNames => new(IdxCorpus.Cases.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void A_malformed_file_is_refused_naming_the_file_and_the_position(string name)
    {
        var file = IdxCorpus.Cases.Single(c => c.Name == name);
        var path = Write("case", file.Bytes);
        var e = Assert.Throws<DataFormatException>(() => Idx.Read(path));
        Assert.Contains(path, e.Message);
        Assert.Contains(file.Position, e.Message);
        Assert.Matches(@"^((decompressed )?byte \d+|gzip stream|gzip trailer)", e.Position);
    }

    [Fact]
    public void The_corpus_has_at_least_12_cases() => Assert.True(IdxCorpus.Cases.Count >= 12);

    [Fact]
    public void A_gzip_stream_claiming_more_than_it_holds_costs_what_it_inflates_to_not_what_it_claims()
    {
        var path = Write("claim.gz", IdxCorpus.Cases.Single(c => c.Name.StartsWith("a 36-byte gzip", StringComparison.Ordinal)).Bytes);
        Assert.Throws<DataFormatException>(() => Idx.Read(path));   // JIT first
        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<DataFormatException>(() => Idx.Read(path));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        // The 1 MiB first buffer and a few KB of inflater (1.06 MB measured); a buffer doubled before it fills costs 7 MB.
        Assert.True(allocated < 2_000_000, $"{allocated:N0} bytes allocated for a {new FileInfo(path).Length}-byte file claiming 1.6 GB");
    }

    [Fact]
    public void Reads_raw_and_gzipped_files_alike_whatever_their_names()
    {
        var raw = Idx.Read(Write("a.idx", Images(2, 3, 4)));
        var zipped = Idx.Read(Write("b.idx", Gzip(Images(2, 3, 4))));   // gzip found by its bytes, not a .gz name
        Assert.Equal([2, 3, 4], raw.Dimensions);
        Assert.Equal(raw.Dimensions, zipped.Dimensions);
        Assert.Equal(12, raw.ItemSize);
    }

    [Fact]
    public void Wrong_magic_names_the_file_and_byte()
    {
        var path = Write("bad.idx", [0x50, 0x4B, 3, 4, 0, 0, 0, 0]);
        var e = Assert.Throws<DataFormatException>(() => Idx.Read(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("byte 0", e.Message);
        Assert.Contains("50 4B", e.Message);
    }

    [Fact]
    public void Unsupported_element_type_is_named()
    {
        var e = Assert.Throws<DataFormatException>(() => Idx.Read(Write("f.idx", [0, 0, 0x0D, 1, 0, 0, 0, 1, 0, 0, 0, 0])));
        Assert.Contains("byte 2", e.Message);
        Assert.Contains("type 0D", e.Message);
    }

    [Fact]
    public void Truncated_data_says_how_much_was_expected_and_found()
    {
        var bytes = Images(2, 3, 4)[..^5];
        var e = Assert.Throws<DataFormatException>(() => Idx.Read(Write("short.idx", bytes)));
        Assert.Contains("24 data bytes", e.Message);
        Assert.Contains("after 19", e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void Truncated_header_is_named()
    {
        var e = Assert.Throws<DataFormatException>(() => Idx.Read(Write("header.idx", Images(2, 3, 4)[..10])));
        Assert.Contains("byte 10", e.Message);
        Assert.Contains("3 dimension sizes", e.Message);
    }

    [Fact]
    public void Trailing_bytes_give_their_offset_and_count()
    {
        var e = Assert.Throws<DataFormatException>(() => Idx.Read(Write("long.idx", Images(2, 3, 4, extra: 3))));
        Assert.Contains("byte 40", e.Message);   // 16 header bytes + 24 data bytes
        Assert.Contains("3 trailing bytes", e.Message);
    }

    [Fact]
    public void Corrupt_gzip_is_named()
    {
        var zipped = Gzip(Images(20, 3, 4));
        var e = Assert.Throws<DataFormatException>(() => Idx.Read(Write("cut.gz", zipped[..(zipped.Length / 2)])));
        Assert.Contains("cut.gz", e.Message);
        Assert.Contains("gzip", e.Message);
    }

    [Fact]
    public void Image_and_label_count_mismatch_names_both_files()
    {
        var images = Write("images", Images(3, 2, 2));
        var labels = Write("labels", Labels(1, 2));
        var e = Assert.Throws<DataFormatException>(() => Mnist.FromIdx(images, labels, "tiny"));
        Assert.Contains(images, e.Message);
        Assert.Contains(labels, e.Message);
        Assert.Contains("3 labels", e.Message);
        Assert.Contains("found 2", e.Message);
    }

    [Fact]
    public void Label_out_of_range_gives_its_byte_offset()
    {
        var images = Write("images", Images(3, 2, 2));
        var labels = Write("labels", Labels(1, 12, 3));
        var e = Assert.Throws<DataFormatException>(() => Mnist.FromIdx(images, labels, "tiny"));
        Assert.Contains("byte 9 (label 1)", e.Message);
        Assert.Contains("found 12", e.Message);
    }

    [Fact]
    public void Checksum_mismatch_names_the_file()
    {
        var images = Write("train-images-idx3-ubyte", Images(1, 2, 2));
        var labels = Write("train-labels-idx1-ubyte", Labels(4));
        File.WriteAllText(Path.Combine(_dir, "SHA256SUMS"),
            $"{Checksums.Sha256(images)}  train-images-idx3-ubyte\n{new string('0', 64)}  train-labels-idx1-ubyte\n");
        var e = Assert.Throws<InvalidDataException>(() => Mnist.FromIdx(images, labels, "tiny"));
        Assert.Contains(labels, e.Message);
        Assert.Contains("checksum mismatch", e.Message);
    }

    [Fact]
    public void Shipped_mnist_loads_verified_and_scaled_to_unit_interval()
    {
        var (train, test) = Mnist.Load(TestSupport.DataPath("mnist"), limit: 100);
        Assert.Equal(100, train.Count);
        Assert.Equal(10_000, test.Count);
        Assert.Equal(784, train.FeatureCount);
        Assert.Equal(SampleShape.Image(1, 28, 28), train.SampleShape);
        Assert.Equal(SampleShape.Image(1, 28, 28), test.SampleShape);
        Assert.Equal(SampleShape.Image(1, 28, 28), train.Take(10).SampleShape);   // subsets keep it
        Assert.Contains("100 samples × 1×28×28 images, 10 classes", train.ToString());
        Assert.Equal(10, train.Classes);
        Assert.All(train.Features, v => Assert.InRange(v, 0f, 1f));
        Assert.Equal(5, train.Labels![0]);   // the first MNIST training digit is a 5
    }

    [Fact]
    public void An_array_prints_its_dimensions_and_refuses_an_item_size_past_int()
    {
        Assert.Equal("IdxArray(60000×28×28)", new IdxArray([], [60000, 28, 28]).ToString());
        Assert.Throws<OverflowException>(() => new IdxArray([], [0, 65536, 65536]).ItemSize);   // 2^32 would wrap to 0
        var missing = Path.Combine(_dir, "missing.idx");
        Assert.Equal($"{missing}: no such IDX file.", Assert.Throws<FileNotFoundException>(() => Idx.Read(missing)).Message);
    }

    /// <summary>A seekable stream that gives one byte per read, as a network or decrypting stream may.</summary>
    sealed class OneByteAtATime(byte[] bytes) : MemoryStream(bytes)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, 1));
        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, 1)]);
    }

    [Fact]
    public void A_stream_that_gives_a_byte_at_a_time_reads_the_same_and_is_left_open_for_its_owner()
    {
        var bytes = IdxCorpus.Images(2, 3, 4);
        foreach (var source in new[] { bytes, IdxCorpus.Gzip(bytes) })
        {
            using var stream = new OneByteAtATime(source);
            var array = Idx.Read(stream, "trickle");
            Assert.Equal([2, 3, 4], array.Dimensions);
            Assert.Equal(bytes[16..], array.Data);
            Assert.True(stream.CanRead);   // the caller's to close
        }
    }

    [Fact]
    public void A_gzipped_file_of_1_5_MiB_grows_its_buffer_to_exactly_its_size()
    {
        var array = Idx.Read(new MemoryStream(IdxCorpus.Gzip([0, 0, 8, 1, .. BigEndian(3 << 19), .. new byte[3 << 19]])), "big.gz");
        Assert.Equal(3 << 19, array.Data.Length);
    }
}
