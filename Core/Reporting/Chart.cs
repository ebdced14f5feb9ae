using System.Globalization;
using System.Net;
using System.Text;

namespace Nabla.Reporting;

/// <summary>One named line of a chart: (x, y) points in order. Points with a non-finite y are skipped.</summary>
public sealed record Series(string Name, IReadOnlyList<(double X, double Y)> Points)
{
    public override string ToString() => $"{Name} ({Points.Count} points)";
}

/// <summary>
/// Line charts as standalone SVG (opens in any browser, embeds in HTML and Markdown): axes with rounded ticks, a
/// legend, optional logarithmic x axis (for learning-rate sweeps). No plotting library needed.
/// </summary>
public static class Chart
{
    const int Width = 640, Height = 400, Left = 64, Right = 20, Top = 36, Bottom = 52;
    static readonly string[] Colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"];

    /// <summary>An SVG line chart of <paramref name="series"/>.</summary>
    public static string Line(string title, string xLabel, string yLabel, IReadOnlyList<Series> series, bool logX = false)
    {
        var points = series.SelectMany(s => s.Points).Where(p => double.IsFinite(p.Y) && (!logX || p.X > 0)).ToArray();
        double Fx(double x) => logX ? Math.Log10(x) : x;
        var (x0, x1) = points.Length == 0 ? (0.0, 1.0) : (points.Min(p => Fx(p.X)), points.Max(p => Fx(p.X)));
        var (y0, y1) = points.Length == 0 ? (0.0, 1.0) : (points.Min(p => p.Y), points.Max(p => p.Y));
        if (x1 - x0 < 1e-12) (x0, x1) = (x0 - 0.5, x1 + 0.5);
        if (y1 - y0 < 1e-12) (y0, y1) = (y0 - 0.5, y1 + 0.5);
        var yTicks = Ticks(y0, y1);
        (y0, y1) = (Math.Min(y0, yTicks[0]), Math.Max(y1, yTicks[^1]));
        double Px(double x) => Left + (Fx(x) - x0) / (x1 - x0) * (Width - Left - Right);
        double Py(double y) => Height - Bottom - (y - y0) / (y1 - y0) * (Height - Top - Bottom);

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"""<svg xmlns="http://www.w3.org/2000/svg" width="{Width}" height="{Height}" viewBox="0 0 {Width} {Height}" font-family="sans-serif" font-size="12">""").AppendLine();
        svg.AppendLine($"""<rect width="{Width}" height="{Height}" fill="white"/>""");
        svg.AppendLine($"""<text x="{Width / 2}" y="22" text-anchor="middle" font-size="15">{Escape(title)}</text>""");
        foreach (var t in yTicks)
            svg.AppendLine(Invariant($"""<line x1="{Left}" x2="{Width - Right}" y1="{Py(t):F1}" y2="{Py(t):F1}" stroke="#e5e5e5"/><text x="{Left - 6}" y="{Py(t) + 4:F1}" text-anchor="end">{Format(t)}</text>"""));
        foreach (var t in logX ? LogTicks(x0, x1) : Ticks(x0, x1).Where(t => t >= x0 - 1e-9 && t <= x1 + 1e-9))
        {
            var px = Px(logX ? Math.Pow(10, t) : t);
            svg.AppendLine(Invariant($"""<line x1="{px:F1}" x2="{px:F1}" y1="{Top}" y2="{Height - Bottom}" stroke="#f0f0f0"/><text x="{px:F1}" y="{Height - Bottom + 16}" text-anchor="middle">{(logX ? Format(Math.Pow(10, t)) : Format(t))}</text>"""));
        }
        svg.AppendLine($"""<rect x="{Left}" y="{Top}" width="{Width - Left - Right}" height="{Height - Top - Bottom}" fill="none" stroke="#888"/>""");
        svg.AppendLine($"""<text x="{(Left + Width - Right) / 2}" y="{Height - 12}" text-anchor="middle">{Escape(xLabel)}</text>""");
        svg.AppendLine($"""<text x="16" y="{(Top + Height - Bottom) / 2}" text-anchor="middle" transform="rotate(-90 16 {(Top + Height - Bottom) / 2})">{Escape(yLabel)}</text>""");
        for (var s = 0; s < series.Count; s++)
        {
            var color = Colors[s % Colors.Length];
            var visible = series[s].Points.Where(p => double.IsFinite(p.Y) && (!logX || p.X > 0)).ToArray();
            if (visible.Length > 1)
                svg.AppendLine($"""<polyline fill="none" stroke="{color}" stroke-width="2" points="{string.Join(" ", visible.Select(p => Invariant($"{Px(p.X):F1},{Py(p.Y):F1}")))}"/>""");
            foreach (var p in visible)
                svg.AppendLine(Invariant($"""<circle cx="{Px(p.X):F1}" cy="{Py(p.Y):F1}" r="3" fill="{color}"/>"""));
            var ly = Top + 16 + 18 * s;
            svg.AppendLine($"""<line x1="{Width - Right - 150}" x2="{Width - Right - 130}" y1="{ly - 4}" y2="{ly - 4}" stroke="{color}" stroke-width="3"/><text x="{Width - Right - 124}" y="{ly}">{Escape(series[s].Name)}</text>""");
        }
        svg.AppendLine("</svg>");
        return svg.ToString();
    }

    // About five round ticks (1, 2 or 5 × 10^k apart) covering [low, high].
    static double[] Ticks(double low, double high)
    {
        var raw = (high - low) / 5;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var step = new[] { 1.0, 2.0, 5.0, 10.0 }.Select(m => m * magnitude).First(s => s >= raw);
        var first = Math.Floor(low / step) * step;
        var ticks = new List<double>();
        for (var t = first; t <= high + step * 0.5; t += step) ticks.Add(Math.Round(t / step) * step);
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
