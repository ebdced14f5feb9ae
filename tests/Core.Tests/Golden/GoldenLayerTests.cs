namespace Nabla.Tests.Golden;

/// <summary>Each case of layers.json: forward and backward against PyTorch in float64, 1e-9 relative; the dense cases
/// on each matrix-product backend.</summary>
[Trait("Category", TestSupport.KernelCategory)]
public class GoldenLayerTests
{
    const double Tolerance = 1e-9;

    public static TheoryData<int, string, string> Cases()
    {
        var data = new TheoryData<int, string, string>();
        foreach (var (index, op) in Golden.Indices("layers.json").Select(row => ((int)row[0], (string)row[1])))
            foreach (var backend in op == "dense" ? ["managed", "openblas"] : new[] { "default" })
                data.Add(index, op, backend);
        return data;
    }

    [Theory, MemberData(nameof(Cases))]
    public void Matches_pytorch(int index, string op, string backend)
    {
        using var products = backend == "default" ? null : TestSupport.OnBackend(backend);
        if (backend == "openblas" && products is null) return;   // not installed here (OnBackend explains)
        if (products is not null) Assert.Equal(backend, Backend.Current.Name);
        var c = Golden.Cases("layers.json")[index];
        ILayer<double> layer = op switch
        {
            "relu" => new Relu<double>(),
            "leaky_relu" => new LeakyRelu<double>(c.GetProperty("params").GetProperty("alpha").GetDouble()),
            "sigmoid" => new Sigmoid<double>(),
            "tanh" => new Tanh<double>(),
            "softmax" => new Softmax<double>(),
            "log_softmax" => new LogSoftmax<double>(),
            "linear_activation" => new Linear<double>(),
            // PyTorch stores a dense weight as (out, in); Nabla as inputs × outputs.
            "dense" => new Dense<double>(Golden.Matrix(c.GetProperty("weight")).Transpose(), Golden.Matrix(c.GetProperty("bias"))),
            _ => throw new NotSupportedException(op),
        };
        var x = Golden.Matrix(c.GetProperty("input"));
        var trace = layer.ForwardTrain(x, new Rng(0));
        TestSupport.AssertClose(Golden.Matrix(c.GetProperty("output")), trace.Output, Tolerance, $"{op} #{index} output");
        TestSupport.AssertClose(Golden.Matrix(c.GetProperty("output")), layer.Forward(x), Tolerance, $"{op} #{index} inference output");

        var backprop = layer.Backward(trace, Golden.Matrix(c.GetProperty("output_grad")));
        TestSupport.AssertClose(Golden.Matrix(c.GetProperty("input_grad")), backprop.InputGradient!, Tolerance, $"{op} #{index} input_grad");
        if (backprop.Gradient is DenseGradient<double> dense)
        {
            TestSupport.AssertClose(Golden.Matrix(c.GetProperty("weight_grad")).Transpose(), dense.Weights, Tolerance, $"{op} #{index} weight_grad");
            TestSupport.AssertClose(Golden.Matrix(c.GetProperty("bias_grad")), dense.Bias, Tolerance, $"{op} #{index} bias_grad");
        }
    }
}
