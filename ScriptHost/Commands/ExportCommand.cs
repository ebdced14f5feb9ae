using System.CommandLine;
using Nabla.Serialization;
using Nabla.Serialization.Onnx;
using Nabla.Tensors;

namespace Nabla.ScriptHost.Commands;

/// <summary>
/// <c>nabla export MODEL.safetensors MODEL.onnx [--input-shape C,H,W]</c>: writes a saved model as ONNX for ONNX Runtime
/// and the servers built on it. Thin: the work is <see cref="OnnxExport"/>.
/// </summary>
public static class ExportCommand
{
    /// <summary>The <c>export</c> subcommand.</summary>
    public static Command Create(HostContext host)
    {
        var model = new Argument<string>("MODEL") { Description = "a model file saved by model.Save (.safetensors)" };
        var output = new Argument<string>("OUTPUT") { Description = "the ONNX file to write (.onnx)" };
        var shape = new Option<string?>("--input-shape")
        {
            Description = "the shape of one input sample, when the file does not say it: FEATURES, or C,H,W for images",
            HelpName = "SHAPE",
        };
        var command = new Command("export", "Write a saved model as ONNX (opset 17), for ONNX Runtime.") { model, output, shape };
        command.SetAction(result =>
        {
            try
            {
                var loaded = ModelFile.Load<float>(result.GetValue(model)!);
                var input = result.GetValue(shape) is { } text ? ParseShape(text) : (SampleShape?)null;
                var path = result.GetValue(output)!;
                var written = OnnxExport.Save(loaded, path, input);
                host.Console.Line($"export: {HostPaths.Display(path)} (ONNX opset {OnnxExport.Opset}; input \"input\" (batch, " +
                    $"{string.Join(", ", written.Dimensions)}), output \"output\")");
                return 0;
            }
            catch (Exception e) when (ReportCommands.IsUserError(e) || e is NotSupportedException or FormatException or Tensors.ShapeException)
            {
                host.Console.Error.WriteLine($"nabla export: {e.Message}");
                return 1;
            }
        });
        return NablaCommandLine.Describe(command, "nabla export MODEL.safetensors MODEL.onnx [--input-shape SHAPE]",
            """
            The graph computes the model's raw output (logits for a model trained with Loss.SoftmaxCrossEntropy); dropout
            is the identity and batch norm uses its running statistics. Example:
              nabla export runs/mnist-mlp/<time>/model.safetensors mnist.onnx
            """);
    }

    /// <summary>"784" → (784); "1,28,28" → (1, 28, 28).</summary>
    static SampleShape ParseShape(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Any(p => !int.TryParse(p, System.Globalization.CultureInfo.InvariantCulture, out var d) || d < 1) || parts.Length is not (1 or 3))
            throw new FormatException($"--input-shape {text}: give FEATURES (784) or C,H,W (1,28,28), each a whole number ≥ 1.");
        var d = parts.Select(int.Parse).ToArray();
        return d.Length == 1 ? SampleShape.Features(d[0]) : SampleShape.Image(d[0], d[1], d[2]);
    }
}
