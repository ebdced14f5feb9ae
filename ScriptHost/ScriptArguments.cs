using System.Globalization;

namespace Nabla.ScriptHost;

/// <summary>
/// The named arguments given after the script path (<c>--epochs 5</c>, <c>--epochs=5</c>, or a bare <c>--flag</c>),
/// read by the script with typed defaults: <c>Arg("epochs", 5)</c>. Every lookup is remembered, so run.json records
/// the values the run actually used, defaults included.
/// </summary>
public sealed class ScriptArguments
{
    readonly Dictionary<string, string?> _given;
    readonly Dictionary<string, string> _used = [];
    readonly HashSet<string> _read = [];

    ScriptArguments(Dictionary<string, string?> given) => _given = given;

    /// <summary>Parses the tokens after the script path; a token that is not <c>--name</c> or its value is an error.</summary>
    public static ScriptArguments Parse(IReadOnlyList<string> tokens)
    {
        var given = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (!token.StartsWith("--", StringComparison.Ordinal) || token.Length == 2)
                throw new UsageException($"unexpected script argument \"{token}\": script arguments are named, as in --epochs 5.");
            var name = token[2..];
            string? value = null;
            var equals = name.IndexOf('=');
            if (equals >= 0) (name, value) = (name[..equals], name[(equals + 1)..]);
            else if (i + 1 < tokens.Count && !tokens[i + 1].StartsWith("--", StringComparison.Ordinal)) value = tokens[++i];
            if (!given.TryAdd(name, value))
                throw new UsageException($"script argument --{name} is given twice.");
        }
        return new ScriptArguments(given);
    }

    /// <summary>The arguments as given on the command line (null value: a bare flag).</summary>
    public IReadOnlyDictionary<string, string?> Given => _given;

    /// <summary>The values the script read, by name, defaults included (for run.json).</summary>
    public IReadOnlyDictionary<string, string> Used => _used;

    /// <summary>Every name the script asked about, through <see cref="Get{T}"/> or <see cref="Has"/>.</summary>
    public IReadOnlyCollection<string> Read => _read;

    /// <summary>True when --<paramref name="name"/> was given.</summary>
    public bool Has(string name)
    {
        _read.Add(name);
        return _given.ContainsKey(name);
    }

    /// <summary>--<paramref name="name"/> converted to <typeparamref name="T"/>, or <paramref name="defaultValue"/> when
    /// not given. A bare <c>--name</c> means true for a bool.</summary>
    public T Get<T>(string name, T defaultValue) where T : IParsable<T>
    {
        T value;
        if (!_given.TryGetValue(name, out var text)) value = defaultValue;
        else if (text is null)
            value = typeof(T) == typeof(bool) ? (T)(object)true
                : throw new ScriptArgumentException($"--{name} needs a value, e.g. --{name} {Format(defaultValue)}.");
        else if (typeof(T) == typeof(bool) && ParseBool(text) is { } flag) value = (T)(object)flag;
        else if (!T.TryParse(text, CultureInfo.InvariantCulture, out value!))
            throw new ScriptArgumentException(
                $"--{name} {text}: expected {Describe(typeof(T))}, like the default {Format(defaultValue)}.");
        _used[name] = Format(value);
        _read.Add(name);
        return value;
    }

    /// <summary>The names given on the command line that are not in <paramref name="known"/>.</summary>
    public IReadOnlyList<string> UnknownNames(IEnumerable<string> known)
    {
        var set = known.ToHashSet(StringComparer.Ordinal);
        return _given.Keys.Where(n => !set.Contains(n)).ToArray();
    }

    /// <summary>One error line for unknown arguments, with a guess for each and the list of those the script reads.</summary>
    public static string DescribeUnknown(string script, IReadOnlyList<string> unknown, IReadOnlyList<ArgumentInfo> known)
    {
        var parts = unknown.Select(name =>
        {
            var guess = Spelling.Closest(name, known.Select(k => k.Name));
            return guess is null ? $"--{name}" : $"--{name} (did you mean --{guess}?)";
        });
        var list = known.Count == 0 ? "it takes no arguments" : "its arguments: " + string.Join(", ", known.Select(k => k.Usage));
        return $"{script} does not read {string.Join(", ", parts)}; {list}.";
    }

    static bool? ParseBool(string text) => text.ToLowerInvariant() switch
    {
        "true" or "1" or "yes" or "on" => true,
        "false" or "0" or "no" or "off" => false,
        _ => null,
    };

    static string Format<T>(T value) => value switch
    {
        null => "",
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    static string Describe(Type type) =>
        type == typeof(int) || type == typeof(long) ? "an integer"
        : type == typeof(double) || type == typeof(float) || type == typeof(decimal) ? "a number"
        : type == typeof(bool) ? "true or false"
        : $"a {type.Name}";
}

/// <summary>A script argument the script reads with a literal name: <c>Arg("epochs", 5)</c> gives ("epochs", "5").</summary>
public sealed record ArgumentInfo(string Name, string Default)
{
    public string Usage => Default.Length == 0 ? $"--{Name}" : $"--{Name} {Default}";
}

/// <summary>A script argument that cannot be converted to the type its default has (exit code 1).</summary>
public sealed class ScriptArgumentException(string message) : Exception(message);

/// <summary>A command-line mistake: the host prints the message on one line and exits with code 1.</summary>
public sealed class UsageException(string message) : Exception(message);
