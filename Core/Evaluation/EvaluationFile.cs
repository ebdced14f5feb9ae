using System.Text.Json;
using Nabla.Data;

namespace Nabla.Evaluation;

/// <summary>
/// evaluation.json in a run folder: every <c>model.Evaluate</c> of the run, enough to draw its report again without the
/// model or the data — each sample's true and predicted class (the confusion matrix and per-class table are computed
/// from them), top-k accuracy, and the most confident mistakes with their top-3 probabilities and pixels (base64,
/// Height × Width bytes). Regression evaluations carry MAE, RMSE, R² and the tolerance figures. Non-finite numbers are
/// written as null.
/// </summary>
public static class EvaluationFile
{
    /// <summary>The file's name in a run folder.</summary>
    public const string Name = "evaluation.json";

    const string Format = "nabla-evaluation";
    const int Version = 1;

    /// <summary>Writes <paramref name="evaluations"/> to <paramref name="path"/> (aside first, then moved in: never half a file).</summary>
    public static void Write(IReadOnlyList<EvaluationResult> evaluations, string path)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))   // compact, the default
        {
            json.WriteStartObject();
            json.WriteString("format", Format);
            json.WriteNumber("version", Version);
            json.WriteStartArray("evaluations");
            foreach (var e in evaluations) WriteOne(json, e);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        // Stryker disable once String : equivalent; written in place rather than aside, the file ends the same (only a crash mid-write would tell)
        var temporary = path + ".tmp";
        File.WriteAllBytes(temporary, buffer.ToArray());
        File.Move(temporary, path, overwrite: true);
    }

    static void WriteOne(Utf8JsonWriter json, EvaluationResult e)
    {
        json.WriteStartObject();
        json.WriteString("dataset", e.Dataset);
        json.WriteNumber("samples", e.Samples);
        json.WriteString("loss_name", e.LossName);
        Number(json, "loss", e.Loss);
        if (e.Accuracy is { } accuracy) Number(json, "accuracy", accuracy);
        if (e.Classification is { } c)
        {
            json.WriteString("task", "classification");
            Strings(json, "class_names", c.ClassNames);
            Numbers(json, "top_k_accuracy", c.TopKAccuracy);
            Number(json, "zero_division", c.ZeroDivision);
            Ints(json, "labels", c.Labels);
            Ints(json, "predicted", c.Predicted);
            json.WriteNumber("misclassified_count", c.MistakeCount);
            if (c.Images is { } shape)
            {
                json.WriteStartArray("image_shape");
                json.WriteNumberValue(shape.Height);
                json.WriteNumberValue(shape.Width);
                json.WriteEndArray();
            }
            json.WriteStartArray("misclassified");
            foreach (var m in c.Mistakes)
            {
                json.WriteStartObject();
                json.WriteNumber("index", m.Index);
                json.WriteNumber("label", m.Label);
                json.WriteNumber("predicted", m.Predicted);
                Number(json, "confidence", m.Confidence);
                json.WriteStartArray("top");
                foreach (var (k, p) in m.Top)
                {
                    json.WriteStartArray();
                    json.WriteNumberValue(k);
                    NumberValue(json, p);
                    json.WriteEndArray();
                }
                json.WriteEndArray();
                if (m.Pixels is { } pixels) json.WriteBase64String("pixels", pixels);
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        if (e.Regression is { } r)
        {
            json.WriteString("task", "regression");
            Number(json, "mae", r.Mae);
            Number(json, "rmse", r.Rmse);
            Number(json, "r2", r.R2);
            if (r.Tolerance is { } t) Number(json, "tolerance", t);
            if (r.WithinTolerance is { } w) Number(json, "within_tolerance", w);
        }
        json.WriteEndObject();
    }

    /// <summary>The evaluations in <paramref name="path"/>; a malformed file is a <see cref="DataFormatException"/> naming it.</summary>
    public static IReadOnlyList<EvaluationResult> Read(string path)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("format", out var format) || format.GetString() != Format)
                throw new DataFormatException(path, "\"format\"", $"\"{Format}\"", root.ValueKind == JsonValueKind.Object && root.TryGetProperty("format", out var f) ? f.ToString() : "none");
            if (root.GetProperty("version").GetInt32() > Version)
                throw new DataFormatException(path, "\"version\"", $"version {Version} or older", root.GetProperty("version").ToString());
            return root.GetProperty("evaluations").EnumerateArray().Select(ReadOne).ToArray();
        }
        // IndexOutOfRangeException: JsonElement's indexer on a short array ("image_shape": [28], a "top" pair of one).
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or IndexOutOfRangeException)
        {
            throw new DataFormatException(path, "JSON", "an evaluation file written by Nabla", e.Message);
        }
    }

    static EvaluationResult ReadOne(JsonElement e)
    {
        ClassificationEvaluation? classification = null;
        RegressionMetrics? regression = null;
        var task = e.TryGetProperty("task", out var t) ? t.GetString() : null;
        if (task == "classification")
        {
            var images = e.TryGetProperty("image_shape", out var shape) ? new ImageShape(shape[0].GetInt32(), shape[1].GetInt32()) : null;
            var mistakes = e.GetProperty("misclassified").EnumerateArray().Select(m => new Misclassified(
                m.GetProperty("index").GetInt32(), m.GetProperty("label").GetInt32(), m.GetProperty("predicted").GetInt32(),
                Get(m, "confidence"),
                m.GetProperty("top").EnumerateArray().Select(p => (p[0].GetInt32(), Value(p[1]))).ToArray(),
                m.TryGetProperty("pixels", out var pixels) ? pixels.GetBytesFromBase64() : null)).ToArray();
            classification = new ClassificationEvaluation(
                e.GetProperty("class_names").EnumerateArray().Select(n => n.GetString() ?? "").ToArray(),
                e.GetProperty("labels").EnumerateArray().Select(v => v.GetInt32()).ToArray(),
                e.GetProperty("predicted").EnumerateArray().Select(v => v.GetInt32()).ToArray(),
                e.GetProperty("top_k_accuracy").EnumerateArray().Select(Value).ToArray(),
                mistakes, e.GetProperty("misclassified_count").GetInt32(), images, Get(e, "zero_division"));
        }
        else if (task == "regression")
            regression = new RegressionMetrics(Get(e, "mae"), Get(e, "rmse"), Get(e, "r2"),
                e.TryGetProperty("tolerance", out _) ? Get(e, "tolerance") : null,
                e.TryGetProperty("within_tolerance", out _) ? Get(e, "within_tolerance") : null);
        return new EvaluationResult(e.GetProperty("dataset").GetString() ?? "", e.GetProperty("samples").GetInt32(),
            e.GetProperty("loss_name").GetString() ?? "", Get(e, "loss"),
            e.TryGetProperty("accuracy", out _) ? Get(e, "accuracy") : null, classification, regression);
    }

    static double Get(JsonElement e, string name) => Value(e.GetProperty(name));

    static double Value(JsonElement v) => v.ValueKind == JsonValueKind.Null ? double.NaN : v.GetDouble();

    static void Number(Utf8JsonWriter json, string name, double value)
    {
        json.WritePropertyName(name);
        NumberValue(json, value);
    }

    static void NumberValue(Utf8JsonWriter json, double value)
    {
        if (double.IsFinite(value)) json.WriteNumberValue(value);
        else json.WriteNullValue();
    }

    static void Numbers(Utf8JsonWriter json, string name, IEnumerable<double> values)
    {
        json.WriteStartArray(name);
        foreach (var v in values) NumberValue(json, v);
        json.WriteEndArray();
    }

    static void Ints(Utf8JsonWriter json, string name, IEnumerable<int> values)
    {
        json.WriteStartArray(name);
        foreach (var v in values) json.WriteNumberValue(v);
        json.WriteEndArray();
    }

    static void Strings(Utf8JsonWriter json, string name, IEnumerable<string> values)
    {
        json.WriteStartArray(name);
        foreach (var v in values) json.WriteStringValue(v);
        json.WriteEndArray();
    }
}
