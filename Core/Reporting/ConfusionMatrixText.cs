using System.Text;

namespace Nabla.Reporting;

/// <summary>A confusion matrix as a text table: rows are actual classes, columns predicted, with per-class recall.</summary>
public static class ConfusionMatrixText
{
    /// <summary>The table of <paramref name="matrix"/>; <paramref name="names"/> label the classes (default 0..n−1).</summary>
    public static string Format(Evaluation.ConfusionMatrix matrix, IReadOnlyList<string>? names = null) => Format(matrix.ToArray(), names);

    /// <summary>The table for counts[actual, predicted]; <paramref name="names"/> label the classes (default 0..n−1).</summary>
    public static string Format(int[,] counts, IReadOnlyList<string>? names = null)
    {
        var n = counts.GetLength(0);
        if (n == 0 || counts.GetLength(1) != n)
            throw new ArgumentException($"ConfusionMatrixText: counts must be a square table of at least 1 class, got {n}×{counts.GetLength(1)}.", nameof(counts));
        if (names is not null && names.Count != n)
            throw new ArgumentException($"ConfusionMatrixText: {names.Count} class names for {n} classes.", nameof(names));
        var labels = names ?? Enumerable.Range(0, n).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var width = Math.Max(labels.Max(l => l.Length), counts.Cast<int>().Max().ToString().Length) + 1;
        var text = new StringBuilder();
        text.Append("actual \\ predicted".PadRight(Math.Max(width, 19)));
        foreach (var l in labels) text.Append(l.PadLeft(width));
        text.AppendLine("   recall");
        for (var a = 0; a < n; a++)
        {
            text.Append(labels[a].PadRight(Math.Max(width, 19)));
            var total = 0;
            for (var p = 0; p < n; p++)
            {
                text.Append(counts[a, p].ToString().PadLeft(width));
                total += counts[a, p];
            }
            text.AppendLine(total == 0 ? "        -" : $"{100.0 * counts[a, a] / total,8:F1}%");
        }
        return text.ToString().TrimEnd();
    }
}
