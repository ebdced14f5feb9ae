namespace Nabla.Data;

/// <summary>
/// MNIST-format datasets (MNIST, Fashion-MNIST): a folder with train-images-idx3-ubyte, train-labels-idx1-ubyte,
/// t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte, raw or with a .gz suffix. Samples are (1, 28, 28) images (a
/// model starts with a convolution, or with Flatten() before Dense layers); pixels are scaled to [0, 1],
/// labels one-hot over 10 classes; files listed in a SHA256SUMS beside them are verified.
/// </summary>
public static class Mnist
{
    /// <summary>(train, test) from <paramref name="folder"/>, by default MNIST as shipped with Nabla (<see cref="ShippedData"/>);
    /// <paramref name="limit"/> keeps the first N training images.</summary>
    public static (Dataset Train, Dataset Test) Load(string? folder = null, int? limit = null)
    {
        folder ??= ShippedData.Folder("mnist");
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException($"{folder}: no such folder. MNIST ships in data/mnist; run from the repository root or pass the path.");
        var train = LoadPair(folder, "train", limit);
        var test = LoadPair(folder, "t10k", null);
        return (train, test);
    }

    /// <summary>Images and labels read from two IDX files, checked against each other.</summary>
    public static Dataset FromIdx(string imagesPath, string labelsPath, string name, int? limit = null)
    {
        DataFiles.Report(imagesPath, Checksums.Verify(imagesPath));
        DataFiles.Report(labelsPath, Checksums.Verify(labelsPath));
        var images = Idx.Read(imagesPath);
        var labels = Idx.Read(labelsPath);
        if (images.Dimensions.Length < 2)
            throw new DataFormatException(imagesPath, "byte 3", "an image file with 2 or more dimensions (count, rows, columns)", $"{images.Dimensions.Length} dimension");
        if (images.ItemSize == 0)
            throw new DataFormatException(imagesPath, "byte 8", "images of at least one pixel", $"dimensions {string.Join("×", images.Dimensions)}");
        if (labels.Dimensions.Length != 1)
            throw new DataFormatException(labelsPath, "byte 3", "a label file with 1 dimension", $"{labels.Dimensions.Length} dimensions");
        if (images.Count != labels.Count)
            throw new DataFormatException(labelsPath, "byte 4", $"{images.Count} labels, one per image in {imagesPath}", $"{labels.Count} labels");
        for (var i = 0; i < labels.Count; i++)
            if (labels.Data[i] > 9)
                throw new DataFormatException(labelsPath, $"byte {8 + i} (label {i})", "a digit label 0-9", $"{labels.Data[i]}");
        var count = Math.Min(images.Count, limit ?? int.MaxValue);
        var size = images.ItemSize;
        var features = LargeArrays.Uninitialized<float>(count * size);   // every value written below
        for (var i = 0; i < features.Length; i++) features[i] = images.Data[i] / 255f;   // inputs scaled to [0, 1]
        var data = Dataset.Classification(name, features, size, labels.Data.Take(count).Select(b => (int)b).ToArray(), 10);
        // [count, rows, columns] images are 1-channel (1, rows, columns) samples, as torchvision gives them.
        return images.Dimensions.Length == 3 ? data.WithSampleShape(SampleShape.Image(1, images.Dimensions[1], images.Dimensions[2])) : data;
    }

    static Dataset LoadPair(string folder, string split, int? limit) =>
        FromIdx(Find(folder, $"{split}-images-idx3-ubyte"), Find(folder, $"{split}-labels-idx1-ubyte"),
                $"{Path.GetFileName(Path.GetFullPath(folder).TrimEnd('/'))} {(split == "train" ? "train" : "test")}", limit);

    static string Find(string folder, string stem)
    {
        foreach (var candidate in new[] { stem + ".gz", stem, stem.Replace("-idx", ".idx") + ".gz", stem.Replace("-idx", ".idx") })
        {
            var path = Path.Combine(folder, candidate);
            if (File.Exists(path)) return path;
        }
        throw new FileNotFoundException($"{folder}: missing {stem}(.gz). An MNIST folder holds train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte, raw or gzipped.");
    }
}
