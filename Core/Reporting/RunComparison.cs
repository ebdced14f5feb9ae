using System.Text;
using System.Text.Json;

namespace Nabla.Reporting;

/// <summary>
/// compare.html: several runs on one page — their loss, accuracy and learning-rate curves overlaid (one colour per run,
/// training solid, validation dashed) and a table of their settings (seed, arguments, optimizer, batch size) and final
/// figures (loss, accuracy, validation and evaluation figures, run time). Self-contained, as <see cref="RunReport"/>.
/// </summary>
public static class RunComparison
{
    /// <summary>Reads <paramref name="folders"/> and writes the comparison page to <paramref name="path"/>; returns the path.</summary>
    public static string Write(IReadOnlyList<string> folders, string path)
    {
        if (folders.Count == 0) throw new ArgumentException("RunComparison: no run folder given.", nameof(folders));
        var html = Page(folders.Select(RunRecord.Read).ToArray());
        File.WriteAllText(path + ".tmp", html);
        File.Move(path + ".tmp", path, overwrite: true);
        return path;
    }

    /// <summary>The page comparing <paramref name="runs"/>.</summary>
    public static string Page(IReadOnlyList<RunRecord> runs)
    {
        var s = new StringBuilder();
        s.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>");
        s.Append($"<title>{runs.Count} runs compared</title><style>{Html.Style}</style></head><body>");
        s.Append($"<h1>{runs.Count} runs compared</h1><div class=\"sub\">{Html.Escape(string.Join(" · ", runs.Select(r => r.Label)))}</div>");

        s.Append("<h2>Curves</h2><div class=\"row\">");
        s.Append(Overlay(runs, "Loss", "loss", m => m.Loss, m => m.ValLoss));
        if (runs.Any(r => r.Epochs.Any(e => e.Metrics.Accuracy.HasValue || e.Metrics.ValAccuracy.HasValue)))
            s.Append(Overlay(runs, "Accuracy", "accuracy", m => m.Accuracy, m => m.ValAccuracy));
        if (runs.Any(r => r.Epochs.Any(e => e.Metrics.LearningRate.HasValue)))
            s.Append(Overlay(runs, "Learning rate", "learning_rate", m => m.LearningRate, null));
        s.Append("</div>");

        s.Append("<h2>Settings and results</h2>");
        var argumentNames = runs.SelectMany(r => r.Fields("arguments").Select(a => a.Name)).Distinct().Order(StringComparer.Ordinal).ToArray();
        string[] header = ["run", "script", "status", "seed", .. argumentNames.Select(a => $"--{a}"), "optimizer", "batch size", "epochs",
            "loss", "accuracy", "val_loss", "val_accuracy", "evaluation", "run time"];
        var rows = runs.Select(r =>
        {
            var arguments = r.Fields("arguments").ToDictionary(a => a.Name, a => a.Value);
            var last = r.Epochs.Count > 0 ? r.Epochs[^1].Metrics : null;
            var fit = r.Fits.Count > 0 ? r.Fits[^1] : default;
            var evaluation = r.Evaluations.Count > 0 ? r.Evaluations[^1] : null;
            return (IReadOnlyList<string>)[
                r.Label, r.Title, r.Status, r.Text("seed"), .. argumentNames.Select(a => arguments.GetValueOrDefault(a, "")),
                RunRecord.Field(fit, "optimizer"), RunRecord.Field(fit, "batch_size"), r.Epochs.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
                last is null ? "" : Html.Number(last.Loss, "F4"), last?.Accuracy is { } a ? Html.Percent(a) : "",
                last?.ValLoss is { } vl ? Html.Number(vl, "F4") : "", last?.ValAccuracy is { } va ? Html.Percent(va) : "",
                evaluation is null ? "" : evaluation.Accuracy is { } ea ? $"{Html.Percent(ea)} ({evaluation.Dataset})"
                    : evaluation.Regression is { } rm ? $"RMSE {Html.Number(rm.Rmse, "G4")} ({evaluation.Dataset})" : "",
                r.Text("seconds") is { Length: > 0 } sec ? RunReport.Duration(sec) : ""];
        });
        s.Append("<div class=\"scroll\">").Append(Html.Table(header, rows)).Append("</div>");
        s.Append("<p class=\"sub\">Written by Nabla from each folder's run.json, metrics.jsonl and evaluation.json; regenerate with " +
                 "<code>nabla compare RUN_DIR…</code>.</p></body></html>\n");
        return s.ToString();
    }

    static string Overlay(IReadOnlyList<RunRecord> runs, string title, string y, Func<Training.EpochMetrics, double?> train, Func<Training.EpochMetrics, double?>? validation)
    {
        var series = new List<Series>();
        for (var i = 0; i < runs.Count; i++)
        {
            var t = runs[i].Timeline;
            var color = Chart.Color(i);
            Series Of(string suffix, Func<Training.EpochMetrics, double?> pick, bool dashed) =>
                new($"{runs[i].Label}{suffix}", t.Where(p => pick(p.Metrics).HasValue).Select(p => (p.X, pick(p.Metrics)!.Value)).ToArray(), dashed, color);
            series.Add(Of(validation is null ? "" : " train", train, false));
            if (validation is not null && t.Any(p => validation(p.Metrics).HasValue)) series.Add(Of(" val", validation, true));
        }
        return Chart.Line(title, "epoch", y, series, standalone: false);
    }
}
