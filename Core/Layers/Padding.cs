using System.Text.Json.Nodes;

namespace Nabla.Layers;

/// <summary>
/// How a sliding window meets the image's edges: <c>"valid"</c> (no padding: OH = ⌊(H − KH)/S⌋ + 1), <c>"same"</c> (zeros so
/// that OH = ⌈H/S⌉, split evenly with the odd one at the bottom and right, as TensorFlow pads; at stride 1 this is
/// PyTorch's padding='same'), or a number p of zero rows and columns on every side (PyTorch's padding=p:
/// OH = ⌊(H + 2p − KH)/S⌋ + 1). Converts from an int or from "valid"/"same": <c>Conv2D(1, 32, 3, rng, padding: "same")</c>.
/// </summary>
public readonly record struct Padding
{
    Padding(bool same, int pixels) => (IsSame, Pixels) = (same, pixels);

    /// <summary>No padding (the default).</summary>
    public static Padding Valid => default;

    /// <summary>As much as keeps OH = ⌈H / stride⌉.</summary>
    public static Padding Same { get; } = new(true, 0);

    /// <summary><paramref name="pixels"/> zero rows and columns on every side.</summary>
    public static Padding Of(int pixels) => pixels >= 0 ? new(false, pixels)
        : throw new ArgumentOutOfRangeException(nameof(pixels), pixels, $"Padding must be \"valid\", \"same\" or a number ≥ 0 of pixels per side, got {pixels}.");

    /// <summary>True for "same".</summary>
    public bool IsSame { get; }

    /// <summary>The pixels on every side (0 for "valid" and for "same", which depends on the input).</summary>
    public int Pixels { get; }

    /// <inheritdoc cref="Of(int)"/>
    public static implicit operator Padding(int pixels) => Of(pixels);

    /// <summary>"valid" or "same"; any other name throws, listing the choices.</summary>
    public static implicit operator Padding(string name) => name switch
    {
        "valid" => Valid,
        "same" => Same,
        _ => throw new ArgumentException($"Padding must be \"valid\", \"same\" or a number of pixels per side, got \"{name}\".", nameof(name)),
    };

    /// <summary>The window geometry of a KH × KW window at <paramref name="stride"/> over <paramref name="n"/> samples of
    /// <paramref name="input"/> with this padding.</summary>
    public WindowGeometry Geometry(int n, SampleShape input, int kh, int kw, int stride) => IsSame
        ? WindowGeometry.Same(n, input.Channels, input.Height, input.Width, kh, kw, stride)
        : WindowGeometry.Padded(n, input.Channels, input.Height, input.Width, kh, kw, stride, Pixels);

    /// <summary>"same", or the number of pixels ("valid" when 0): how a saved architecture keeps it.</summary>
    public JsonNode ToJson() => IsSame ? "same" : Pixels == 0 ? "valid" : Pixels;

    /// <summary>Reads <see cref="ToJson"/>'s forms: "valid", "same", or a whole number ≥ 0.</summary>
    public static Padding Read(LayerConfig config, string name) =>
        config.Node(name) is JsonValue v && v.TryGetValue<string>(out var s)
            ? s switch { "valid" => Valid, "same" => Same, _ => throw config.Fail(name, "\"valid\", \"same\" or a number ≥ 0") }
            : Of(config.Int(name, 0, expected: "\"valid\", \"same\" or a number ≥ 0"));

    /// <summary>"valid", "same", or the pixels per side: as <see cref="ToJson"/> writes it.</summary>
    public override string ToString() => IsSame ? "same" : Pixels == 0 ? "valid" : Pixels.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
