using Nabla.Reporting;

namespace Nabla.Tests.Reporting;

/// <summary>The pieces report pages are built from: escaping, invariant numbers, tables with right-aligned figures.</summary>
public class HtmlTests
{
    [Fact]
    public void Escape_writes_the_five_xml_entities_and_drops_what_xml_refuses()
    {
        Assert.Equal("a &amp; b &lt;i&gt; &quot;q&quot; &#39;s&#39;", Html.Escape("a & b <i> \"q\" 's'"));
        Assert.Equal("tab\there\nline\rend", Html.Escape("tab\there\nline\rend"));          // the three controls XML allows stay
        Assert.Equal("[0m red é → ∑", Html.Escape("\u001b[0m red\u0000 é → ∑\uFFFE\uFFFF"));   // ESC, NUL and the two non-characters go
        Assert.Equal("", Html.Escape(""));
        Assert.Equal("", Html.Escape(null));
    }

    [Fact]
    public void Numbers_are_invariant_and_nan_is_a_dash()
    {
        Assert.Equal("0.333333", Html.Number(1.0 / 3));   // G6 unless told
        Assert.Equal("0.500", Html.Number(0.5, "F3"));
        Assert.Equal("–", Html.Number(double.NaN, "F3"));
        Assert.Equal("97.71%", Html.Percent(0.9771));
        Assert.Equal("-2.50%", Html.Percent(-0.025));
        Assert.Equal("–", Html.Percent(double.NaN));
        Assert.Equal("101,770", Html.Count(101770));
    }

    [Fact]
    public void A_table_escapes_its_cells_and_right_aligns_those_that_start_like_a_number()
    {
        var table = Html.Table(["name", "a<b"],
        [
            ["12", "x&y"], ["-3", "–"], ["+1", ""], ["-12345678901", "-123456789012"], ["1234567890123", "abc"],
        ], "kv");
        Assert.Equal(
            "<table class=\"kv\"><thead><tr><th>name</th><th>a&lt;b</th></tr></thead><tbody>" +
            "<tr><td class=\"n\">12</td><td>x&amp;y</td></tr>" +
            "<tr><td class=\"n\">-3</td><td class=\"n\">–</td></tr>" +
            "<tr><td class=\"n\">+1</td><td></td></tr>" +
            "<tr><td class=\"n\">-12345678901</td><td>-123456789012</td></tr>" +   // a sign starts a number up to 12 characters, not a long dash line
            "<tr><td class=\"n\">1234567890123</td><td>abc</td></tr>" +
            "</tbody></table>", table);
    }

    [Fact]
    public void A_table_whose_header_cells_are_all_empty_has_no_header_row()
    {
        Assert.Equal("<table><tbody><tr><td>a</td><td class=\"n\">1</td></tr></tbody></table>", Html.Table(["", ""], [["a", "1"]]));
        Assert.Equal("<table><thead><tr><th></th><th>v</th></tr></thead><tbody></tbody></table>", Html.Table(["", "v"], []));
    }
}
