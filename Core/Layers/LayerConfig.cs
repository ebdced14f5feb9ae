using System.Text.Json;
using System.Text.Json.Nodes;

namespace Nabla.Layers;

/// <summary>
/// A layer's settings as named JSON values ({"inputs": 784, "outputs": 128}): what a saved architecture holds for the
/// layer and what an exporter reads. Immutable (built once, copied in and out). Typed reads check the value and throw a
/// <see cref="LayerConfigException"/> naming the setting, what it must be and what it is.
/// </summary>
public sealed class LayerConfig
{
    readonly JsonObject values;
    readonly HashSet<string>? read;   // the names looked up, for a reader's check (Checking); null otherwise

    /// <summary>Settings from (name, value) pairs: <c>new LayerConfig(("inputs", 784), ("outputs", 128))</c>.</summary>
    public LayerConfig(params (string Name, JsonNode? Value)[] values) =>
        this.values = new JsonObject(values.Select(v => KeyValuePair.Create(v.Name, v.Value?.DeepClone())));

    LayerConfig(JsonObject values, bool track = false) => (this.values, read) = (values, track ? new HashSet<string>(StringComparer.Ordinal) : null);

    /// <summary>Settings read from a JSON object (copied) that note which settings a layer looks up, so a file reader can
    /// refuse the ones no layer reads (<see cref="Unread"/>). For one reader at a time.</summary>
    public static LayerConfig Checking(JsonObject json) => new((JsonObject)json.DeepClone(), track: true);

    /// <summary>For a <see cref="Checking"/> config: the settings no one has looked up yet, in order.</summary>
    public IReadOnlyList<string> Unread => read is null ? [] : [.. Names.Where(n => !read.Contains(n))];

    JsonNode? this[string name]
    {
        get
        {
            read?.Add(name);
            return values[name];
        }
    }

    /// <summary>No settings (activations).</summary>
    public static LayerConfig Empty { get; } = new();

    /// <summary>Settings read from a JSON object (copied).</summary>
    public static LayerConfig FromJson(JsonObject json) => new((JsonObject)json.DeepClone());

    /// <summary>The settings as a new JSON object.</summary>
    public JsonObject ToJson() => (JsonObject)values.DeepClone();

    /// <summary>The names of the settings, in order.</summary>
    public IEnumerable<string> Names => values.Select(kv => kv.Key);

    /// <summary>True when <paramref name="name"/> is set to something other than null.</summary>
    public bool Has(string name) => this[name] is not null;

    /// <summary>A whole number in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public int Int(string name, int min = int.MinValue, int max = int.MaxValue, string? expected = null) =>
        TryNumber(this[name], out var n) && n == Math.Floor(n) && n >= min && n <= max ? (int)n
            : throw Fail(name, expected ?? (min == int.MinValue ? "a whole number" : $"a whole number ≥ {min}"));

    /// <summary>A list of <paramref name="count"/> whole numbers ≥ <paramref name="min"/> ([3, 3]).</summary>
    public int[] Ints(string name, int count, int min = int.MinValue) =>
        this[name] is JsonArray a && a.Count == count && a.All(v => TryNumber(v, out var n) && n == Math.Floor(n) && n >= min && n <= int.MaxValue)
            ? [.. a.Select(v => { TryNumber(v, out var n); return (int)n; })]
            : throw Fail(name, $"a list of {count} whole numbers ≥ {min}");

    /// <summary>A size: a whole number ≥ 1.</summary>
    public int Size(string name) => Int(name, 1, expected: "a size, a whole number ≥ 1");

    /// <summary>A finite number that <paramref name="accept"/> accepts (any finite number without it).</summary>
    public double Number(string name, Func<double, bool>? accept = null, string expected = "a number") =>
        TryNumber(this[name], out var x) && double.IsFinite(x) && (accept?.Invoke(x) ?? true) ? x
            : throw Fail(name, expected);

    /// <summary>A string that <paramref name="accept"/> accepts.</summary>
    public string Text(string name, Func<string, bool>? accept = null, string expected = "a string") =>
        this[name] is JsonValue v && v.TryGetValue<string>(out var s) && (accept?.Invoke(s) ?? true) ? s
            : throw Fail(name, expected);

    /// <summary>true or false.</summary>
    public bool Flag(string name) =>
        this[name] is JsonValue v && v.TryGetValue<bool>(out var b) ? b : throw Fail(name, "true or false");

    /// <summary>The raw value of a setting (a copy), null when absent.</summary>
    public JsonNode? Node(string name) => this[name]?.DeepClone();

    /// <summary>A <see cref="LayerConfigException"/> for setting <paramref name="name"/>, which should be <paramref name="expected"/>.</summary>
    public LayerConfigException Fail(string name, string expected) => new(name, expected, Show(this[name]));

    // A JsonValue built in code holds the CLR type it was given (an int stays an int: TryGetValue<double> refuses it); one
    // parsed from text converts to any number type. Either way: the value as a double.
    static bool TryNumber(JsonNode? node, out double value)
    {
        value = 0;
        if (node is not JsonValue v) return false;
        if (v.TryGetValue<double>(out value)) return true;
        if (v.TryGetValue<long>(out var l)) { value = l; return true; }
        if (v.TryGetValue<int>(out var i)) { value = i; return true; }
        if (v.TryGetValue<float>(out var f)) { value = f; return true; }
        return false;
    }

    // A value parsed from text prints as written (1e400). A NaN or infinity set in code (LeakyRelu(double.NaN)) has no JSON
    // form, the writer would throw instead of giving this message: it prints as .NET prints it.
    static string Show(JsonNode? node)
    {
        var text = node is JsonValue v && !v.TryGetValue<JsonElement>(out _) && TryNumber(v, out var x) && !double.IsFinite(x)
            ? x.ToString()
            : node?.ToJsonString() ?? "nothing";
        return text.Length <= 80 ? text : text[..77] + "…";
    }

    /// <summary>The settings as compact JSON: {"inputs":784,"outputs":128}.</summary>
    public override string ToString() => values.ToJsonString();
}

/// <summary>A layer setting that is missing, of the wrong kind or out of range: names the setting, what it must be, and
/// what it is. A file reader adds the file and the layer.</summary>
public sealed class LayerConfigException(string setting, string expected, string found)
    : FormatException($"setting \"{setting}\" must be {expected}; it is {found}")
{
    /// <summary>The setting's name.</summary>
    public string Setting { get; } = setting;

    /// <summary>What it must be.</summary>
    public string Expected { get; } = expected;

    /// <summary>What it is ("nothing" when absent).</summary>
    public string Found { get; } = found;
}
