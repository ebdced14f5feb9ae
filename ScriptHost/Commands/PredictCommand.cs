using System.CommandLine;
using System.Globalization;
using Nabla.Data;
using Nabla.Evaluation;
using Nabla.Models;
using Nabla.Serialization;

namespace Nabla.ScriptHost.Commands;

/// <summary>
/// <c>nabla predict MODEL FILE… [--invert] [--top K] [--scale S]</c>: loads a model saved by <c>model.Save</c> and prints,
/// for each image (PNG, JPEG, …) or each row of each CSV file, the predicted class and the top K probabilities. Thin:
/// the work is <see cref="PredictExtensions"/>; this reads the arguments and prints one line per input.
/// </summary>
public static class PredictCommand
{
    /// <summary>The <c>predict</c> subcommand.</summary>
    public static Command Create(HostContext host)
    {
        var model = new Argument<string>("MODEL") { Description = "a model file saved by model.Save (.safetensors)" };
        var files = new Argument<string[]>("FILE") { Description = "images (PNG, JPEG, BMP, GIF, TGA) or CSV files of feature rows", Arity = ArgumentArity.OneOrMore };
        var invert = new Option<bool>("--invert") { Description = "invert images (a dark digit on white paper, for a model trained on MNIST's white on black)" };
        var top = new Option<int>("--top") { Description = "how many classes to list [default: 3]", HelpName = "K", DefaultValueFactory = _ => 3 };
        var scale = new Option<string?>("--scale")
        {
            Description = "multiply inputs by S, a number or a fraction such as 1/255 [default: 1/255 for images (pixels to [0, 1], as Mnist.Load), 1 for CSV]",
            HelpName = "S",
        };
        var command = new Command("predict", "Predict the class of images or CSV rows with a saved model.") { model, files, invert, top, scale };
        command.SetAction(result =>
        {
            Sequential<float> loaded;
            float? factor;
            try
            {
                factor = result.GetValue(scale) is { } text ? Fraction(text) : null;
                loaded = ModelFile.Load<float>(result.GetValue(model)!);
            }
            catch (Exception e) when (ReportCommands.IsUserError(e) || e is FormatException)
            {
                host.Console.Error.WriteLine($"nabla predict: {e.Message}");
                return 1;
            }
            var code = 0;
            foreach (var file in result.GetValue(files) ?? [])
            {
                try
                {
                    foreach (var line in Predict(loaded, file, result.GetValue(invert), result.GetValue(top), factor)) host.Console.Line(line);
                }
                catch (Exception e) when (ReportCommands.IsUserError(e) || e is Tensors.ShapeException)
                {
                    host.Console.Error.WriteLine($"nabla predict: {e.Message}");
                    code = 1;
                }
            }
            return code;
        });
        return NablaCommandLine.Describe(command, "nabla predict MODEL FILE [FILE ...] [--invert] [--top K] [--scale S]",
            """
            Images are read in grayscale and resized to the model's input (784 inputs: 28 × 28). A CSV row holds the
            features, or a label and then the features (the MNIST CSV layout): the label is printed beside the prediction.
            Example: nabla predict runs/train-save-predict/<time>/model.safetensors digit.png --invert
            """);
    }

    /// <summary>One line per input of <paramref name="file"/>: "digit.png: 7  (7 99.81%, 3 0.12%, 2 0.04%)".</summary>
    public static IEnumerable<string> Predict(Sequential<float> model, string file, bool invert, int top, float? scale)
    {
        if (!file.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
        {
            var prediction = model.PredictImage(file, invert, top: top, scale: scale);
            yield return $"{file}: {prediction.Name}  ({string.Join(", ", prediction.Top)})";
            yield break;
        }
        var inputs = model.Layers.OfType<Layers.Dense<float>>().FirstOrDefault()?.Inputs
            ?? throw new ArgumentException($"{file}: the model has no Dense layer to tell how many features a row holds.");
        var table = Csv.Read(file);
        var labelled = table.Columns == inputs + 1;
        if (!labelled && table.Columns != inputs)
            throw new DataFormatException(file, "line 1", $"{inputs} feature columns (or a label and {inputs} features), as the model takes", $"{table.Columns} columns");
        for (var r = 0; r < table.Rows; r++)
        {
            var row = table.Values.AsSpan(r * table.Columns + (labelled ? 1 : 0), inputs).ToArray().Select(v => v * (scale ?? 1f)).ToArray();
            var prediction = model.PredictRow(row, top: top);
            var label = labelled ? $"  label {table.Values[r * table.Columns].ToString(CultureInfo.InvariantCulture)}" : "";
            yield return $"{file}:{r + 1}: {prediction.Name}  ({string.Join(", ", prediction.Top)}){label}";
        }
    }

    // "0.5", "1/255".
    static float Fraction(string text)
    {
        var parts = text.Split('/');
        float Number(string s) => float.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && float.IsFinite(v)
            ? v : throw new FormatException($"--scale {text}: expected a number or a fraction such as 1/255.");
        return parts.Length switch
        {
            1 => Number(parts[0]),
            2 => Number(parts[0]) / Number(parts[1]),
            _ => throw new FormatException($"--scale {text}: expected a number or a fraction such as 1/255."),
        };
    }
}
