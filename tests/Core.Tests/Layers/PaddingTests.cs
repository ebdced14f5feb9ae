using System.Text.Json.Nodes;

namespace Nabla.Tests.Layers;

/// <summary>Padding converts from the names and numbers users write, prints and saves as it was written, and refuses
/// anything else with the choices.</summary>
public class PaddingTests
{
    [Fact]
    public void Names_and_numbers_convert_and_print_as_written()
    {
        Padding valid = "valid", same = "same", two = 2, zero = 0;
        Assert.Equal(Padding.Valid, valid);
        Assert.Equal(Padding.Same, same);
        Assert.Equal(Padding.Valid, zero);
        Assert.Equal((false, 2), (two.IsSame, two.Pixels));
        Assert.Equal(["valid", "same", "2"], new[] { valid, same, two }.Select(p => p.ToString()));
    }

    [Fact]
    public void It_saves_as_valid_same_or_a_number_and_reads_back_the_same()
    {
        Assert.Equal("\"valid\"", Padding.Valid.ToJson().ToJsonString());
        Assert.Equal("\"same\"", Padding.Same.ToJson().ToJsonString());
        Assert.Equal("3", Padding.Of(3).ToJson().ToJsonString());
        foreach (var p in new[] { Padding.Valid, Padding.Same, Padding.Of(3) })
            Assert.Equal(p, Padding.Read(new LayerConfig(("padding", p.ToJson())), "padding"));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(-5)]
    public void A_negative_number_of_pixels_is_refused(int pixels)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Padding.Of(pixels));
        Assert.StartsWith($"Padding must be \"valid\", \"same\" or a number ≥ 0 of pixels per side, got {pixels}.", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => { Padding p = pixels; });
    }

    [Fact]
    public void An_unknown_name_is_refused_with_the_choices()
    {
        var e = Assert.Throws<ArgumentException>(() => { Padding p = "full"; });
        Assert.StartsWith("Padding must be \"valid\", \"same\" or a number of pixels per side, got \"full\".", e.Message);
    }

    [Theory]
    [InlineData("\"full\"")]
    [InlineData("-1")]
    [InlineData("1.5")]
    public void A_saved_padding_that_is_not_one_of_the_forms_says_what_it_must_be(string json)
    {
        var e = Assert.Throws<LayerConfigException>(() => Padding.Read(new LayerConfig(("padding", JsonNode.Parse(json))), "padding"));
        Assert.Equal($"setting \"padding\" must be \"valid\", \"same\" or a number ≥ 0; it is {json}", e.Message);
    }
}
