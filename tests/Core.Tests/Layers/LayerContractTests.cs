namespace Nabla.Tests.Layers;

/// <summary>One contract run over every layer: output shape, gradient shapes mirror parameters, purity, and the
/// gradient property against central differences.</summary>
public class LayerContractTests
{
    /// <summary>Each layer under test, built for a random case. Inputs avoid ReLU's kink (|x| ≥ 1e-3, far above the
    /// 1e-6 difference step) and softmax saturation (logits within ±5), where finite differences mislead.</summary>
    static readonly Dictionary<string, (Func<MatrixCase, Rng, ILayer<double>> Build, Func<Rng, MatrixCase, Matrix<double>> Input)> Layers = new()
    {
        ["dense"] = (RandomDense, Plain),
        ["relu"] = ((_, _) => new Relu<double>(), AwayFromZero),
        ["leaky_relu"] = ((_, _) => new LeakyRelu<double>(0.1), AwayFromZero),
        ["sigmoid"] = ((_, _) => new Sigmoid<double>(), Plain),
        ["tanh"] = ((_, _) => new Tanh<double>(), Plain),
        ["softmax"] = ((_, _) => new Softmax<double>(), Plain),
        ["log_softmax"] = ((_, _) => new LogSoftmax<double>(), Plain),
        ["linear"] = ((_, _) => new Linear<double>(), Plain),
        // The check reseeds the training forward identically for every difference, so each sees the same mask.
        ["dropout"] = ((_, _) => new Dropout<double>(0.4), Plain),
    };

    static ILayer<double> RandomDense(MatrixCase c, Rng rng) =>
        new Dense<double>(Init.Uniform(1).Draw<double>(c.Columns, c.Outputs, rng), TestSupport.Random(rng, 1, c.Outputs));

    static Matrix<double> Plain(Rng rng, MatrixCase c) => TestSupport.Random(rng, c.Rows, c.Columns, -5, 5);

    static Matrix<double> AwayFromZero(Rng rng, MatrixCase c) =>
        TestSupport.Random(rng, c.Rows, c.Columns).Map(v => Math.CopySign(1e-3 + Math.Abs(v), v));

    public static TheoryData<string> Names() => [.. Layers.Keys];

    [Theory, MemberData(nameof(Names))]
    public void Gradients_match_central_differences(string name)
    {
        var (build, input) = Layers[name];
        var property = Prop.ForAll(MatrixCase.Arbitrary(), c =>
        {
            var rng = c.Rng();
            var layer = build(c, rng);
            var result = GradientCheck.Layer(layer, input(rng, c), rng);
            return result.Passed(1e-6).Label($"{name} on {c}: {result}");
        });
        Check.One(TestSupport.Properties(), property);
    }

    [Theory, MemberData(nameof(Names))]
    public void Shapes_agree_and_nothing_is_mutated(string name)
    {
        var (build, input) = Layers[name];
        var property = Prop.ForAll(MatrixCase.Arbitrary(), c =>
        {
            var rng = c.Rng();
            var layer = build(c, rng);
            var x = input(rng, c);
            var parameters = layer.Parameters.Select(TestSupport.Snapshot).ToArray();
            var xBefore = TestSupport.Snapshot(x);

            var y = layer.Forward(x);
            var trace = layer.ForwardTrain(x, new Rng(1));
            var dy = TestSupport.Random(rng, y.RowCount, y.ColumnCount);
            var dyBefore = TestSupport.Snapshot(dy);
            var outputBefore = TestSupport.Snapshot(trace.Output);
            var backprop = layer.Backward(trace, dy);

            Assert.Equal(c.Rows, y.RowCount);
            Assert.Equal(layer.OutputSize(c.Columns), y.ColumnCount);
            Assert.Equal(c.Rows, backprop.InputGradient!.RowCount);
            Assert.Equal(c.Columns, backprop.InputGradient.ColumnCount);
            var gradients = backprop.Gradient.Tensors;
            Assert.Equal(layer.Parameters.Count, gradients.Count);
            for (var p = 0; p < gradients.Count; p++)
            {
                Assert.Equal(layer.Parameters[p].RowCount, gradients[p].RowCount);
                Assert.Equal(layer.Parameters[p].ColumnCount, gradients[p].ColumnCount);
                Assert.Equal(parameters[p], TestSupport.Snapshot(layer.Parameters[p]));
            }
            Assert.Equal(xBefore, TestSupport.Snapshot(x));
            Assert.Equal(dyBefore, TestSupport.Snapshot(dy));
            Assert.Equal(outputBefore, TestSupport.Snapshot(trace.Output));
            Assert.Null(layer.Backward(trace, dy, needInputGradient: false).InputGradient);
            return true;
        });
        Check.One(TestSupport.Properties(50), property);
    }
}
