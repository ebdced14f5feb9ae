using System.Text;
using System.Text.Json;
using Nabla.Evaluation;

namespace Nabla.Reporting;

/// <summary>
/// report.html: one self-contained page that explains a run from its folder alone (see <see cref="RunRecord"/>) —
/// loss, accuracy and learning-rate curves, each evaluation (figures, confusion-matrix heat map, per-class table, the
/// most confident mistakes as images), the model summary, the settings, timings and manifest, and the console output.
/// No network, no script, no URL: it opens offline in any browser.
/// </summary>
public static class RunReport
{
    /// <summary>Reads <paramref name="folder"/> and writes its report.html; returns the path.</summary>
    public static string Write(string folder)
    {
        var html = Page(RunRecord.Read(folder));
        var path = Path.Combine(folder, RunRecord.ReportFile);
        File.WriteAllText(path + ".tmp", html);
        File.Move(path + ".tmp", path, overwrite: true);
        return path;
    }

    /// <summary>The page for <paramref name="run"/>.</summary>
    public static string Page(RunRecord run)
    {
        var s = new StringBuilder();
        var status = run.Status is { Length: > 0 } st ? st : "unknown";
        s.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>");
        s.Append($"<title>{Html.Escape(run.Title)} · {Html.Escape(run.Label)}</title><style>{Html.Style}</style></head><body>");
        s.Append($"<h1>{Html.Escape(run.Title)} <span class=\"status {Html.Escape(status)}\">{Html.Escape(status)}</span></h1>");
        s.Append($"<div class=\"sub\">{Html.Escape(run.Label)} · started {Html.Escape(run.Text("start_time"))}");
        if (run.Text("seconds") is { Length: > 0 } seconds) s.Append($" · {Html.Escape(Duration(seconds))}");
        s.Append($" · seed {Html.Escape(run.Text("seed"))}</div>");
        if (run.Text("error") is { Length: > 0 } error) s.Append($"<p class=\"wrong\">{Html.Escape(error)}</p>");
        Cards(s, run);

        s.Append("<h2>Training</h2>");
        if (run.Epochs.Count == 0) s.Append("<p class=\"sub\">No epoch finished (metrics.jsonl is empty).</p>");
        else
        {
            s.Append("<div class=\"row\">");
            foreach (var chart in Curves(run)) s.Append(chart);
            s.Append("</div>");
        }

        foreach (var evaluation in run.Evaluations) Evaluation(s, evaluation);

        Model(s, run);
        Settings(s, run);
        Timings(s, run);
        Manifest(s, run);
        if (run.OutputLog is { } log)
            s.Append($"<h2>Console output</h2><details><summary>output.log ({log.Split('\n').Length - 1} lines)</summary><pre>{Html.Escape(log)}</pre></details>");
        s.Append($"<p class=\"sub\">Written by Nabla from {Html.Escape(RunRecord.ManifestFile)}, {Html.Escape(RunRecord.MetricsFile)}" +
                 $"{(run.Evaluations.Count > 0 ? $", {EvaluationFile.Name}" : "")}{(run.OutputLog is null ? "" : $", {RunRecord.LogFile}")}; " +
                 "regenerate with <code>nabla report RUN_DIR</code>.</p>");
        s.Append("</body></html>\n");
        return s.ToString();
    }

    static void Cards(StringBuilder s, RunRecord run)
    {
        var cards = new List<(string Name, string Value)>();
        foreach (var e in run.Evaluations)
        {
            if (e.Accuracy is { } a) cards.Add(($"accuracy · {e.Dataset}", Html.Percent(a)));
            if (e.Regression is { } r) cards.Add(($"RMSE · {e.Dataset}", Html.Number(r.Rmse, "G4")));
        }
        if (run.Epochs.Count > 0)
        {
            var last = run.Epochs[^1].Metrics;
            if (last.ValAccuracy is { } va) cards.Add(("val_accuracy", Html.Percent(va)));
            if (last.ValLoss is { } vl) cards.Add(("val_loss", Html.Number(vl, "F4")));
            cards.Add(("loss", Html.Number(last.Loss, "F4")));
            cards.Add(("epochs", run.Epochs.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
        if (run.Text("seconds") is { Length: > 0 } seconds) cards.Add(("run time", Duration(seconds)));
        s.Append("<div class=\"cards\">");
        foreach (var (name, value) in cards) s.Append($"<div class=\"card\"><span>{Html.Escape(name)}</span><b>{Html.Escape(value)}</b></div>");
        s.Append("</div>");
    }

    const int ChartWidth = 430;   // three charts side by side on a 1360-pixel page

    /// <summary>The loss, accuracy and learning-rate charts of a run (training solid, validation dashed).</summary>
    public static IEnumerable<string> Curves(RunRecord run)
    {
        var t = run.Timeline;
        static Series Line(string name, IEnumerable<(double X, double? Y)> points, bool dashed, int color) =>
            new(name, points.Where(p => p.Y.HasValue).Select(p => (p.X, p.Y!.Value)).ToArray(), dashed, Chart.Color(color));
        yield return Chart.Line("Loss", "epoch", "loss",
            [Line("loss", t.Select(p => (p.X, (double?)p.Metrics.Loss)), false, 0), Line("val_loss", t.Select(p => (p.X, p.Metrics.ValLoss)), true, 1)], standalone: false, width: ChartWidth);
        if (t.Any(p => p.Metrics.Accuracy.HasValue || p.Metrics.ValAccuracy.HasValue))
            yield return Chart.Line("Accuracy", "epoch", "accuracy",
                [Line("accuracy", t.Select(p => (p.X, p.Metrics.Accuracy)), false, 0), Line("val_accuracy", t.Select(p => (p.X, p.Metrics.ValAccuracy)), true, 1)], standalone: false, width: ChartWidth);
        if (t.Any(p => p.Metrics.LearningRate.HasValue))
            yield return Chart.Line("Learning rate", "epoch", "learning_rate (at the epoch's end)",
                [Line("learning_rate", t.Select(p => (p.X, p.Metrics.LearningRate)), false, 2)], standalone: false, width: ChartWidth);
    }

    static void Evaluation(StringBuilder s, EvaluationResult e)
    {
        s.Append($"<h2>Evaluation · {Html.Escape(e.Dataset)}</h2>");
        var figures = new List<IReadOnlyList<string>> { new[] { "samples", Html.Count(e.Samples) }, new[] { e.LossName, Html.Number(e.Loss, "F4") } };
        if (e.Accuracy is { } accuracy) figures.Add(["accuracy", Html.Percent(accuracy)]);
        if (e.Classification is { } c)
            for (var k = 2; k <= c.TopKAccuracy.Count; k++) figures.Add([$"top-{k} accuracy", Html.Percent(c.TopKAccuracy[k - 1])]);
        if (e.Regression is { } r)
        {
            figures.Add(["MAE", Html.Number(r.Mae, "G5")]);
            figures.Add(["RMSE", Html.Number(r.Rmse, "G5")]);
            figures.Add(["R²", Html.Number(r.R2, "F4")]);
            if (r.WithinTolerance is { } within) figures.Add([$"within ±{Html.Number(r.Tolerance ?? 0, "G4")}", Html.Percent(within)]);
        }
        if (e.Classification is not { } classification)
        {
            s.Append(Html.Table(["figure", "value"], figures, "kv"));
            return;
        }
        var matrix = classification.ConfusionMatrix;
        var report = classification.Report;
        s.Append("<div class=\"row\"><div>").Append(Html.Table(["figure", "value"], figures, "kv")).Append("</div>");
        s.Append("<div><h3>Confusion matrix</h3>").Append(ConfusionMatrixChart.Svg(matrix, classification.ClassNames))
         .Append("<div class=\"sub\">rows: true class · columns: predicted · shade: share of the row</div></div>");
        var rows = report.Classes.Select(c => (IReadOnlyList<string>)[c.Name, Html.Number(c.Precision, "F4"), Html.Number(c.Recall, "F4"), Html.Number(c.F1, "F4"), Html.Count(c.Support)]).ToList();
        rows.Add(["accuracy", "", "", Html.Number(report.Accuracy, "F4"), Html.Count(report.MacroAverage.Support)]);
        foreach (var a in new[] { report.MacroAverage, report.WeightedAverage })
            rows.Add([a.Name, Html.Number(a.Precision, "F4"), Html.Number(a.Recall, "F4"), Html.Number(a.F1, "F4"), Html.Count(a.Support)]);
        s.Append("<div><h3>Per class</h3>").Append(Html.Table(["class", "precision", "recall", "f1-score", "support"], rows));
        foreach (var note in report.Notes) s.Append($"<p class=\"note\">{Html.Escape(note)}</p>");
        s.Append("</div></div>");

        s.Append($"<h3>Misclassified: {Html.Count(classification.MistakeCount)} of {Html.Count(e.Samples)}" +
                 (classification.Mistakes.Count < classification.MistakeCount ? $", the {classification.Mistakes.Count} most confident" : "") + "</h3>");
        if (classification.Mistakes.Count == 0) { s.Append("<p class=\"sub\">None.</p>"); return; }
        s.Append("<div class=\"gallery\">");
        var names = classification.ClassNames;
        foreach (var m in classification.Mistakes)
        {
            var top = string.Join(", ", m.Top.Select(t => $"{names[t.Class]} {Html.Percent(t.Probability)}"));
            s.Append($"<figure title=\"sample {m.Index}: {Html.Escape(top)}\">");
            if (m.Pixels is { } pixels && classification.Images is { } shape)
                s.Append($"<img alt=\"sample {m.Index}\" src=\"{Png.DataUri(Png.Grayscale(pixels, shape.Width, shape.Height))}\"/>");
            s.Append($"<figcaption>true <b>{Html.Escape(names[m.Label])}</b><br/>predicted <span class=\"wrong\">{Html.Escape(names[m.Predicted])}</span><br/>" +
                     $"{Html.Percent(m.Confidence)} · #{m.Index}</figcaption></figure>");
        }
        s.Append("</div>");
    }

    static void Model(StringBuilder s, RunRecord run)
    {
        var fits = run.Fits;
        if (fits.Count == 0 || !fits[^1].TryGetProperty("model", out var model)) return;
        s.Append("<h2>Model</h2>");
        var rows = model.GetProperty("layers").EnumerateArray().Select((l, i) => (IReadOnlyList<string>)[
            i.ToString(System.Globalization.CultureInfo.InvariantCulture), l.GetProperty("layer").GetString() ?? "",
            Batch(l, "output_shape", "outputs"), Html.Count(l.GetProperty("parameters").GetInt64())]).ToList();
        s.Append($"<div class=\"sub\">input {Batch(model, "input_shape", "inputs")}</div>");
        s.Append(Html.Table(["#", "layer", "output shape", "params"], rows));
        s.Append($"<p>Total params: {Html.Count(model.GetProperty("total_parameters").GetInt64())} ({Html.Count(model.GetProperty("bytes").GetInt64())} bytes)</p>");
    }

    // "(batch, 32, 28, 28)" from a sample shape, as the console summary prints it; "(batch, 784)" from a width alone (runs
    // recorded before sample shapes were).
    static string Batch(JsonElement element, string shape, string width) =>
        element.TryGetProperty(shape, out var dims) && dims.ValueKind == JsonValueKind.Array
            ? $"(batch, {string.Join(", ", dims.EnumerateArray().Select(d => d.GetInt32()))})"
            : $"(batch, {element.GetProperty(width).GetInt32()})";

    static void Settings(StringBuilder s, RunRecord run)
    {
        s.Append("<h2>Settings</h2><div class=\"row\">");
        var fits = run.Fits;
        if (fits.Count > 0)
        {
            var rows = fits.Select((f, i) => (IReadOnlyList<string>)[
                (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), RunRecord.Field(f, "optimizer"), RunRecord.Field(f, "loss"),
                RunRecord.Field(f, "epochs"), RunRecord.Field(f, "batch_size"), RunRecord.Field(f, "train_samples"),
                RunRecord.Field(f, "validation_samples")]);
            s.Append("<div><h3>Fit</h3>").Append(Html.Table(["fit", "optimizer", "loss", "epochs", "batch size", "training samples", "validation samples"], rows)).Append("</div>");
        }
        var arguments = run.Fields("arguments");
        var given = run.Fields("given_arguments").Select(a => a.Name).ToHashSet();
        s.Append("<div><h3>Arguments</h3>");
        s.Append(arguments.Count == 0 ? "<p class=\"sub\">The script reads none.</p>"
            : Html.Table(["argument", "value", ""], arguments.Select(a => (IReadOnlyList<string>)[$"--{a.Name}", a.Value, given.Contains(a.Name) ? "given" : "default"]), "kv"));
        s.Append("</div><div><h3>Run</h3>");
        s.Append(Html.Table(["", ""], new string[][]
        {
            ["seed", run.Text("seed")], ["command line", CommandLine(run)], ["backend", run.Text("backend")],
            ["threads", run.Text("threads") is { Length: > 0 } t ? t : "all cores"], ["processors", run.Text("processors")],
        }.Select(r => (IReadOnlyList<string>)r), "kv"));
        s.Append("</div></div>");
    }

    static void Timings(StringBuilder s, RunRecord run)
    {
        s.Append("<h2>Timings</h2><div class=\"row\"><div>");
        var compile = run.Manifest.ValueKind == JsonValueKind.Object && run.Manifest.TryGetProperty("compile", out var c) ? c : default;
        var epochSeconds = run.Epochs.Sum(e => e.Metrics.Seconds);
        s.Append(Html.Table(["", ""], new string[][]
        {
            ["started", run.Text("start_time")], ["ended", run.Text("end_time")],
            ["run time", run.Text("seconds") is { Length: > 0 } total ? Duration(total) : "–"],
            ["script", compile.ValueKind == JsonValueKind.Object
                ? (compile.GetProperty("cached").GetBoolean() ? "loaded from the cache in " : "compiled in ") + Html.Number(compile.GetProperty("seconds").GetDouble(), "F2") + " s" : "–"],
            ["training", $"{Html.Number(epochSeconds, "F1")} s in {run.Epochs.Count} epochs" + (run.Epochs.Count > 0 ? $" ({Html.Number(epochSeconds / run.Epochs.Count, "F2")} s each)" : "")],
        }.Select(r => (IReadOnlyList<string>)r), "kv"));
        s.Append("</div><div>");
        if (run.Epochs.Count > 0)
        {
            var multi = run.Epochs.Any(e => e.Fit > 1);
            var rows = run.Epochs.Select(e => (IReadOnlyList<string>)[
                (multi ? $"{e.Fit}." : "") + e.Metrics.Epoch.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Html.Number(e.Metrics.Loss, "F4"), Optional(e.Metrics.Accuracy, true), Optional(e.Metrics.ValLoss, false), Optional(e.Metrics.ValAccuracy, true),
                e.Metrics.LearningRate is { } lr ? Html.Number(lr, "G4") : "", Html.Number(e.Metrics.Seconds, "F2")]);
            s.Append(Html.Table([multi ? "fit.epoch" : "epoch", "loss", "accuracy", "val_loss", "val_accuracy", "learning_rate", "seconds"], rows));
        }
        s.Append("</div></div>");
    }

    static void Manifest(StringBuilder s, RunRecord run)
    {
        s.Append("<h2>Manifest</h2><div class=\"row\"><div>");
        s.Append(Html.Table(["", ""], new string[][]
        {
            ["script", run.Text("script")], ["status", run.Status], ["exit code", run.Text("exit_code")],
            ["Nabla", run.Text("nabla_version")], [".NET", run.Text("dotnet_version")], ["OS", run.Text("os")],
        }.Where(r => r[1].Length > 0).Select(r => (IReadOnlyList<string>)r), "kv"));
        s.Append("</div><div><h3>Sources</h3>");
        s.Append(Html.Table(["file", "SHA-256"], run.Fields("sources").Select(f => (IReadOnlyList<string>)[f.Name, f.Value])));
        var data = run.Fields("datasets");
        if (data.Count > 0) s.Append("<h3>Data files</h3>").Append(Html.Table(["file", "SHA-256"], data.Select(f => (IReadOnlyList<string>)[f.Name, f.Value])));
        Checkpoints(s, run);
        s.Append("</div></div>");
    }

    // Each Fit's last complete checkpoint, and each time the run was resumed (after what, and where each Fit went on from).
    static void Checkpoints(StringBuilder s, RunRecord run)
    {
        var fields = run.Fields("checkpoints");
        var files = fields.Where(f => f.Name != "every_steps").ToArray();
        if (files.Length > 0)
        {
            var every = fields.FirstOrDefault(f => f.Name == "every_steps").Value is { Length: > 0 } n && n != "0" ? $"each epoch's end and every {n} steps" : "each epoch's end";
            s.Append($"<h3>Checkpoints</h3><p class=\"sub\">Saved at {every}; <code>nabla --resume {Html.Escape(run.Folder)}</code> goes on from them.</p>");
            s.Append(Html.Table(["file", "last saved"], files.Select(f => (IReadOnlyList<string>)[f.Name, f.Value])));
        }
        if (run.Manifest.ValueKind != JsonValueKind.Object || !run.Manifest.TryGetProperty("resumes", out var resumes) || resumes.ValueKind != JsonValueKind.Array) return;
        s.Append("<h3>Resumed</h3>");
        s.Append(Html.Table(["time", "after", "went on"], resumes.EnumerateArray().Select(r => (IReadOnlyList<string>)[
            RunRecord.Field(r, "time"), RunRecord.Field(r, "previous_status"),
            r.TryGetProperty("fits", out var fits) && fits.ValueKind == JsonValueKind.Array && fits.GetArrayLength() > 0
                ? string.Join("; ", fits.EnumerateArray().Select(f => f.GetString())) : "no Fit had a checkpoint yet"])));
    }

    static string Optional(double? value, bool percent) => value is { } v ? percent ? Html.Percent(v) : Html.Number(v, "F4") : "";

    static string CommandLine(RunRecord run) =>
        run.Manifest.ValueKind == JsonValueKind.Object && run.Manifest.TryGetProperty("command_line", out var c) && c.ValueKind == JsonValueKind.Array
            ? "nabla " + string.Join(' ', c.EnumerateArray().Select(a => a.GetString())) : "";

    /// <summary>Seconds as "12.3 s" or "4 min 05 s".</summary>
    public static string Duration(string seconds) =>
        double.TryParse(seconds, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v)
            ? v < 60 ? $"{Html.Number(v, "F1")} s" : RunRecord.Invariant($"{(int)(v / 60)} min {(int)(v % 60):00} s")
            : seconds;
}
