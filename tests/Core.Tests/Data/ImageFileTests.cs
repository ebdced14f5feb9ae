namespace Nabla.Tests.Data;

/// <summary>Image files in grayscale, resized and inverted. Fixtures: MNIST test image 0 written by Pillow
/// (fixtures/make_digit_images.py), so decoding is checked against another library's encoder.</summary>
public class ImageFileTests
{
    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", name);

    public static readonly Lazy<Dataset> Test = new(() => Mnist.Load(TestSupport.DataPath("mnist"), limit: 1).Test);

    static byte[] TestImage0 => Test.Value.Features.Take(784).Select(v => (byte)Math.Round(v * 255)).ToArray();

    [Fact]
    public void A_grayscale_png_and_an_rgb_png_decode_to_the_test_images_bytes()
    {
        foreach (var name in new[] { "digit-7.png", "digit-7-rgb.png" })
        {
            var image = ImageFile.ReadGray(Fixture(name));
            Assert.Equal((28, 28), (image.Width, image.Height));
            Assert.Equal(TestImage0, image.Pixels);
        }
    }

    [Fact]
    public void A_jpeg_decodes_close_to_the_original()
    {
        var image = ImageFile.ReadGray(Fixture("digit-7.jpg"));
        var error = image.Pixels.Zip(TestImage0, (a, b) => Math.Abs(a - b)).Average();
        Assert.InRange(error, 0.01, 4.0);   // lossy: not equal, but within a few levels on average
    }

    [Fact]
    public void Black_on_white_paper_twice_the_size_resizes_and_inverts_back_to_the_test_image()
    {
        var paper = ImageFile.ReadGray(Fixture("digit-7-paper.png"));
        Assert.Equal((56, 56), (paper.Width, paper.Height));
        Assert.Equal(TestImage0, paper.Resize(28, 28).Inverted().Pixels);   // each 2 × 2 block averages to its one value
    }

    [Fact]
    public void Resizing_averages_the_area_each_pixel_covers()
    {
        var image = new GrayImage(3, 2, [0, 30, 90, 60, 120, 255]);
        // To 2 × 1: the left pixel covers columns 0..1.5, the right 1.5..3, each over both rows.
        // left = (0 + 60 + 0.5·(30 + 120)) / 3 = 45; right = (0.5·(30 + 120) + 90 + 255) / 3 = 140
        Assert.Equal([45, 140], image.Resize(2, 1).Pixels);
        Assert.Equal([0, 0, 30, 30], new GrayImage(2, 1, [0, 30]).Resize(4, 1).Pixels);   // growing repeats pixels
        Assert.Equal([255, 225, 165, 195, 135, 0], image.Inverted().Pixels);
        Assert.Equal([0f, 1f], new GrayImage(2, 1, [0, 255]).ToFeatures());
    }

    [Fact]
    public void Transparent_pixels_lie_over_the_background_and_a_file_that_is_no_image_is_refused_by_name()
    {
        var path = Path.Combine(Path.GetTempPath(), $"nabla-not-an-image-{Guid.NewGuid():N}.png");
        try
        {
            File.WriteAllText(path, "this is text");
            var e = Assert.Throws<DataFormatException>(() => ImageFile.ReadGray(path));
            Assert.StartsWith($"{path}: byte 0: expected a PNG, JPEG, BMP, GIF or TGA image, found something else (", e.Message);
        }
        finally { File.Delete(path); }
        Assert.Contains("no such image file", Assert.Throws<FileNotFoundException>(() => ImageFile.ReadGray(path)).Message);
    }

    [Fact]
    public void Resizing_checks_both_sides_and_averages_down_the_columns_too()
    {
        var image = new GrayImage(3, 2, [0, 30, 90, 60, 120, 255]);
        Assert.Equal("GrayImage: cannot resize to 0 × 5. (Parameter 'width')", Assert.Throws<ArgumentOutOfRangeException>(() => image.Resize(0, 5)).Message);
        Assert.Equal("GrayImage: cannot resize to 5 × 0. (Parameter 'width')", Assert.Throws<ArgumentOutOfRangeException>(() => image.Resize(5, 0)).Message);
        Assert.Equal([127], new GrayImage(1, 1, [127]).Resize(1, 1).Pixels);
        Assert.Equal([0, 30, 90, 0, 30, 90, 60, 120, 255, 60, 120, 255], image.Resize(3, 4).Pixels);   // same width, taller
        // Top covers rows 0..1.5: (0 + 0.5·30) / 1.5 = 10; bottom 1.5..3: (0.5·30 + 90) / 1.5 = 70.
        Assert.Equal([10, 70], new GrayImage(1, 3, [0, 30, 90]).Resize(1, 2).Pixels);
        Assert.Equal("GrayImage(3 × 2)", image.ToString());
        Assert.Equal([1f, 2f], new GrayImage(2, 1, [2, 4]).ToFeatures(scale: 0.5f));
    }

    // An uncompressed 32-bit TGA, top row first (descriptor 0x28: 8 alpha bits, top-left origin), pixels given as RGBA.
    static byte[] Tga(params (byte R, byte G, byte B, byte A)[] row) =>
        [0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte)row.Length, 0, 1, 0, 32, 0x28, .. row.SelectMany(p => new[] { p.B, p.G, p.R, p.A })];

    [Fact]
    public void Colour_becomes_Pillows_luma_and_transparency_lies_over_the_background()
    {
        var path = Path.Combine(Path.GetTempPath(), $"nabla-rgba-{Guid.NewGuid():N}.tga");
        try
        {
            File.WriteAllBytes(path, Tga((255, 0, 0, 255), (0, 255, 0, 255), (0, 0, 255, 255), (100, 100, 100, 128), (9, 9, 9, 0)));
            // Pillow's L of pure red, green, blue is 76, 150, 29; gray 100 at alpha 128 over white is
            // (100·128 + 255·127 + 127) / 255 = 177 (rounded down after adding 127), over black 50.
            Assert.Equal([76, 150, 29, 177, 255], ImageFile.ReadGray(path).Pixels);
            Assert.Equal([76, 150, 29, 50, 0], ImageFile.ReadGray(path, background: 0).Pixels);
            var seen = new List<(string, string)>();
            using (DataFiles.Watch((file, sha) => seen.Add((file, sha))))
                ImageFile.ReadGray(path);
            Assert.Equal([(path, Checksums.Sha256(path))], seen);
        }
        finally { File.Delete(path); }
    }
}
