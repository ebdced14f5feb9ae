using System.Security.Cryptography;

namespace Nabla.Tests.Data;

/// <summary>
/// The shipped MNIST and Fashion-MNIST files load pixel for pixel: the files' SHA-256, the SHA-256 of the loaded
/// pixels turned back into bytes (row-major, so a transposed image changes it), known pixels of the first image whose
/// transposed position is blank, and the labels. The constants come from fixtures/shipped_data_facts.py, which reads
/// the files with Python's gzip alone.
/// </summary>
public class ShippedPixelTests
{
    sealed record Facts(string Folder, Dictionary<string, string> FileSha256, string TrainPixels1000, string TestPixels,
        string TrainLabels1000, string TestLabels, int[] FirstTrainLabels, int[] FirstTestLabels, (int Row, int Column, byte Value)[] Pixels);

    static readonly Facts[] Shipped =
    [
        new("mnist",
            new()
            {
                ["t10k-images-idx3-ubyte.gz"] = "4e612d6003de73386763f2c35c044ab376e830da80adb2347651a1f182f103a1",
                ["t10k-labels-idx1-ubyte.gz"] = "909a5aeb9fcec3f171b427c45622a55f69dc15dd80bd0624413cbfbe12553c1c",
                ["train-images-idx3-ubyte.gz"] = "d2cebd02927d553943b2679536bf602ec0cdcb6555ad87dda5d640e1d425faaf",
                ["train-labels-idx1-ubyte.gz"] = "2a107763ddf1eef92815bfbb1b855b662a7228add9dfab29de697c644d666cda",
            },
            TrainPixels1000: "2304e0137aea1f236247daacc2dcaf275996895e40c4bb0760c448434d361d1a",
            TestPixels: "6d87418db22cc8025d05968bec9bd5c3932904b23485740db143a061a2c9d161",
            TrainLabels1000: "b03ead2884240483d956c7feac7a9b39d28685062da0a980bb73d2196dc506b8",
            TestLabels: "ddeff807876a9661a1110d45c266c86239a3a1b7d37da0c3716a7a683c852ff5",
            FirstTrainLabels: [5, 0, 4, 1, 9, 2, 1, 3, 1, 4],
            FirstTestLabels: [7, 2, 1, 0, 4, 1, 4, 9, 5, 9],
            Pixels: [(5, 12, 3), (5, 13, 18), (5, 14, 18), (24, 10, 132), (24, 11, 16), (161 / 28, 161 % 28, 255)]),
        new("fashion-mnist",
            new()
            {
                ["t10k-images-idx3-ubyte.gz"] = "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa",
                ["t10k-labels-idx1-ubyte.gz"] = "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05",
                ["train-images-idx3-ubyte.gz"] = "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7",
                ["train-labels-idx1-ubyte.gz"] = "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056",
            },
            TrainPixels1000: "7350186bf86b76af65f1c8f921436fd67c69c61ba7dd0f51a5047991359cd2d9",
            TestPixels: "c867c93ff95360594e8ec3287995350b824dd110b11595c0e13d5423f621867a",
            TrainLabels1000: "a2d1512599a9270ae0b22c236d1bb6c9faf54db68c3cb38be103496028e48209",
            TestLabels: "3d0e6c6ea990b53b6f8f500a41cac93881d981b315f84578b7d915342ade01e9",
            FirstTrainLabels: [9, 0, 0, 3, 0, 2, 7, 2, 5, 5],
            FirstTestLabels: [9, 2, 1, 1, 6, 1, 4, 6, 5, 7],
            Pixels: [(3, 12, 1), (3, 15, 13), (3, 16, 73), (24, 5, 200), (24, 25, 58), (417 / 28, 417 % 28, 255)]),
    ];

    public static TheoryData<string> Folders() => [.. Shipped.Select(f => f.Folder)];

    [Theory, MemberData(nameof(Folders))]
    public void Files_have_their_published_checksums(string folder)
    {
        var facts = Shipped.Single(f => f.Folder == folder);
        foreach (var (file, sha256) in facts.FileSha256)
            Assert.Equal(sha256, Checksums.Sha256(TestSupport.DataPath(folder, file)));
    }

    [Theory, MemberData(nameof(Folders))]
    public void Pixels_and_labels_load_exactly_in_row_major_order_scaled_by_1_over_255(string folder)
    {
        var facts = Shipped.Single(f => f.Folder == folder);
        var (train, test) = Mnist.Load(TestSupport.DataPath(folder), limit: 1000);
        Assert.Equal((1000, 10_000, 784), (train.Count, test.Count, train.FeatureCount));

        foreach (var (row, column, value) in facts.Pixels)
            Assert.True(Math.Abs(train.Features[row * 28 + column] - value / 255.0) < 1e-7,
                $"{folder} train image 0, row {row}, column {column}: expected {value}/255, got {train.Features[row * 28 + column]:R}");
        Assert.Equal(facts.TrainPixels1000, Sha256OfBytes(train.Features, folder));
        Assert.Equal(facts.TestPixels, Sha256OfBytes(test.Features, folder));

        Assert.Equal(facts.FirstTrainLabels, train.Labels![..10]);
        Assert.Equal(facts.FirstTestLabels, test.Labels![..10]);
        Assert.Equal(facts.TrainLabels1000, Sha256(train.Labels.Select(l => (byte)l).ToArray()));
        Assert.Equal(facts.TestLabels, Sha256(test.Labels.Select(l => (byte)l).ToArray()));
        // One-hot targets agree with the labels.
        for (var i = 0; i < 50; i++)
            Assert.Equal(Enumerable.Range(0, 10).Select(k => k == train.Labels[i] ? 1f : 0f), train.Targets.AsSpan(i * 10, 10).ToArray());
    }

    /// <summary>The SHA-256 of the pixels as bytes: each value v must be b/255 for a byte b (within float rounding).</summary>
    static string Sha256OfBytes(float[] features, string folder)
    {
        var bytes = new byte[features.Length];
        for (var i = 0; i < features.Length; i++)
        {
            var b = Math.Round(features[i] * 255.0);
            Assert.True(b is >= 0 and <= 255 && Math.Abs(features[i] - b / 255) < 1e-7,
                $"{folder} feature {i} = {features[i]:R} is not a byte over 255");
            bytes[i] = (byte)b;
        }
        return Sha256(bytes);
    }

    static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
