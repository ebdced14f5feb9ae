using static Nabla.Tests.Data.IdxCorpus;

namespace Nabla.Tests.Data;

/// <summary>Mnist.Load and Mnist.FromIdx on small folders written here: the file names it accepts, the names and shapes
/// of what it returns, the files it verifies and reports, and each refusal word for word.</summary>
public sealed class MnistFolderTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("nabla-mnist-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    static byte[] Header(byte rank, params int[] dims) => [0, 0, 8, rank, .. dims.SelectMany(BigEndian)];

    [Fact]
    public void A_folder_with_the_dotted_names_raw_or_gzipped_loads_named_after_the_folder()
    {
        Write("train-images.idx3-ubyte.gz", Gzip(Images(3, 2, 2)));
        Write("train-labels.idx1-ubyte", Labels(7, 0, 9));
        Write("t10k-images.idx3-ubyte", Images(2, 2, 2));
        Write("t10k-labels.idx1-ubyte.gz", Gzip(Labels(1, 2)));
        var (train, test) = Mnist.Load(_dir);
        var folder = Path.GetFileName(_dir);
        Assert.Equal(($"{folder} train", 3, 4), (train.Name, train.Count, train.FeatureCount));
        Assert.Equal(($"{folder} test", 2), (test.Name, test.Count));
        Assert.Equal([7, 0, 9], train.Labels!);
        Assert.Equal(Images(3, 2, 2)[16..].Select(b => b / 255f), train.Features);
        Assert.Equal(SampleShape.Image(1, 2, 2), test.SampleShape);
    }

    [Fact]
    public void A_folder_that_is_not_there_or_lacks_a_file_is_refused_by_name()
    {
        var missing = Path.Combine(_dir, "nowhere");
        Assert.Equal($"{missing}: no such folder. MNIST ships in data/mnist; run from the repository root or pass the path.",
            Assert.Throws<DirectoryNotFoundException>(() => Mnist.Load(missing)).Message);
        Write("train-images-idx3-ubyte", Images(1, 2, 2));
        Assert.Equal($"{_dir}: missing train-labels-idx1-ubyte(.gz). An MNIST folder holds train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte, raw or gzipped.",
            Assert.Throws<FileNotFoundException>(() => Mnist.Load(_dir)).Message);
    }

    [Fact]
    public void Images_of_two_dimensions_are_flat_samples_and_of_three_are_one_channel_images()
    {
        var labels = Write("labels", Labels(1, 2));
        var flat = Mnist.FromIdx(Write("flat", [.. Header(2, 2, 3), 0, 51, 102, 153, 204, 255]), labels, "flat");
        Assert.Equal(SampleShape.Features(3), flat.SampleShape);
        Assert.Equal([0f, 0.2f, 0.4f, 0.6f, 0.8f, 1f], flat.Features);
        var images = Mnist.FromIdx(Write("images", Images(2, 3, 1)), labels, "images");
        Assert.Equal(SampleShape.Image(1, 3, 1), images.SampleShape);
    }

    [Fact]
    public void A_label_of_9_is_a_digit_and_a_limit_keeps_the_first_images()
    {
        var data = Mnist.FromIdx(Write("images", Images(3, 1, 2)), Write("labels", Labels(9, 0, 5)), "tiny", limit: 2);
        Assert.Equal([9, 0], data.Labels!);
        Assert.Equal(2, data.Count);
    }

    public static TheoryData<string, byte[], byte[], string> Refusals => new()
    {
        { "images of 1 dimension", [.. Header(1, 2), 5, 6], Labels(1, 2), "{images}: byte 3: expected an image file with 2 or more dimensions (count, rows, columns), found 1 dimension." },
        { "images of no pixels", Header(3, 2, 0, 5), Labels(1, 2), "{images}: byte 8: expected images of at least one pixel, found dimensions 2×0×5." },
        { "labels of 2 dimensions", Images(2, 1, 1), [.. Header(2, 2, 1), 1, 2], "{labels}: byte 3: expected a label file with 1 dimension, found 2 dimensions." },
        { "3 images, 2 labels", Images(3, 2, 2), Labels(1, 2), "{labels}: byte 4: expected 3 labels, one per image in {images}, found 2 labels." },
        { "a label of 10", Images(3, 2, 2), Labels(1, 10, 3), "{labels}: byte 9 (label 1): expected a digit label 0-9, found 10." },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void Images_and_labels_that_do_not_go_together_are_refused_word_for_word(string name, byte[] images, byte[] labels, string message)
    {
        var (imagesPath, labelsPath) = (Write($"{name} images", images), Write($"{name} labels", labels));
        var e = Assert.Throws<DataFormatException>(() => Mnist.FromIdx(imagesPath, labelsPath, name));
        Assert.Equal(message.Replace("{images}", imagesPath).Replace("{labels}", labelsPath), e.Message);
    }

    [Fact]
    public void Both_files_are_verified_against_SHA256SUMS_and_reported_with_their_hashes()
    {
        var images = Write("train-images-idx3-ubyte", Images(1, 2, 2));
        var labels = Write("train-labels-idx1-ubyte", Labels(4));
        var seen = new List<(string, string)>();
        using (DataFiles.Watch((path, sha) => seen.Add((path, sha))))
            Mnist.FromIdx(images, labels, "tiny");
        Assert.Equal([(images, Checksums.Sha256(images)), (labels, Checksums.Sha256(labels))], seen);

        File.WriteAllText(Path.Combine(_dir, "SHA256SUMS"), $"{new string('0', 64)}  train-images-idx3-ubyte\n{Checksums.Sha256(labels)}  train-labels-idx1-ubyte\n");
        var e = Assert.Throws<InvalidDataException>(() => Mnist.FromIdx(images, labels, "tiny"));
        Assert.StartsWith($"{images}: checksum mismatch: SHA256SUMS says {new string('0', 64)}, the file hashes to {Checksums.Sha256(images)}.", e.Message);
    }
}
