using System.Xml.Linq;
using Nabla.Reporting;

namespace Nabla.Tests.Reporting;

/// <summary>The heat map cell by cell on a matrix whose rows have different supports (one of 10 000, one empty).</summary>
public class ConfusionMatrixChartTests
{
    // counts[true, predicted]; row shares: cat 1, 0, 0, 0 · <dog> ¼, ¾ · emu ½, ½ · yak none at all.
    static readonly ConfusionMatrix Matrix = ConfusionMatrix.FromCounts(new[,] { { 10000, 0, 0, 0 }, { 1, 3, 0, 0 }, { 0, 2, 2, 0 }, { 0, 0, 0, 0 } });
    static readonly string[] Names = ["cat", "<dog>", "emu", "yak"];

    [Fact]
    public void The_frame_and_labels_leave_room_for_the_longest_name()
    {
        // "<dog>" is 5 letters: labels 7·5 + 12 = 47 wide, so cells start at x = 28 + 47 = 75, y = 44 + 47 = 91; 4 cells of 38.
        var svg = XElement.Parse(ConfusionMatrixChart.Svg(Matrix, Names));
        Assert.Equal(("235", "251", "0 0 235 251"), (svg.Attribute("width")!.Value, svg.Attribute("height")!.Value, svg.Attribute("viewBox")!.Value));
        var texts = svg.Elements("text").Take(10).Select(t => $"{t.Attribute("x")!.Value},{t.Attribute("y")!.Value} {t.Attribute("transform")?.Value} {t.Value}").ToArray();
        Assert.Equal(
        [
            "151,16  predicted", "12,167 rotate(-90 12 167) true",
            "98,85 rotate(-90 98 85) cat", "69,114  cat", "136,85 rotate(-90 136 85) <dog>", "69,152  <dog>",
            "174,85 rotate(-90 174 85) emu", "69,190  emu", "212,85 rotate(-90 212 85) yak", "69,228  yak",
        ], texts);
        Assert.Contains("&lt;dog&gt;", ConfusionMatrixChart.Svg(Matrix, Names), StringComparison.Ordinal);
        var frame = svg.Elements("rect").Last();
        Assert.Equal(("75", "91", "152", "152", "none"), (frame.Attribute("x")!.Value, frame.Attribute("y")!.Value, frame.Attribute("width")!.Value, frame.Attribute("height")!.Value, frame.Attribute("fill")!.Value));

        // Names of one letter still get room for two: 7·2 + 12 = 26, so 2 cells make 28 + 26 + 76 + 8 = 138 × 154.
        var small = XElement.Parse(ConfusionMatrixChart.Svg(ConfusionMatrix.FromCounts(new[,] { { 1, 0 }, { 0, 1 } }), ["a", "b"]));
        Assert.Equal(("138", "154"), (small.Attribute("width")!.Value, small.Attribute("height")!.Value));
    }

    [Fact]
    public void Each_cell_shows_its_count_shaded_by_its_share_of_the_row()
    {
        var svg = XElement.Parse(ConfusionMatrixChart.Svg(Matrix, Names));
        var cells = svg.Elements("rect").Where(r => r.Element("title") is not null).ToArray();
        var counts = svg.Elements("text").Skip(10).ToArray();
        Assert.Equal(16, cells.Length);
        Assert.Equal(16, counts.Length);
        // White to #08306b by √share: ¼ → ½ of the way (#8498b5), ½ → 0.707 (#506d96), ¾ → 0.866 (#294c7f), 1 → all of it.
        Assert.Equal(
        [
            "#08306b", "#ffffff", "#ffffff", "#ffffff",
            "#8498b5", "#294c7f", "#ffffff", "#ffffff",
            "#ffffff", "#506d96", "#506d96", "#ffffff",
            "#ffffff", "#ffffff", "#ffffff", "#ffffff",
        ], cells.Select(c => c.Attribute("fill")!.Value));
        // White ink on shares above ½, grey for an empty cell, dark otherwise (½ itself is dark).
        Assert.Equal(
        [
            "#fff", "#bbb", "#bbb", "#bbb",
            "#222", "#fff", "#bbb", "#bbb",
            "#bbb", "#222", "#222", "#bbb",
            "#bbb", "#bbb", "#bbb", "#bbb",
        ], counts.Select(c => c.Attribute("fill")!.Value));
        Assert.Equal(["10000", "0", "0", "0", "1", "3", "0", "0", "0", "2", "2", "0", "0", "0", "0", "0"], counts.Select(c => c.Value));
        Assert.Equal(["9", "11"], counts.Take(2).Select(c => c.Attribute("font-size")!.Value));   // 5 digits get a smaller font
        Assert.Equal("true <dog>, predicted cat: 1 (25.00% of the row)", cells[4].Element("title")!.Value);
        Assert.Equal("true yak, predicted emu: 0 (0.00% of the row)", cells[14].Element("title")!.Value);   // an empty row: 0 of at least 1
        // Row <dog> (t = 1), column emu (p = 2): x = 75 + 2·38, y = 91 + 38; its count at the cell's centre, 4 below for the baseline.
        Assert.Equal(("151", "129", "38", "38"), (cells[6].Attribute("x")!.Value, cells[6].Attribute("y")!.Value, cells[6].Attribute("width")!.Value, cells[6].Attribute("height")!.Value));
        Assert.Equal(("170", "152"), (counts[6].Attribute("x")!.Value, counts[6].Attribute("y")!.Value));
    }

    [Fact]
    public void Names_that_do_not_match_the_classes_are_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => ConfusionMatrixChart.Svg(Matrix, ["a", "b", "c"]));
        Assert.StartsWith("ConfusionMatrixChart: 3 class names for 4 classes.", e.Message);
        Assert.Equal("names", e.ParamName);
    }
}
