using System.Globalization;
using System.Xml.Linq;
using Nabla.Reporting;

namespace Nabla.Tests.Reporting;

/// <summary>Charts checked coordinate by coordinate against positions computed by hand from the layout: the plot area is
/// x ∈ [64, width − 20], y ∈ [36, 348] (312 pixels high), the legend starts 52 pixels below it in rows of 18.</summary>
public class ChartGeometryTests
{
    [Fact]
    public void Flat_lines_at_zero_and_below_zero_get_a_range_around_them()
    {
        Assert.Equal(["-3", "-2.5", "-2", "-1.5", "-1"], YTicks(Parse(Chart.Line("t", "x", "y", [new("s", [(0.0, -2.0), (1.0, -2.0)])], standalone: false))));
        var atZero = YTicks(Parse(Chart.Line("t", "x", "y", [new("s", [(0.0, 0.0), (1.0, 0.0)])], standalone: false)));
        Assert.Equal("0", atZero[atZero.Length / 2]);
        Assert.Equal(["-0.6", "-0.4", "-0.2"], atZero[..3]);
    }

    static XDocument Parse(string svg) => XDocument.Parse(svg);

    static string[] YTicks(XDocument doc) => doc.Root!.Elements("text").Where(t => t.Attribute("text-anchor")?.Value == "end").Select(t => t.Value).ToArray();

    static string[] XTicks(XDocument doc) => doc.Root!.Elements("text")
        .Where(t => t.Attribute("text-anchor")?.Value == "middle" && t.Attribute("y")!.Value == "364").Select(t => t.Value).ToArray();
}
