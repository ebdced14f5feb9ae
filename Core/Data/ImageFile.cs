using StbImageSharp;

namespace Nabla.Data;

/// <summary>An 8-bit grayscale image: Height × Width bytes, row-major, 0 black … 255 white.</summary>
public sealed record GrayImage(int Width, int Height, byte[] Pixels)
{
    /// <summary>The image resampled to <paramref name="width"/> × <paramref name="height"/> by area averaging: each output
    /// pixel is the mean of the source area it covers, weighted by overlap (exact for whole-number factors; a box
    /// filter, so shrinking a photo to 28 × 28 does not alias).</summary>
    public GrayImage Resize(int width, int height)
    {
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), $"GrayImage: cannot resize to {width} × {height}.");
        if (width == Width && height == Height) return this;
        var pixels = new byte[width * height];
        double sx = (double)Width / width, sy = (double)Height / height;
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                double x0 = x * sx, x1 = x0 + sx, y0 = y * sy, y1 = y0 + sy, sum = 0, area = 0;
                for (var v = (int)y0; v < Math.Min(Height, (int)Math.Ceiling(y1)); v++)
                {
                    var wy = Math.Min(y1, v + 1) - Math.Max(y0, v);
                    for (var u = (int)x0; u < Math.Min(Width, (int)Math.Ceiling(x1)); u++)
                    {
                        var w = wy * (Math.Min(x1, u + 1) - Math.Max(x0, u));
                        sum += w * Pixels[v * Width + u];
                        area += w;
                    }
                }
                pixels[y * width + x] = (byte)Math.Clamp(Math.Round(sum / area), 0, 255);
            }
        return new(width, height, pixels);
    }

    /// <summary>255 − p for every pixel: black on white becomes white on black, as MNIST's digits are.</summary>
    public GrayImage Inverted() => this with { Pixels = Pixels.Select(p => (byte)(255 - p)).ToArray() };

    /// <summary>The pixels as one feature row: p / 255 in [0, 1], computed exactly as <see cref="Mnist"/> loads pixels (a
    /// division, which rounds differently from p · (1/255) in float), or p · <paramref name="scale"/> when given.</summary>
    public float[] ToFeatures(float? scale = null) => Pixels.Select(p => scale is { } s ? p * s : p / 255f).ToArray();

    /// <summary>Prints the size: "GrayImage(28 × 28)", width first.</summary>
    public override string ToString() => $"GrayImage({Width} × {Height})";
}

/// <summary>
/// Reads PNG, JPEG, BMP, GIF and TGA files as grayscale through StbImageSharp (a port of stb_image). Colour becomes
/// luma Y = 0.299 R + 0.587 G + 0.114 B (ITU-R BT.601, in Pillow's fixed point, so R = G = B gives back the same gray);
/// transparent pixels are laid over <c>background</c> (white paper by default). A file that is not an image is a
/// <see cref="DataFormatException"/> naming it.
/// </summary>
/// <remarks>StbImageSharp rather than SixLabors.ImageSharp 2.1.13: public domain or MIT against Apache-2.0 with
/// advisories on crafted images (3.x, the fixed line, is a paid licence), 76 KB with no dependencies against 1.7 MB, and a
/// first decode in a fresh process of 160–200 ms against 410–450 ms (a 28 × 28 PNG and JPEG; 270–300 against 600–685 ms
/// for a 640 × 480 pair; later decodes cost the same). `nabla predict` pays the first decode on every call.</remarks>
public static class ImageFile
{
    /// <summary>The image at <paramref name="path"/> in grayscale.</summary>
    public static GrayImage ReadGray(string path, byte background = 255)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such image file.", path);
        DataFiles.Report(path);
        ImageResult image;
        try
        {
            using var stream = File.OpenRead(path);
            image = ImageResult.FromStream(stream, ColorComponents.RedGreenBlueAlpha);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or IndexOutOfRangeException or NotSupportedException or EndOfStreamException)
        {
            throw new DataFormatException(path, "byte 0", "a PNG, JPEG, BMP, GIF or TGA image", $"something else ({e.Message})");
        }
        var pixels = new byte[image.Width * image.Height];
        var rgba = image.Data;
        for (var i = 0; i < pixels.Length; i++)
        {
            int r = rgba[4 * i], g = rgba[4 * i + 1], b = rgba[4 * i + 2], a = rgba[4 * i + 3];
            // Stryker disable once Bitwise : equivalent; the sum is non-negative, so >> and >>> agree
            var y = (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;   // Pillow's "L": 0.299, 0.587, 0.114 in 16-bit fixed point
            pixels[i] = (byte)((y * a + background * (255 - a) + 127) / 255);
        }
        return new GrayImage(image.Width, image.Height, pixels);
    }
}
