using System.Globalization;
using System.Text;

namespace Nabla.Reporting;

/// <summary>
/// The pieces the report pages are built from. Pages are XHTML-compatible HTML5 (every element closed, attributes
/// quoted, only the five XML entities), so an XML parser can check them; they hold no URL: styles inline, charts inline
/// SVG without a namespace, images as data: URIs. Every number goes through <see cref="Number"/> (invariant culture).
/// </summary>
public static class Html
{
    /// <summary>Text escaped for element content and attribute values; control characters an XML parser refuses are dropped.</summary>
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var s = new StringBuilder(text.Length);
        foreach (var c in text)
            switch (c)
            {
                case '&': s.Append("&amp;"); break;
                case '<': s.Append("&lt;"); break;
                case '>': s.Append("&gt;"); break;
                case '"': s.Append("&quot;"); break;
                case '\'': s.Append("&#39;"); break;
                case '\t' or '\n' or '\r': s.Append(c); break;
                case < ' ' or '\uFFFE' or '\uFFFF': break;   // ANSI escapes and other controls are not XML characters
                default: s.Append(c); break;
            }
        return s.ToString();
    }

    /// <summary>A number with '.' as the decimal point whatever the culture: <c>Number(0.5, "F3")</c> is "0.500".</summary>
    public static string Number(double value, string format = "G6") =>
        double.IsNaN(value) ? "–" : value.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>A fraction as a percentage with two decimals: 0.9771 → "97.71%".</summary>
    public static string Percent(double fraction) => double.IsNaN(fraction) ? "–" : Number(100 * fraction, "F2") + "%";

    /// <summary>An integer with thousands separators (invariant: 101,770).</summary>
    public static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>A table: header cells, then rows of cells; a cell that starts with a digit, sign or '–' is right-aligned.</summary>
    public static string Table(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows, string? cssClass = null)
    {
        var s = new StringBuilder();
        s.Append(cssClass is null ? "<table>" : $"<table class=\"{cssClass}\">");
        if (header.Any(h => h.Length > 0))
        {
            s.Append("<thead><tr>");
            foreach (var h in header) s.Append("<th>").Append(Escape(h)).Append("</th>");
            s.Append("</tr></thead>");
        }
        s.Append("<tbody>");
        foreach (var row in rows)
        {
            s.Append("<tr>");
            foreach (var cell in row) s.Append(IsNumeric(cell) ? "<td class=\"n\">" : "<td>").Append(Escape(cell)).Append("</td>");
            s.Append("</tr>");
        }
        s.Append("</tbody></table>");
        return s.ToString();
    }

    static bool IsNumeric(string cell) => cell.Length > 0 && (char.IsAsciiDigit(cell[0]) || (cell[0] is '-' or '–' or '+' && cell.Length <= 12));

    /// <summary>The page's shared style sheet.</summary>
    public const string Style = """
        body { font-family: "DejaVu Sans", "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: #222; margin: 0 auto; max-width: 1360px; padding: 16px 24px 48px; }
        h1 { font-size: 22px; margin: 8px 0 4px; } h2 { font-size: 18px; margin: 28px 0 10px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
        h3 { font-size: 15px; margin: 16px 0 8px; } .sub { color: #666; font-size: 13px; }
        .status { display: inline-block; padding: 1px 9px; border-radius: 10px; font-size: 13px; color: #fff; vertical-align: middle; }
        .completed { background: #2e7d32; } .failed { background: #c62828; } .cancelled { background: #ef6c00; } .running { background: #1565c0; }
        .cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 14px 0; }
        .card { border: 1px solid #ddd; border-radius: 6px; padding: 8px 14px; min-width: 120px; }
        .card span { color: #666; font-size: 12px; } .card b { display: block; font-size: 20px; font-weight: 600; }
        .row { display: flex; flex-wrap: wrap; gap: 20px; align-items: flex-start; }
        table { border-collapse: collapse; font-size: 13px; } th { text-align: left; border-bottom: 2px solid #ccc; white-space: nowrap; }
        .scroll { overflow-x: auto; max-width: 100%; }
        td, th { padding: 3px 10px; } td { border-bottom: 1px solid #eee; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
        table.kv td:first-child { color: #555; } table.kv td.n { text-align: left; } code, pre { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12px; }
        .gallery { display: flex; flex-wrap: wrap; gap: 10px; }
        .gallery figure { margin: 0; border: 1px solid #ddd; border-radius: 4px; padding: 6px; text-align: center; font-size: 12px; width: 104px; }
        .gallery img { width: 84px; height: 84px; image-rendering: pixelated; display: block; margin: 0 auto 4px; }
        .wrong { color: #c62828; font-weight: 600; } .note { color: #8a6d00; font-size: 13px; }
        pre { background: #f7f7f7; border: 1px solid #eee; padding: 8px; overflow: auto; max-height: 480px; }
        """;
}
