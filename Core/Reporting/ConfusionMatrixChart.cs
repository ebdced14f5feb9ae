using System.Text;
using Nabla.Evaluation;

namespace Nabla.Reporting;

/// <summary>A confusion matrix as an SVG heat map: rows are true classes, columns predicted ones, each cell shows its
/// count and is shaded by its share of the row (the share of class t's samples predicted as p; the diagonal is recall).</summary>
public static class ConfusionMatrixChart
{
    const int Cell = 38;

    /// <summary>The heat map of <paramref name="matrix"/> with <paramref name="names"/> on both axes (inline SVG, no namespace).</summary>
    public static string Svg(ConfusionMatrix matrix, IReadOnlyList<string> names)
    {
        var n = matrix.Classes;
        if (names.Count != n) throw new ArgumentException($"ConfusionMatrixChart: {names.Count} class names for {n} classes.", nameof(names));
        var labelWidth = 7 * Math.Max(2, names.Max(s => s.Length)) + 12;
        int left = 28 + labelWidth, top = 44 + labelWidth, width = left + n * Cell + 8, height = top + n * Cell + 8;
        var svg = new StringBuilder();
        svg.Append(RunRecord.Invariant($"""<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">"""));
        svg.Append(RunRecord.Invariant($"""<text x="{left + n * Cell / 2}" y="16" text-anchor="middle" font-size="13">predicted</text>"""));
        svg.Append(RunRecord.Invariant($"""<text x="12" y="{top + n * Cell / 2}" text-anchor="middle" font-size="13" transform="rotate(-90 12 {top + n * Cell / 2})">true</text>"""));
        for (var k = 0; k < n; k++)
        {
            // Column names read upwards above the columns, row names to the left of the rows.
            var cx = left + k * Cell + Cell / 2 + 4;
            svg.Append(RunRecord.Invariant($"""<text x="{cx}" y="{top - 6}" transform="rotate(-90 {cx} {top - 6})">{Html.Escape(names[k])}</text>"""));
            svg.Append(RunRecord.Invariant($"""<text x="{left - 6}" y="{top + k * Cell + Cell / 2 + 4}" text-anchor="end">{Html.Escape(names[k])}</text>"""));
        }
        for (var t = 0; t < n; t++)
        {
            var support = Math.Max(1, matrix.Support(t));
            for (var p = 0; p < n; p++)
            {
                var count = matrix[t, p];
                var share = (double)count / support;
                var fill = Blend(share);
                int x = left + p * Cell, y = top + t * Cell;
                var ink = share > 0.5 ? "#fff" : count == 0 ? "#bbb" : "#222";
                svg.Append(RunRecord.Invariant($"""<rect x="{x}" y="{y}" width="{Cell}" height="{Cell}" fill="{fill}" stroke="#fff"><title>true {Html.Escape(names[t])}, predicted {Html.Escape(names[p])}: {count} ({Html.Percent(share)} of the row)</title></rect>"""));
                svg.Append(RunRecord.Invariant($"""<text x="{x + Cell / 2}" y="{y + Cell / 2 + 4}" text-anchor="middle" fill="{ink}" font-size="{(count >= 10000 ? 9 : 11)}">{count}</text>"""));
            }
        }
        svg.Append(RunRecord.Invariant($"""<rect x="{left}" y="{top}" width="{n * Cell}" height="{n * Cell}" fill="none" stroke="#888"/>"""));
        svg.Append("</svg>");
        return svg.ToString();
    }

    // White to dark blue; a square root lifts the small off-diagonal shares so that confusions are visible.
    static string Blend(double share)
    {
        var s = Math.Sqrt(Math.Clamp(share, 0, 1));
        int Mix(int from, int to) => (int)Math.Round(from + (to - from) * s);
        return $"#{Mix(0xff, 0x08):x2}{Mix(0xff, 0x30):x2}{Mix(0xff, 0x6b):x2}";
    }
}
