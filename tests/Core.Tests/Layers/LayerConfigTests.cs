using System.Text.Json.Nodes;

namespace Nabla.Tests.Layers;

/// <summary>
/// How a layer's settings are read back from a saved description (<see cref="LayerConfig"/>): each kind of value with its
/// bounds, and the refusal that names the setting, what it must be and what it is, word for word.
/// </summary>
public sealed class LayerConfigTests
{
    /// <summary>Settings as a file carries them: parsed from JSON text.</summary>
    static LayerConfig Parsed(string json) => LayerConfig.FromJson(JsonNode.Parse(json)!.AsObject());

    static string Refusal(Func<object> read) => Assert.Throws<LayerConfigException>(read).Message;

    [Theory]
    [InlineData("""{"n": 3}""", 3)]
    [InlineData("""{"n": 3.0}""", 3)]
    [InlineData("""{"n": -7}""", -7)]
    [InlineData("""{"n": 2147483647}""", int.MaxValue)]
    [InlineData("""{"n": -2147483648}""", int.MinValue)]
    public void Int_reads_a_whole_number(string json, int expected) => Assert.Equal(expected, Parsed(json).Int("n"));

    [Theory]
    [InlineData("""{"n": 2.5}""", "2.5")]
    [InlineData("""{"n": "3"}""", "\"3\"")]
    [InlineData("""{"n": true}""", "true")]
    [InlineData("""{"n": [3]}""", "[3]")]
    [InlineData("""{"n": 2147483648}""", "2147483648")]
    [InlineData("""{"n": null}""", "nothing")]
    [InlineData("""{}""", "nothing")]
    public void Int_refuses_anything_else_and_says_what_it_found(string json, string found) =>
        Assert.Equal($"setting \"n\" must be a whole number; it is {found}", Refusal(() => Parsed(json).Int("n")));

    [Fact]
    public void Int_with_a_minimum_takes_it_and_refuses_one_below_naming_it()
    {
        Assert.Equal(3, Parsed("""{"n": 3}""").Int("n", min: 3));
        Assert.Equal("setting \"n\" must be a whole number ≥ 3; it is 2", Refusal(() => Parsed("""{"n": 2}""").Int("n", min: 3)));
        Assert.Equal(5, Parsed("""{"n": 5}""").Int("n", max: 5));
        Assert.Equal("setting \"n\" must be at most 5; it is 6", Refusal(() => Parsed("""{"n": 6}""").Int("n", max: 5, expected: "at most 5")));
    }

    [Fact]
    public void Size_is_a_whole_number_from_one()
    {
        Assert.Equal(1, Parsed("""{"units": 1}""").Size("units"));
        Assert.Equal("setting \"units\" must be a size, a whole number ≥ 1; it is 0", Refusal(() => Parsed("""{"units": 0}""").Size("units")));
    }

    [Theory]
    [InlineData("""{"k": [3, 3]}""", new[] { 3, 3 })]
    [InlineData("""{"k": [1, 2.0]}""", new[] { 1, 2 })]
    [InlineData("""{"k": [2147483647, 1]}""", new[] { int.MaxValue, 1 })]
    public void Ints_reads_a_list_of_whole_numbers(string json, int[] expected) => Assert.Equal(expected, Parsed(json).Ints("k", 2, min: 1));

    [Theory]
    [InlineData("""{"k": [2.5, 3]}""", "[2.5,3]")]
    [InlineData("""{"k": ["a", 3]}""", "[\"a\",3]")]
    [InlineData("""{"k": [0, 3]}""", "[0,3]")]
    [InlineData("""{"k": [2147483648, 3]}""", "[2147483648,3]")]
    [InlineData("""{"k": [3]}""", "[3]")]
    [InlineData("""{"k": [3, 3, 3]}""", "[3,3,3]")]
    [InlineData("""{"k": 3}""", "3")]
    [InlineData("""{}""", "nothing")]
    public void Ints_refuses_a_wrong_list(string json, string found) =>
        Assert.Equal($"setting \"k\" must be a list of 2 whole numbers ≥ 1; it is {found}", Refusal(() => Parsed(json).Ints("k", 2, min: 1)));

    [Theory]
    [InlineData("""{"x": 0.25}""", 0.25)]
    [InlineData("""{"x": -3}""", -3.0)]
    [InlineData("""{"x": 1e300}""", 1e300)]
    public void Number_reads_a_finite_number(string json, double expected) => Assert.Equal(expected, Parsed(json).Number("x"));

    [Theory]
    [InlineData("""{"x": "0.5"}""", "\"0.5\"")]
    [InlineData("""{"x": [0.5]}""", "[0.5]")]
    [InlineData("""{"x": {"v": 0.5}}""", "{\"v\":0.5}")]
    [InlineData("""{"x": false}""", "false")]
    [InlineData("""{"x": 1e400}""", "1e400")]
    [InlineData("""{}""", "nothing")]
    public void Number_refuses_anything_else(string json, string found) =>
        Assert.Equal($"setting \"x\" must be a number; it is {found}", Refusal(() => Parsed(json).Number("x")));

    /// <summary>A value set in code holds its CLR type (an int is not a double to System.Text.Json); each number type is
    /// read, and a NaN or infinity, which JSON cannot write, is refused by name.</summary>
    [Fact]
    public void Numbers_set_in_code_are_read_whatever_their_type()
    {
        Assert.Equal(7, new LayerConfig(("n", 7)).Int("n"));
        Assert.Equal(7, new LayerConfig(("n", 7L)).Int("n"));
        Assert.Equal(7, new LayerConfig(("n", 7.0)).Int("n"));
        Assert.Equal(7, new LayerConfig(("n", 7f)).Int("n"));
        Assert.Equal(0.5, new LayerConfig(("x", 0.5f)).Number("x"));
        Assert.Equal(0.5, new LayerConfig(("x", 0.5)).Number("x"));
        Assert.Equal(5e9, new LayerConfig(("x", 5_000_000_000L)).Number("x"));
        Assert.Equal("setting \"x\" must be a number; it is NaN", Refusal(() => new LayerConfig(("x", double.NaN)).Number("x")));
        Assert.Equal("setting \"x\" must be a number; it is -Infinity", Refusal(() => new LayerConfig(("x", float.NegativeInfinity)).Number("x")));
        Assert.Equal("setting \"x\" must be a number; it is \"s\"", Refusal(() => new LayerConfig(("x", "s")).Number("x")));
    }

    [Fact]
    public void Number_with_a_test_takes_what_it_accepts_and_names_what_it_expects()
    {
        var positive = (Func<double, bool>)(x => x > 0);
        Assert.Equal(0.5, Parsed("""{"x": 0.5}""").Number("x", positive, "a number > 0"));
        Assert.Equal("setting \"x\" must be a number > 0; it is 0", Refusal(() => Parsed("""{"x": 0}""").Number("x", positive, "a number > 0")));
    }

    [Fact]
    public void Text_reads_a_string_that_its_test_accepts()
    {
        var activation = (Func<string, bool>)(s => s is "relu" or "tanh");
        Assert.Equal("same", Parsed("""{"padding": "same"}""").Text("padding"));
        Assert.Equal("tanh", Parsed("""{"a": "tanh"}""").Text("a", activation, "relu or tanh"));
        Assert.Equal("setting \"a\" must be relu or tanh; it is \"gelu\"", Refusal(() => Parsed("""{"a": "gelu"}""").Text("a", activation, "relu or tanh")));
        Assert.Equal("setting \"padding\" must be a string; it is 3", Refusal(() => Parsed("""{"padding": 3}""").Text("padding")));
    }

    [Theory]
    [InlineData("""{"f": true}""", true)]
    [InlineData("""{"f": false}""", false)]
    public void Flag_reads_true_or_false(string json, bool expected) => Assert.Equal(expected, Parsed(json).Flag("f"));

    [Theory]
    [InlineData("""{"f": "true"}""", "\"true\"")]
    [InlineData("""{"f": 1}""", "1")]
    [InlineData("""{}""", "nothing")]
    public void Flag_refuses_anything_else(string json, string found) =>
        Assert.Equal($"setting \"f\" must be true or false; it is {found}", Refusal(() => Parsed(json).Flag("f")));

    /// <summary>A found value is shown whole up to 80 characters of JSON, longer ones as their first 77 and "…".</summary>
    [Fact]
    public void A_long_value_is_cut_to_80_characters()
    {
        var fits = new string('a', 78);       // "aaa…a": 80 characters with its quotes
        var tooLong = new string('b', 79);    // 81
        Assert.Equal($"setting \"f\" must be true or false; it is \"{fits}\"", Refusal(() => new LayerConfig(("f", fits)).Flag("f")));
        Assert.Equal($"setting \"f\" must be true or false; it is \"{tooLong[..76]}…", Refusal(() => new LayerConfig(("f", tooLong)).Flag("f")));
    }

    [Fact]
    public void The_exception_carries_the_setting_what_it_must_be_and_what_it_is()
    {
        var e = Assert.Throws<LayerConfigException>(() => Parsed("""{"rate": 1.5}""").Number("rate", r => r < 1, "a number < 1"));
        Assert.Equal(("rate", "a number < 1", "1.5"), (e.Setting, e.Expected, e.Found));
        Assert.Equal("setting \"rate\" must be a number < 1; it is 1.5", e.Message);
    }

    [Fact]
    public void A_checking_config_lists_the_settings_no_one_read_in_order()
    {
        var config = LayerConfig.Checking(JsonNode.Parse("""{"a": 1, "b": true, "c": 3, "d": null}""")!.AsObject());
        Assert.Equal(["a", "b", "c", "d"], config.Unread);
        config.Int("c");
        Assert.True(config.Flag("b"));
        Assert.False(config.Has("d"));
        Assert.Equal(["a"], config.Unread);
    }

    [Fact]
    public void Other_configs_track_nothing()
    {
        Assert.Empty(Parsed("""{"a": 1, "b": 2}""").Unread);
        Assert.Empty(new LayerConfig(("a", 1)).Unread);
    }
}
