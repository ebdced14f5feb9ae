using System.Globalization;
using System.Xml.Linq;
using Nabla.Reporting;

namespace Nabla.Tests.Reporting;

/// <summary>Charts checked coordinate by coordinate against positions computed by hand from the layout: the plot area is
/// x ∈ [64, width − 20], y ∈ [36, 348] (312 pixels high), the legend starts 52 pixels below it in rows of 18.</summary>
public class ChartGeometryTests
{
    [Fact]
    public void A_small_chart_is_drawn_exactly_where_the_layout_puts_it()
    {
        // x ∈ [1, 3] → [64, 380]: px = 64 + (x − 1)/2 · 316. y ∈ [0.3, 0.9]: ticks 0.2 apart (0.12 is the raw fifth) from
        // 0.2 to 1.0, which widen the range to [0.2, 1.0] → [348, 36]: py = 348 − (y − 0.2)/0.8 · 312.
        var svg = Chart.Line("Loss & <more>", "epoch", "loss",
        [
            new("train", [(1.0, 0.9), (2.0, 0.5), (3.0, 0.3)]),
            new("val", [(1.0, 0.8), (2.0, double.NaN), (3.0, 0.5)], Dashed: true, Color: "#123456"),
        ], width: 400);
        string[] expected =
        [
            // the legend is one row ("train" 34 + 5·7 = 69 pixels, then 12, then "val"): 348 + 52 + 18 + 6 = 424 high
            """<svg xmlns="http://www.w3.org/2000/svg" width="400" height="424" viewBox="0 0 400 424" font-family="sans-serif" font-size="12">""",
            """<rect width="400" height="424" fill="white"/>""",
            """<text x="200" y="22" text-anchor="middle" font-size="15">Loss &amp; &lt;more&gt;</text>""",
            """<line x1="64" x2="380" y1="348.0" y2="348.0" stroke="#e5e5e5"/><text x="58" y="352.0" text-anchor="end">0.2</text>""",
            """<line x1="64" x2="380" y1="270.0" y2="270.0" stroke="#e5e5e5"/><text x="58" y="274.0" text-anchor="end">0.4</text>""",
            """<line x1="64" x2="380" y1="192.0" y2="192.0" stroke="#e5e5e5"/><text x="58" y="196.0" text-anchor="end">0.6</text>""",
            """<line x1="64" x2="380" y1="114.0" y2="114.0" stroke="#e5e5e5"/><text x="58" y="118.0" text-anchor="end">0.8</text>""",
            """<line x1="64" x2="380" y1="36.0" y2="36.0" stroke="#e5e5e5"/><text x="58" y="40.0" text-anchor="end">1</text>""",
            // whole-number x: a step of 1 (the raw 0.4 rounds to 0, and a step is at least 1)
            """<line x1="64.0" x2="64.0" y1="36" y2="348" stroke="#f0f0f0"/><text x="64.0" y="364" text-anchor="middle">1</text>""",
            """<line x1="222.0" x2="222.0" y1="36" y2="348" stroke="#f0f0f0"/><text x="222.0" y="364" text-anchor="middle">2</text>""",
            """<line x1="380.0" x2="380.0" y1="36" y2="348" stroke="#f0f0f0"/><text x="380.0" y="364" text-anchor="middle">3</text>""",
            """<rect x="64" y="36" width="316" height="312" fill="none" stroke="#888"/>""",
            """<text x="222" y="384" text-anchor="middle">epoch</text>""",
            """<text x="16" y="192" text-anchor="middle" transform="rotate(-90 16 192)">loss</text>""",
            // 0.9 → 75, 0.5 → 231, 0.3 → 309; the NaN point is left out of the dashed line and its markers
            """<polyline fill="none" stroke="#1f77b4" stroke-width="2" points="64.0,75.0 222.0,231.0 380.0,309.0"/>""",
            """<circle cx="64.0" cy="75.0" r="3" fill="#1f77b4"/>""",
            """<circle cx="222.0" cy="231.0" r="3" fill="#1f77b4"/>""",
            """<circle cx="380.0" cy="309.0" r="3" fill="#1f77b4"/>""",
            """<polyline fill="none" stroke="#123456" stroke-width="2" stroke-dasharray="6 4" points="64.0,114.0 380.0,231.0"/>""",
            """<circle cx="64.0" cy="114.0" r="3" fill="#123456"/>""",
            """<circle cx="380.0" cy="231.0" r="3" fill="#123456"/>""",
            """<line x1="64.0" x2="90.0" y1="396" y2="396" stroke="#1f77b4" stroke-width="3"/><text x="96.0" y="400">train</text>""",
            """<line x1="145.0" x2="171.0" y1="396" y2="396" stroke="#123456" stroke-width="3" stroke-dasharray="6 4"/><text x="177.0" y="400">val</text>""",
            "</svg>",
            "",
        ];
        Assert.Equal(expected, svg.Split(Environment.NewLine));
    }

    [Fact]
    public void Without_points_the_axes_span_zero_to_one_and_without_series_there_is_no_legend_row()
    {
        var doc = Parse(Chart.Line("t", "x", "y", [new("empty", [])], standalone: false));
        Assert.Null(doc.Root!.Attribute("xmlns"));
        Assert.Equal(["0", "0.2", "0.4", "0.6", "0.8", "1"], YTicks(doc));
        Assert.Equal(["0", "1"], XTicks(doc));   // no point has a fraction: whole ticks
        Assert.Empty(doc.Descendants("circle"));
        Assert.Equal("424", doc.Root!.Attribute("height")!.Value);   // one legend row
        Assert.Equal("406", Parse(Chart.Line("t", "x", "y", [], standalone: false)).Root!.Attribute("height")!.Value);
    }

    [Fact]
    public void A_single_point_sits_in_the_middle_of_ranges_widened_around_it()
    {
        // x widens to [1.5, 2.5] → the one whole tick 2, at 64 + 556/2; y = 5 widens by half of 5 to [2.5, 7.5], ticks 2 … 8.
        var doc = Parse(Chart.Line("t", "x", "y", [new("s", [(2.0, 5.0)])], standalone: false));
        Assert.Equal(["2"], XTicks(doc));
        Assert.Equal(["2", "3", "4", "5", "6", "7", "8"], YTicks(doc));
        Assert.Empty(doc.Descendants("polyline"));   // one point is a marker, not a line
        var marker = doc.Descendants("circle").Single();
        Assert.Equal(("342.0", "192.0"), (marker.Attribute("cx")!.Value, marker.Attribute("cy")!.Value));
    }

    [Fact]
    public void Flat_lines_at_zero_and_below_zero_get_a_range_around_them()
    {
        Assert.Equal(["-3", "-2.5", "-2", "-1.5", "-1"], YTicks(Parse(Chart.Line("t", "x", "y", [new("s", [(0.0, -2.0), (1.0, -2.0)])], standalone: false))));
        var atZero = YTicks(Parse(Chart.Line("t", "x", "y", [new("s", [(0.0, 0.0), (1.0, 0.0)])], standalone: false)));
        Assert.Equal("0", atZero[atZero.Length / 2]);
        Assert.Equal(["-0.6", "-0.4", "-0.2"], atZero[..3]);
    }

    [Fact]
    public void Ranges_narrower_than_a_trillionth_count_as_flat()
    {
        // x ∈ [0, 1e-12] is not flat (exactly at the bound): its ticks are those of [0, 1e-12]; just under it, [−0.5, 0.5].
        Assert.Equal(["0", "2e-13", "4e-13", "6e-13", "8e-13", "1e-12"], XTicks(Parse(Chart.Line("t", "x", "y", [new("s", [(0.0, 1.0), (1e-12, 2.0)])], standalone: false))));
        Assert.Equal(["-0.5", "0", "0.5"], XTicks(Parse(Chart.Line("t", "x", "y", [new("s", [(0.0, 1.0), (0.9e-12, 2.0)])], standalone: false))));
        Assert.Equal(["0", "2e-13", "4e-13", "6e-13", "8e-13", "1e-12"], YTicks(Parse(Chart.Line("t", "x", "y", [new("s", [(0.0, 0.0), (1.0, 1e-12)])], standalone: false))));
    }

    [Fact]
    public void Fractional_x_gets_round_ticks_inside_the_data_range_only()
    {
        // [0.3, 2.3]: raw fifth 0.4 → step 0.5 from 0; 0 and 2.5 fall outside the data and are not drawn.
        var doc = Parse(Chart.Line("t", "x", "y", [new("s", [(0.3, 1.0), (1.0, 1.5), (2.3, 2.0)])], standalone: false));
        Assert.Equal(["0.5", "1", "1.5", "2"], XTicks(doc));   // one whole x among fractions does not make the axis whole
        // A tick exactly at either end of the data is drawn: x from 1e-9 has a tick at 0 (1e-9 − 1e-9 is exactly 0), x up to −1e-9 too.
        Assert.Equal(["0", "0.2", "0.4", "0.6", "0.8", "1"], XTicks(Parse(Chart.Line("t", "x", "y", [new("s", [(1e-9, 1.0), (1.0, 2.0)])], standalone: false))));
        Assert.Equal(["-1", "-0.8", "-0.6", "-0.4", "-0.2", "0"], XTicks(Parse(Chart.Line("t", "x", "y", [new("s", [(-1.0, 1.0), (-1e-9, 2.0)])], standalone: false))));
        // x ∈ [1, 20] in whole epochs: step 5 (raw 3.8), ticks from 0, of which 5 … 20 are in range.
        Assert.Equal(["5", "10", "15", "20"], XTicks(Parse(Chart.Line("t", "x", "y", [new("s", [(1.0, 1.0), (20.0, 2.0)])], standalone: false))));
    }

    [Fact]
    public void The_ticks_reach_the_top_of_the_data()
    {
        // y ∈ [0, 0.45]: step 0.1 (the raw fifth is 0.09); the last tick, 0.5, lies exactly half a step above the data, and is kept.
        Assert.Equal(["0", "0.1", "0.2", "0.3", "0.4", "0.5"], YTicks(Parse(Chart.Line("t", "x", "y", [new("s", [(0.0, 0.0), (1.0, 0.45)])], standalone: false))));
        // A log axis draws the decade that the data misses by a hair: log10 9.99999997697415 = 0.999999999, one billionth short of 1.
        Assert.Equal(["1", "10"], XTicks(Parse(Chart.Line("t", "x", "y", [new("s", [(1.0, 1.0), (9.99999997697415, 2.0)])], logX: true, standalone: false))));
    }

    [Fact]
    public void Tick_labels_switch_to_exponents_outside_a_thousandth_to_a_hundred_thousand()
    {
        Assert.Equal(["0", "50000", "1e5", "1.5e5", "2e5"], YTicks(Parse(Chart.Line("t", "x", "y", [new("s", [(0.0, 0.0), (1.0, 2e5)])], standalone: false))));
        Assert.Equal(["0", "0.001", "0.002", "0.003", "0.004", "0.005"], YTicks(Parse(Chart.Line("t", "x", "y", [new("s", [(0.0, 0.0), (1.0, 0.005)])], standalone: false))));
        Assert.Equal(["0", "2e-4", "4e-4", "6e-4", "8e-4", "0.001"], YTicks(Parse(Chart.Line("t", "x", "y", [new("s", [(0.0, 0.0), (1.0, 0.001)])], standalone: false)))[..6]);
    }

    [Fact]
    public void A_log_axis_has_a_tick_at_each_power_of_ten_and_leaves_out_x_at_or_below_zero()
    {
        // log10 x ∈ [−3, 0] → [64, 620]: one decade is 556/3 pixels.
        var doc = Parse(Chart.Line("t", "x", "y", [new("s", [(-1.0, 9.0), (0.0, 9.0), (1e-3, 1.0), (1e-2, 2.0), (1.0, 3.0)])], logX: true, standalone: false));
        Assert.Equal(["0.001", "0.01", "0.1", "1"], XTicks(doc));
        Assert.Equal(["64.0", "249.3", "434.7", "620.0"], doc.Root!.Elements("text").Where(t => t.Attribute("text-anchor")?.Value == "middle" && t.Attribute("font-size") is null && t.Attribute("transform") is null && t.Attribute("y")!.Value == "364").Select(t => t.Attribute("x")!.Value));
        Assert.Equal("64.0,348.0 249.3,192.0 620.0,36.0", doc.Descendants("polyline").Single().Attribute("points")!.Value);   // y 1 … 3, the 9s left out
        // The same points on a linear axis keep x = −1 and 0.
        Assert.Equal(5, Parse(Chart.Line("t", "x", "y", [new("s", [(-1.0, 9.0), (0.0, 9.0), (1e-3, 1.0), (1e-2, 2.0), (1.0, 3.0)])], standalone: false)).Descendants("circle").Count());
    }

    [Fact]
    public void Markers_are_drawn_up_to_sixty_points()
    {
        Series Of(int n) => new("s", Enumerable.Range(0, n).Select(i => ((double)i, (double)(i % 3))).ToArray());
        Assert.Equal(60, Parse(Chart.Line("t", "x", "y", [Of(60)], standalone: false)).Descendants("circle").Count());
        Assert.Empty(Parse(Chart.Line("t", "x", "y", [Of(61)], standalone: false)).Descendants("circle"));
    }

    [Fact]
    public void Legend_entries_wrap_to_a_new_row_only_when_the_row_has_one_already()
    {
        // Legend rows run from x = 64 to width − 20. A 40-letter name (34 + 280 pixels) is too wide for any row: it still takes the first.
        var wide = Parse(Chart.Line("t", "x", "y", [new(new string('w', 40), [])], standalone: false, width: 240));
        Assert.Equal("424", wide.Root!.Attribute("height")!.Value);
        // Width 241: "aaaaaaaaaa" (34 + 70 = 104 pixels, then 12) and "bbbbbbbbbb" reach 64 + 116 + 104 = 284 > 221: two rows;
        // "c" (41) then ends exactly at the edge, 180 + 41 = 221, and stays beside "b".
        var rows = Parse(Chart.Line("t", "x", "y", [new("aaaaaaaaaa", []), new("bbbbbbbbbb", []), new("c", [])], standalone: false, width: 241));
        Assert.Equal("442", rows.Root!.Attribute("height")!.Value);
        var keys = rows.Root!.Elements("line").Where(l => l.Attribute("stroke-width")?.Value == "3").Select(l => (l.Attribute("x1")!.Value, l.Attribute("y1")!.Value, l.Attribute("stroke")!.Value));
        Assert.Equal([("64.0", "396", "#1f77b4"), ("64.0", "414", "#ff7f0e"), ("180.0", "414", "#2ca02c")], keys);
        // "ccccc" (34 + 35 = 69) would end at 249, past the edge at 221 by less than the right margin: a third row.
        var third = Parse(Chart.Line("t", "x", "y", [new("aaaaaaaaaa", []), new("bbbbbbbbbb", []), new("ccccc", [])], standalone: false, width: 241));
        Assert.Equal("460", third.Root!.Attribute("height")!.Value);
    }

    [Fact]
    public void Charts_narrower_than_240_pixels_are_refused_and_colours_cycle_after_eight()
    {
        Assert.Contains("Chart: width must be at least 240 pixels.", Assert.Throws<ArgumentOutOfRangeException>(() => Chart.Line("t", "x", "y", [], width: 239)).Message);
        Assert.Equal("240", Parse(Chart.Line("t", "x", "y", [], standalone: false, width: 240)).Root!.Attribute("width")!.Value);
        Assert.Equal(["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#1f77b4", "#ff7f0e"], Enumerable.Range(0, 10).Select(Chart.Color));
        Assert.Equal("loss (2 points)", new Series("loss", [(1.0, 1.0), (2.0, 0.5)]).ToString());
    }

    static XDocument Parse(string svg) => XDocument.Parse(svg);

    static string[] YTicks(XDocument doc) => doc.Root!.Elements("text").Where(t => t.Attribute("text-anchor")?.Value == "end").Select(t => t.Value).ToArray();

    static string[] XTicks(XDocument doc) => doc.Root!.Elements("text")
        .Where(t => t.Attribute("text-anchor")?.Value == "middle" && t.Attribute("y")!.Value == "364").Select(t => t.Value).ToArray();
}
