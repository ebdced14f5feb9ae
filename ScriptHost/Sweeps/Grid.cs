using System.Globalization;
using System.Text;

namespace Nabla.ScriptHost.Sweeps;

/// <summary>One swept argument: <c>--grid lr=0.01,0.1,1</c> is ("lr", ["0.01", "0.1", "1"]).</summary>
public sealed record GridAxis(string Name, IReadOnlyList<string> Values)
{
    /// <summary>Parses <c>NAME=V1,V2,…</c>; throws <see cref="UsageException"/> naming what is wrong.</summary>
    public static GridAxis Parse(string spec)
    {
        var equals = spec.IndexOf('=');
        var name = equals > 0 ? spec[..equals].Trim() : "";
        var values = equals > 0 ? spec[(equals + 1)..].Split(',').Select(v => v.Trim()).ToArray() : [];
        if (name.Length == 0 || values.Length == 0 || values.Any(v => v.Length == 0))
            throw new UsageException($"--grid {spec}: expected NAME=V1,V2,… (as in --grid lr=0.01,0.1,1).");
        if (name.StartsWith('-') || name.Any(char.IsWhiteSpace))
            throw new UsageException($"--grid {spec}: the name is the script argument's, without dashes (--grid lr=…).");
        if (values.Distinct(StringComparer.Ordinal).Count() != values.Length)
            throw new UsageException($"--grid {spec}: a value is listed twice.");
        if (name == Grid.SeedName && values.Any(v => !long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)))
            throw new UsageException($"--grid {spec}: seeds are integers.");
        return new GridAxis(name, values);
    }
}

/// <summary>
/// The configurations of a sweep: the Cartesian product of its axes in the order given, the first axis varying slowest
/// (as nested loops, or Python's itertools.product), numbered from 0. Shards and merges rely on that numbering.
/// </summary>
public sealed record Grid(IReadOnlyList<GridAxis> Axes)
{
    /// <summary>The axis name that sets the host's --seed instead of a script argument.</summary>
    public const string SeedName = "seed";

    /// <summary>The grid of the <c>--grid</c> options; a name given twice is an error.</summary>
    public static Grid Parse(IEnumerable<string> specs)
    {
        var axes = specs.Select(GridAxis.Parse).ToArray();
        if (axes.GroupBy(a => a.Name).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new UsageException($"--grid {twice.Key} is given twice; list all its values in one: --grid {twice.Key}=a,b,c.");
        return new Grid(axes);
    }

    /// <summary>The number of configurations, the product of the axes' lengths (1 for no axis: one run).</summary>
    public int Count => Axes.Aggregate(1, (product, axis) => checked(product * axis.Values.Count));

    /// <summary>Configuration <paramref name="index"/> (0 ≤ index &lt; <see cref="Count"/>).</summary>
    public Configuration this[int index]
    {
        get
        {
            var values = new (string Name, string Value)[Axes.Count];
            var rest = index;
            for (var a = Axes.Count - 1; a >= 0; a--)   // the last axis varies fastest
            {
                values[a] = (Axes[a].Name, Axes[a].Values[rest % Axes[a].Values.Count]);
                rest /= Axes[a].Values.Count;
            }
            return new Configuration(index, values, Math.Max(3, (Count - 1).ToString(CultureInfo.InvariantCulture).Length));
        }
    }

    /// <summary>"lr (3) × batch (2)".</summary>
    public override string ToString() => Axes.Count == 0 ? "no grid" : string.Join(" × ", Axes.Select(a => $"{a.Name} ({a.Values.Count})"));
}

/// <summary>One point of a grid: its number and the value of each axis.</summary>
public sealed record Configuration(int Index, IReadOnlyList<(string Name, string Value)> Values, int IndexDigits)
{
    /// <summary>The run folder's name inside the sweep folder: <c>003-lr=0.1-batch=32</c> (the number keeps it unique
    /// and sorted; characters a file name should not hold become _).</summary>
    public string FolderName => new StringBuilder(Index.ToString(CultureInfo.InvariantCulture).PadLeft(IndexDigits, '0'))
        .AppendJoin("", Values.Select(v => $"-{v.Name}={Safe(v.Value)}")).ToString();

    /// <summary>"lr=0.1 batch=32".</summary>
    public override string ToString() => Values.Count == 0 ? "(no grid)" : string.Join(" ", Values.Select(v => $"{v.Name}={v.Value}"));

    static string Safe(string value) => string.Concat(value.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '+' or '-' or '_' ? c : '_'));
}
