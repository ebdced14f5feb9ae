using System.Text.Json;

namespace Nabla.Tests.Golden;

/// <summary>
/// Each case of conv.json (from the shared golden values) and images.json (make_images.py): the image layers' forward
/// and backward against PyTorch 1.13 in float64, at 1e-9 relative; batch norm's running statistics after several
/// training steps, and its inference output from them. PyTorch's tensors are read as Nabla keeps them: an (N, C, H, W)
/// batch as N × (C·H·W), a conv weight (out, in, kh, kw) as the (in·kh·kw) × out matrix over the same values.
/// </summary>
public class GoldenImageTests
{
    const double Tolerance = 1e-9;

    public static TheoryData<string, int, string> Cases()
    {
        var data = new TheoryData<string, int, string>();
        foreach (var file in new[] { "conv.json", "images.json" })
            foreach (var (index, op) in Golden.Indices(file).Select(row => ((int)row[0], (string)row[1])))
                data.Add(file, index, op);
        return data;
    }

    [Theory, MemberData(nameof(Cases))]
    public void Matches_pytorch(string file, int index, string op)
    {
        var c = Golden.Cases(file)[index];
        var p = c.TryGetProperty("params", out var ps) ? ps : default;
        if (op == "batch_norm_running")
        {
            RunningStatistics(c, $"{file} #{index}");
            return;
        }
        var (x, shape) = Golden.Batch(c.GetProperty("input"));
        ILayer<double> layer = op switch
        {
            "conv2d" => new Conv2D<double>(Golden.Tensor(c.GetProperty("weight")),
                c.TryGetProperty("bias", out var b) ? Golden.Tensor(b) : null,
                p.GetProperty("kernel").GetInt32(), p.GetProperty("kernel").GetInt32(), p.GetProperty("stride").GetInt32(), PaddingOf(p)),
            "max_pool2d" => new MaxPool2D<double>(p.GetProperty("kernel").GetInt32(), p.GetProperty("stride").GetInt32(), IntOr(p, "padding", 0)),
            "avg_pool2d" => new AvgPool2D<double>(p.GetProperty("kernel").GetInt32(), p.GetProperty("stride").GetInt32(), IntOr(p, "padding", 0)),
            "global_avg_pool2d" => new GlobalAveragePool2D<double>(),
            "batch_norm_train" => BatchNormOf(c, shape.Channels),
            _ => throw new NotSupportedException(op),
        };
        var what = $"{op} {file} #{index}";
        var trace = layer.ForwardTrain(x, shape, new Rng(0));
        TestSupport.AssertClose(Golden.Batch(c.GetProperty("output")).Matrix, trace.Output, Tolerance, $"{what} output");
        if (op != "batch_norm_train")   // batch norm's inference output uses the running statistics (RunningStatistics)
            TestSupport.AssertClose(Golden.Batch(c.GetProperty("output")).Matrix, layer.Forward(x, shape), Tolerance, $"{what} inference output");

        var backprop = layer.Backward(trace, Golden.Batch(c.GetProperty("output_grad")).Matrix);
        TestSupport.AssertClose(Golden.Batch(c.GetProperty("input_grad")).Matrix, backprop.InputGradient!, Tolerance, $"{what} input_grad");
        var names = layer.ParameterNames;
        var gradients = backprop.Gradient.Tensors;
        for (var i = 0; i < names.Count; i++)
        {
            var expected = c.TryGetProperty($"{names[i]}_grad", out var grad) ? grad : c.GetProperty(ConvJsonName(names[i]));
            TestSupport.AssertClose(Golden.Tensor(expected), gradients[i], Tolerance, $"{what} {names[i]} gradient");
        }
        Assert.Equal(names.Count, gradients.Count);
    }

    // conv.json names batch norm's γ and β "gamma" and "beta"; images.json uses PyTorch's parameter names.
    static string ConvJsonName(string name) => name == "weight" ? "gamma_grad" : "beta_grad";

    static BatchNorm<double> BatchNormOf(JsonElement c, int features)
    {
        var gamma = Golden.Tensor(c.TryGetProperty("gamma", out var g) ? g : c.GetProperty("weight"));
        var beta = Golden.Tensor(c.TryGetProperty("beta", out var b) ? b : c.GetProperty("bias"));
        return Layer<double>.BatchNorm(features, epsilon: c.GetProperty("params").GetProperty("eps").GetDouble()) with { Gamma = gamma, Beta = beta };
    }

    // Training batches from the initial state (running mean 0, variance 1), then PyTorch's running estimates, batch count
    // and inference output.
    static void RunningStatistics(JsonElement c, string what)
    {
        var p = c.GetProperty("params");
        ILayer<double> layer = Layer<double>.BatchNorm(c.GetProperty("weight").GetProperty("shape")[0].GetInt32(),
            p.GetProperty("momentum").GetDouble(), p.GetProperty("eps").GetDouble())
            with { Gamma = Golden.Tensor(c.GetProperty("weight")), Beta = Golden.Tensor(c.GetProperty("bias")) };
        foreach (var batch in c.GetProperty("batches").EnumerateArray())
        {
            var (x, shape) = Golden.Batch(batch);
            layer = layer.WithState(layer.ForwardTrain(x, shape, new Rng(0)).State!);
        }
        TestSupport.AssertClose(Golden.Tensor(c.GetProperty("running_mean")), layer.State[0], Tolerance, $"{what} running_mean");
        TestSupport.AssertClose(Golden.Tensor(c.GetProperty("running_var")), layer.State[1], Tolerance, $"{what} running_var");
        Assert.Equal(c.GetProperty("num_batches_tracked").GetInt32(), layer.State[2][0, 0]);
        var (input, inputShape) = Golden.Batch(c.GetProperty("input"));
        TestSupport.AssertClose(Golden.Batch(c.GetProperty("output")).Matrix, layer.Forward(input, inputShape), Tolerance, $"{what} inference output");
    }

    static Padding PaddingOf(JsonElement p) => p.GetProperty("padding") switch
    {
        { ValueKind: JsonValueKind.String } s => (Padding)s.GetString()!,
        var n => n.GetInt32(),
    };

    static int IntOr(JsonElement p, string name, int otherwise) => p.TryGetProperty(name, out var v) ? v.GetInt32() : otherwise;
}
