using System.Globalization;
using System.Text;

namespace Nabla.Models;

/// <summary>One row of a model summary: the layer, its output shape (batch, columns) and its trainable parameter count.</summary>
public sealed record LayerSummary(string Layer, int Outputs, long Parameters)
{
    /// <summary>"(batch, 128)", as Keras prints (None, 128).</summary>
    public string OutputShape => $"(batch, {Outputs.ToString(CultureInfo.InvariantCulture)})";
}

/// <summary>A Keras-style summary of a Sequential model for an input of (batch, Inputs): each layer's output shape and
/// parameter count, the total, and its size in bytes (parameters × element size).</summary>
public sealed record ModelSummary(int Inputs, IReadOnlyList<LayerSummary> Layers, long TotalParameters, long Bytes)
{
    /// <summary>The table <c>model.Summary(inputs)</c> prints.</summary>
    public override string ToString()
    {
        static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
        var w0 = Math.Max("Layer".Length, Layers.Count == 0 ? 0 : Layers.Max(r => r.Layer.Length)) + 2;
        var w1 = Math.Max("Output shape".Length, Layers.Count == 0 ? 0 : Layers.Max(r => r.OutputShape.Length)) + 2;
        var w2 = Math.Max("Params".Length, Layers.Count == 0 ? 0 : Layers.Max(r => Count(r.Parameters).Length));
        var rule = new string('─', w0 + w1 + w2);
        var text = new StringBuilder();
        text.AppendLine($"Sequential: input (batch, {Inputs.ToString(CultureInfo.InvariantCulture)})");
        text.AppendLine(rule);
        text.AppendLine("Layer".PadRight(w0) + "Output shape".PadRight(w1) + "Params".PadLeft(w2));
        text.AppendLine(rule);
        foreach (var row in Layers)
            text.AppendLine(row.Layer.PadRight(w0) + row.OutputShape.PadRight(w1) + Count(row.Parameters).PadLeft(w2));
        text.AppendLine(rule);
        text.Append($"Total params: {Count(TotalParameters)} ({Count(Bytes)} bytes)");
        return text.ToString();
    }
}
