using System.Globalization;
using System.Text;

namespace Nabla.Evaluation;

/// <summary>One class's row of a classification report: precision = tp / (tp + fp), recall = tp / (tp + fn),
/// F1 = 2·tp / (2·tp + fp + fn) (the harmonic mean of the two), support = tp + fn (samples truly of the class).</summary>
public sealed record ClassScores(string Name, double Precision, double Recall, double F1, int Support);

/// <summary>
/// scikit-learn's <c>classification_report</c> over every class 0..n−1 (its <c>labels=range(n)</c>): per-class precision,
/// recall, F1 and support from a <see cref="ConfusionMatrix"/>, accuracy (Σ tp / N), the macro average (the unweighted
/// mean over classes) and the weighted average (weighted by support). A ratio whose denominator is 0 (precision of a
/// class never predicted, recall of a class with no samples) is <see cref="ZeroDivision"/> — scikit-learn's
/// <c>zero_division</c>: 0 (its default, without the warning), 1, or NaN (then left out of the averages, as there).
/// </summary>
public sealed record ClassificationReport(IReadOnlyList<ClassScores> Classes, double Accuracy, ClassScores MacroAverage,
    ClassScores WeightedAverage, double ZeroDivision, IReadOnlyList<string> Notes)
{
    /// <summary>The report of <paramref name="matrix"/>; <paramref name="names"/> label the classes (default "0".."n−1").</summary>
    public static ClassificationReport From(ConfusionMatrix matrix, IReadOnlyList<string>? names = null, double zeroDivision = 0)
    {
        if (!(zeroDivision is 0 or 1 || double.IsNaN(zeroDivision)))
            throw new ArgumentOutOfRangeException(nameof(zeroDivision), zeroDivision, "ClassificationReport: zeroDivision is 0, 1 or NaN, as scikit-learn's zero_division.");
        var n = matrix.Classes;
        if (names is not null && names.Count != n)
            throw new ArgumentException($"ClassificationReport: {names.Count} class names for {n} classes.", nameof(names));
        var labels = names ?? ClassNames.Default(n);
        double Ratio(int numerator, int denominator) => denominator == 0 ? zeroDivision : (double)numerator / denominator;

        var rows = new ClassScores[n];
        var notes = new List<string>();
        for (var k = 0; k < n; k++)
        {
            int tp = matrix[k, k], predicted = matrix.PredictedCount(k), support = matrix.Support(k);
            int fp = predicted - tp, fn = support - tp;
            rows[k] = new(labels[k], Ratio(tp, predicted), Ratio(tp, support), Ratio(2 * tp, 2 * tp + fp + fn), support);
        }
        // scikit-learn's UndefinedMetricWarning, kept as notes for the report.
        if (rows.Where((r, k) => matrix.PredictedCount(k) == 0).Select(r => r.Name).ToArray() is { Length: > 0 } neverPredicted)
            notes.Add($"precision is ill-defined (set to {Text(zeroDivision)}) for classes never predicted: {string.Join(", ", neverPredicted)}");
        if (rows.Where(r => r.Support == 0).Select(r => r.Name).ToArray() is { Length: > 0 } absent)
            notes.Add($"recall is ill-defined (set to {Text(zeroDivision)}) for classes with no samples: {string.Join(", ", absent)}");

        var total = matrix.Total;
        var macro = new ClassScores("macro avg", Mean(rows, r => r.Precision, r => 1), Mean(rows, r => r.Recall, r => 1),
            Mean(rows, r => r.F1, r => 1), total);
        var weighted = total == 0
            ? new ClassScores("weighted avg", zeroDivision, zeroDivision, zeroDivision, 0)
            : new ClassScores("weighted avg", Mean(rows, r => r.Precision, r => r.Support), Mean(rows, r => r.Recall, r => r.Support),
                Mean(rows, r => r.F1, r => r.Support), total);
        return new(rows, Ratio(matrix.Correct, total), macro, weighted, zeroDivision, notes);
    }

    // Σ w·v / Σ w over the classes whose v is a number (NaN, from zeroDivision = NaN, is left out, as scikit-learn does);
    // NaN (0 / 0) when no weight is left.
    static double Mean(IEnumerable<ClassScores> rows, Func<ClassScores, double> value, Func<ClassScores, double> weight)
    {
        var kept = rows.Where(r => !double.IsNaN(value(r))).ToArray();
        return kept.Sum(r => weight(r) * value(r)) / kept.Sum(weight);
    }

    /// <summary>The report as scikit-learn prints it: a row per class, then accuracy, macro avg and weighted avg.</summary>
    public string ToString(int digits)
    {
        var width = Math.Max("weighted avg".Length, Classes.Count == 0 ? 0 : Classes.Max(c => c.Name.Length));
        var column = Math.Max(9, digits + 3);
        string Cell(double v) => (double.IsNaN(v) ? "nan" : v.ToString($"F{digits}", CultureInfo.InvariantCulture)).PadLeft(column + 1);
        string Row(ClassScores r) => r.Name.PadLeft(width) + Cell(r.Precision) + Cell(r.Recall) + Cell(r.F1) + r.Support.ToString(CultureInfo.InvariantCulture).PadLeft(column + 1);
        var text = new StringBuilder();
        text.Append(new string(' ', width)).Append("precision".PadLeft(column + 1)).Append("recall".PadLeft(column + 1))
            .Append("f1-score".PadLeft(column + 1)).AppendLine("support".PadLeft(column + 1)).AppendLine();
        foreach (var r in Classes) text.AppendLine(Row(r));
        text.AppendLine();
        text.AppendLine("accuracy".PadLeft(width) + new string(' ', 2 * (column + 1)) + Cell(Accuracy) + MacroAverage.Support.ToString(CultureInfo.InvariantCulture).PadLeft(column + 1));
        text.AppendLine(Row(MacroAverage));
        text.Append(Row(WeightedAverage));
        foreach (var note in Notes) text.AppendLine().Append("note: ").Append(note);
        return text.ToString();
    }

    /// <summary>The report as scikit-learn prints it, with 4 decimals (<see cref="ToString(int)"/>).</summary>
    public override string ToString() => ToString(4);

    static string Text(double v) => v.ToString(CultureInfo.InvariantCulture);   // NaN prints as "NaN"
}

/// <summary>Class names: the given ones, or "0".."n−1".</summary>
public static class ClassNames
{
    /// <summary>"0", "1", …, "n−1".</summary>
    public static string[] Default(int classes) =>
        Enumerable.Range(0, classes).Select(k => k.ToString(CultureInfo.InvariantCulture)).ToArray();
}
