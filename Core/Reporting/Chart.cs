using System.Globalization;
using System.Net;
using System.Text;

namespace Nabla.Reporting;

/// <summary>One named line of a chart: (x, y) points in order. Points with a non-finite y are skipped. A series may be
/// dashed (validation curves) and may name its colour (one run's curves share one in a comparison).</summary>
public sealed record Series(string Name, IReadOnlyList<(double X, double Y)> Points, bool Dashed = false, string? Color = null)
{
    /// <summary>Prints the name and point count: "loss (20 points)".</summary>
    public override string ToString() => $"{Name} ({Points.Count} points)";
}

/// <summary>
/// Line charts as SVG (a standalone file, or inline in an HTML page): axes with rounded ticks, optional logarithmic x
/// axis (for learning-rate sweeps), and a legend below the plot area, so it never covers a curve. No plotting library.
/// </summary>
public static class Chart
{
    const int PlotHeight = 312, Left = 64, Right = 20, Top = 36, LegendRow = 18, CharWidth = 7;
    static readonly string[] Colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"];

    /// <summary>The colour of the i-th series when it names none (matplotlib's default cycle).</summary>
    public static string Color(int i) => Colors[i % Colors.Length];

    /// <summary>An SVG line chart of <paramref name="series"/>, <paramref name="width"/> pixels wide. <paramref name="standalone"/>
    /// adds the SVG namespace a .svg file needs; inline in HTML it is left out (the page then holds no URL at all).</summary>
    public static string Line(string title, string xLabel, string yLabel, IReadOnlyList<Series> series, bool logX = false, bool standalone = true,
        int width = 640)
    {
        if (width < 240) throw new ArgumentOutOfRangeException(nameof(width), width, "Chart: width must be at least 240 pixels.");
        var points = series.SelectMany(s => s.Points).Where(p => double.IsFinite(p.Y) && (!logX || p.X > 0)).ToArray();
        double Fx(double x) => logX ? Math.Log10(x) : x;
        var (x0, x1) = points.Length == 0 ? (0.0, 1.0) : (points.Min(p => Fx(p.X)), points.Max(p => Fx(p.X)));
        var (y0, y1) = points.Length == 0 ? (0.0, 1.0) : (points.Min(p => p.Y), points.Max(p => p.Y));
        if (x1 - x0 < 1e-12) (x0, x1) = (x0 - 0.5, x1 + 0.5);
        if (y1 - y0 < 1e-12) (y0, y1) = y0 == 0 ? (-0.5, 0.5) : (y0 - 0.5 * Math.Abs(y0), y0 + 0.5 * Math.Abs(y0));   // a flat line mid-height
        var yTicks = Ticks(y0, y1);
        (y0, y1) = (Math.Min(y0, yTicks[0]), Math.Max(y1, yTicks[^1]));
        const int bottom = Top + PlotHeight;
        double Px(double x) => Left + (Fx(x) - x0) / (x1 - x0) * (width - Left - Right);
        double Py(double y) => bottom - (y - y0) / (y1 - y0) * PlotHeight;

        // The legend flows in rows under the x-axis label: the chart grows downwards, the plot area never shrinks.
        var legend = new List<(int Series, double X, int Row)>();
        double cursor = Left;
        var row = 0;
        for (var s = 0; s < series.Count; s++)
        {
            var entry = 34 + CharWidth * series[s].Name.Length;
            if (cursor > Left && cursor + entry > width - Right) (cursor, row) = (Left, row + 1);
            legend.Add((s, cursor, row));
            cursor += entry + 12;
        }
        var legendTop = bottom + 52;
        var height = legendTop + (series.Count == 0 ? 0 : (row + 1) * LegendRow) + 6;

        var svg = new StringBuilder();
        svg.Append(Invariant($"""<svg {(standalone ? "xmlns=\"http://www.w3.org/2000/svg\" " : "")}width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">""")).AppendLine();
        svg.AppendLine(Invariant($"""<rect width="{width}" height="{height}" fill="white"/>"""));
        svg.AppendLine(Invariant($"""<text x="{width / 2}" y="22" text-anchor="middle" font-size="15">{Escape(title)}</text>"""));
        foreach (var t in yTicks)
            svg.AppendLine(Invariant($"""<line x1="{Left}" x2="{width - Right}" y1="{Py(t):F1}" y2="{Py(t):F1}" stroke="#e5e5e5"/><text x="{Left - 6}" y="{Py(t) + 4:F1}" text-anchor="end">{Format(t)}</text>"""));
        // Whole-number x (epochs) gets whole-number ticks: no "epoch 1.5".
        var whole = !logX && points.All(p => p.X == Math.Round(p.X));
        foreach (var t in logX ? LogTicks(x0, x1) : Ticks(x0, x1, whole).Where(t => t >= x0 - 1e-9 && t <= x1 + 1e-9))
        {
            var px = Px(logX ? Math.Pow(10, t) : t);
            svg.AppendLine(Invariant($"""<line x1="{px:F1}" x2="{px:F1}" y1="{Top}" y2="{bottom}" stroke="#f0f0f0"/><text x="{px:F1}" y="{bottom + 16}" text-anchor="middle">{(logX ? Format(Math.Pow(10, t)) : Format(t))}</text>"""));
        }
        svg.AppendLine(Invariant($"""<rect x="{Left}" y="{Top}" width="{width - Left - Right}" height="{PlotHeight}" fill="none" stroke="#888"/>"""));
        svg.AppendLine(Invariant($"""<text x="{(Left + width - Right) / 2}" y="{bottom + 36}" text-anchor="middle">{Escape(xLabel)}</text>"""));
        svg.AppendLine(Invariant($"""<text x="16" y="{Top + PlotHeight / 2}" text-anchor="middle" transform="rotate(-90 16 {Top + PlotHeight / 2})">{Escape(yLabel)}</text>"""));
        for (var s = 0; s < series.Count; s++)
        {
            var color = series[s].Color ?? Color(s);
            var dash = series[s].Dashed ? " stroke-dasharray=\"6 4\"" : "";
            var visible = series[s].Points.Where(p => double.IsFinite(p.Y) && (!logX || p.X > 0)).ToArray();
            if (visible.Length > 1)
                svg.AppendLine($"""<polyline fill="none" stroke="{color}" stroke-width="2"{dash} points="{string.Join(" ", visible.Select(p => Invariant($"{Px(p.X):F1},{Py(p.Y):F1}")))}"/>""");
            if (visible.Length <= 60)   // markers only while they stay apart
                foreach (var p in visible)
                    svg.AppendLine(Invariant($"""<circle cx="{Px(p.X):F1}" cy="{Py(p.Y):F1}" r="3" fill="{color}"/>"""));
        }
        foreach (var (s, lx, r) in legend)
        {
            var ly = legendTop + r * LegendRow;
            var dash = series[s].Dashed ? " stroke-dasharray=\"6 4\"" : "";
            var color = series[s].Color ?? Color(s);
            svg.AppendLine(Invariant($"""<line x1="{lx:F1}" x2="{lx + 26:F1}" y1="{ly - 4}" y2="{ly - 4}" stroke="{color}" stroke-width="3"{dash}/><text x="{lx + 32:F1}" y="{ly}">{Escape(series[s].Name)}</text>"""));
        }
        svg.AppendLine("</svg>");
        return svg.ToString();
    }

    // About five round ticks (1, 2 or 5 × 10^k apart, at least 1 when whole) covering [low, high].
    static double[] Ticks(double low, double high, bool whole = false)
    {
        var raw = (high - low) / 5;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        // Stryker disable once Linq : equivalent; 10 · 10^⌊log10 raw⌋ > raw, so some step always qualifies and First never throws
        var step = new[] { 1.0, 2.0, 5.0, 10.0 }.Select(m => m * magnitude).First(s => s >= raw);
        if (whole) step = Math.Max(1, Math.Round(step));
        var first = Math.Floor(low / step) * step;
        var ticks = new List<double>();
        for (var t = first; t <= high + step * 0.5; t += step) ticks.Add(Math.Round(t / step) * step + 0.0);   // + 0 turns −0 (a sum a hair below 0) into 0: no "-0" label
        return ticks.ToArray();
    }

    static IEnumerable<double> LogTicks(double low, double high)
    {
        for (var k = Math.Ceiling(low - 1e-9); k <= high + 1e-9; k++) yield return k;
    }

    static string Format(double v) => Math.Abs(v) is >= 1e-3 and < 1e5 or 0 ? v.ToString("0.####", CultureInfo.InvariantCulture) : v.ToString("0.#e0", CultureInfo.InvariantCulture);

    static string Escape(string text) => WebUtility.HtmlEncode(text);

    static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
