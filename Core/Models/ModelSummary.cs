using System.Globalization;
using System.Text;

namespace Nabla.Models;

/// <summary>One row of a model summary: the layer, the shape of its output samples and its trainable parameter count.</summary>
public sealed record LayerSummary(string Layer, SampleShape Output, long Parameters)
{
    /// <summary>Values per output sample (the output's columns).</summary>
    public int Outputs => Output.Size;

    /// <summary>"(batch, 128)" or "(batch, 32, 24, 24)", as Keras prints (None, 128).</summary>
    public string OutputShape => $"(batch, {string.Join(", ", Output.Dimensions)})";
}

/// <summary>A Keras-style summary of a Sequential model for input samples of shape Input: each layer's output shape and
/// parameter count, the total, its size in bytes (parameters × element size), and the values of its state (batch norm's
/// running statistics), which are not trained.</summary>
public sealed record ModelSummary(SampleShape Input, IReadOnlyList<LayerSummary> Layers, long TotalParameters, long Bytes)
{
    /// <summary>Values per input sample (the input's columns).</summary>
    public int Inputs => Input.Size;

    /// <summary>State values (not trained): batch norm's running statistics.</summary>
    public long StateValues { get; init; }

    /// <summary>The table <c>model.Summary(inputs)</c> prints.</summary>
    public override string ToString()
    {
        static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
        var w0 = Math.Max("Layer".Length, Layers.Count == 0 ? 0 : Layers.Max(r => r.Layer.Length)) + 2;
        var w1 = Math.Max("Output shape".Length, Layers.Count == 0 ? 0 : Layers.Max(r => r.OutputShape.Length)) + 2;
        var w2 = Math.Max("Params".Length, Layers.Count == 0 ? 0 : Layers.Max(r => Count(r.Parameters).Length));
        var rule = new string('─', w0 + w1 + w2);
        var text = new StringBuilder();
        text.AppendLine($"Sequential: input (batch, {string.Join(", ", Input.Dimensions)})");
        text.AppendLine(rule);
        text.AppendLine("Layer".PadRight(w0) + "Output shape".PadRight(w1) + "Params".PadLeft(w2));
        text.AppendLine(rule);
        foreach (var row in Layers)
            text.AppendLine(row.Layer.PadRight(w0) + row.OutputShape.PadRight(w1) + Count(row.Parameters).PadLeft(w2));
        text.AppendLine(rule);
        text.Append($"Total params: {Count(TotalParameters)} ({Count(Bytes)} bytes)");
        if (StateValues > 0) text.Append($"\nState (not trained): {Count(StateValues)} values");
        return text.ToString();
    }
}
