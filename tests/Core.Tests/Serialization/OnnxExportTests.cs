using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Nabla.Serialization.Onnx;

namespace Nabla.Tests.Serialization;

/// <summary>Exported models run in ONNX Runtime and give Nabla's outputs (float32, within 1e-5).</summary>
public class OnnxExportTests
{
    /// <summary>Runs the ONNX file at <paramref name="path"/> on x (batch × sample values, each row one sample) and
    /// returns its output as a batch × outputs matrix.</summary>
    internal static Matrix<float> RunInOnnxRuntime(string path, Matrix<float> x, SampleShape input)
    {
        using var session = new InferenceSession(path);
        int[] dims = [x.RowCount, .. input.Dimensions];
        var values = new float[x.RowCount * x.ColumnCount];
        for (var n = 0; n < x.RowCount; n++)
            for (var f = 0; f < x.ColumnCount; f++)
                values[n * x.ColumnCount + f] = x[n, f];   // row-major: sample after sample, each in C, H, W order
        var tensor = new DenseTensor<float>(values, dims);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("input", tensor)]);
        var output = results.Single(r => r.Name == "output").AsTensor<float>();
        var columns = (int)(output.Length / x.RowCount);
        var flat = output.ToArray();
        return Matrix<float>.Build.Dense(x.RowCount, columns, (n, f) => flat[n * columns + f]);
    }

    internal static void AssertClose(Matrix<float> expected, Matrix<float> actual, double tolerance = 1e-5)
    {
        Assert.Equal((expected.RowCount, expected.ColumnCount), (actual.RowCount, actual.ColumnCount));
        for (var i = 0; i < expected.RowCount; i++)
            for (var j = 0; j < expected.ColumnCount; j++)
            {
                var (e, a) = (expected[i, j], actual[i, j]);
                Assert.True(Math.Abs(e - a) <= tolerance * Math.Max(1, Math.Abs(e)), $"({i}, {j}): Nabla {e}, ONNX Runtime {a}");
            }
    }

    static string TempFile() => Path.Combine(Path.GetTempPath(), $"nabla-onnx-{Guid.NewGuid():N}.onnx");

    [Fact]
    public void An_mlp_with_every_activation_runs_in_onnx_runtime_with_nablas_outputs()
    {
        var rng = new Rng(11);
        var model = Sequential.Of(
            Layer.Dense(12, 16, Init.He, rng), Layer.Relu(), Layer.Dropout(0.3),
            Layer.Dense(16, 16, rng), Layer.LeakyRelu(0.2),
            Layer.Dense(16, 16, rng), Layer.Sigmoid(),
            Layer.Dense(16, 16, rng), Layer.Tanh(),
            Layer.Dense(16, 10, rng), Layer.Linear(), Layer.LogSoftmax(),
            Layer.Dense(10, 5, rng), Layer.Softmax());
        var x = Matrix<float>.Build.Dense(7, 12, (_, _) => (float)rng.Uniform(-2, 2));
        var path = TempFile();
        try
        {
            model.ExportOnnx(path);
            AssertClose(model.Forward(x), RunInOnnxRuntime(path, x, SampleShape.Features(12)));
        }
        finally { File.Delete(path); }
    }

    // Non-trivial running statistics and affine parameters, so inference through BatchNormalization is tested for real.
    static BatchNorm<float> Trained(BatchNorm<float> bn, Rng rng)
    {
        Matrix<float> Random(double low, double high) => Matrix<float>.Build.Dense(1, bn.Features, (_, _) => (float)rng.Uniform(low, high));
        return bn with { Gamma = Random(0.5, 1.5), Beta = Random(-0.5, 0.5), RunningMean = Random(-0.3, 0.3), RunningVariance = Random(0.5, 2) };
    }

    static void AssertOnnxRuntimeAgrees(Sequential<float> model, SampleShape input, Rng rng)
    {
        var x = Matrix<float>.Build.Dense(5, input.Size, (_, _) => (float)rng.Uniform(-2, 2));
        var path = TempFile();
        try
        {
            model.ExportOnnx(path, input);
            AssertClose(model.Forward(x), RunInOnnxRuntime(path, x, input));
        }
        finally { File.Delete(path); }
    }

    [Fact]   // issue 13: a CNN with BatchNorm and Dropout; each window layer with stride, padding 'same' and a number
    public void A_cnn_with_batch_norm_and_dropout_runs_in_onnx_runtime_with_nablas_outputs()
    {
        var rng = new Rng(12);
        var image = SampleShape.Image(2, 9, 8);
        var model = Sequential.Of(image,
            Layer.Conv2D(2, 4, 3, rng, padding: "same"), Trained(Layer.BatchNorm(4), rng), Layer.Relu(), Layer.Dropout(0.25),
            Layer.MaxPool2D(2, padding: 1),
            Layer.Conv2D(4, 6, 3, rng, stride: 2, padding: 1, bias: false), Layer.LeakyRelu(0.1),
            Layer.AvgPool2D(2, stride: 1, padding: 1),
            Layer.Conv2D(6, 3, 2, rng, stride: 2, padding: "same"), Layer.Tanh(),
            Layer.Flatten(), Layer.Dense(3 * 2 * 2, 7, rng), Trained(Layer.BatchNorm(7), rng), Layer.Sigmoid(),
            Layer.Dense(7, 4, rng), Layer.Softmax());
        AssertOnnxRuntimeAgrees(model, image, rng);
    }

    [Fact]
    public void Global_average_pooling_runs_in_onnx_runtime_with_nablas_outputs()
    {
        var rng = new Rng(13);
        var image = SampleShape.Image(3, 6, 5);
        AssertOnnxRuntimeAgrees(Sequential.Of(image, Layer.Conv2D(3, 5, 3, rng), Layer.GlobalAveragePool2D(), Layer.Dense(5, 3, rng), Layer.LogSoftmax()), image, rng);
    }

    [Fact]
    public void The_graph_has_the_names_and_dynamic_batch_a_user_expects()
    {
        var model = Sequential.Of(Layer.Dense(4, 3, new Rng(1)));
        var proto = OnnxExport.Build(model);
        Assert.Equal("input", proto.Graph.Input.Single().Name);
        Assert.Equal("output", proto.Graph.Output.Single().Name);
        Assert.Equal("batch", proto.Graph.Input[0].Type.TensorType.Shape.Dim[0].DimParam);
        Assert.Equal(4, proto.Graph.Input[0].Type.TensorType.Shape.Dim[1].DimValue);
        Assert.Equal(OnnxExport.Opset, proto.OpsetImport.Single().Version);
        Assert.Equal(["0.weight", "0.bias"], proto.Graph.Initializer.Select(t => t.Name).ToArray());
    }

    [Fact]
    public void Every_layer_type_nabla_saves_has_an_onnx_form()
    {
        var missing = LayerTypes.Names.Where(t => !OnnxOperators.ByType.ContainsKey(t)).ToArray();
        Assert.True(missing.Length == 0, $"Layer types without an ONNX export: {string.Join(", ", missing)} (add them to OnnxOperators).");
    }

    [Fact]
    public void A_layer_written_in_a_script_is_refused_by_name()
    {
        var model = Sequential.Of<float>(Layer.Dense(3, 3, new Rng(2)), new Doubler());
        var e = Assert.Throws<NotSupportedException>(() => OnnxExport.Build(model));
        Assert.Contains("Layer 1", e.Message);
        Assert.Contains("not a built-in layer", e.Message);
    }

    sealed record Doubler : ILayer<float>
    {
        public Matrix<float> Forward(Matrix<float> x, SampleShape input) => x * 2f;
        public Backprop<float> Backward(Trace<float> trace, Matrix<float> dy, bool needInputGradient = true) => new(NoGradient<float>.Instance, dy * 2f);
    }

    [Fact]   // issue 13: a model trained on MNIST keeps its test accuracy under ONNX Runtime (to 0.05 points)
    public void A_model_trained_on_mnist_keeps_its_test_accuracy_in_onnx_runtime()
    {
        var (train, test) = Mnist.Load(Path.Combine(TestSupport.RepoRoot, "data", "mnist"), limit: 3000);
        var rng = Rng.Seeded(4);
        var model = Sequential.Of(Layer.Flatten(), Layer.Dense(784, 32, Init.He, rng), Layer.Relu(), Layer.Dense(32, 10, rng));
        model = model.Fit(train, Loss.SoftmaxCrossEntropy, new Sgd(LearningRate: 0.1), 2, 32, null, rng).Model;
        var path = TempFile();
        try
        {
            model.ExportOnnx(path, test.SampleShape);
            var x = Batches.Of<float>(test, test.Count).Single().X;
            var nabla = Kernels.ArgMaxRows(model.Forward(x));
            var onnx = Kernels.ArgMaxRows(RunInOnnxRuntime(path, x, test.SampleShape));
            var (nablaCorrect, onnxCorrect) = (nabla.Where((c, i) => c == test.Labels![i]).Count(), onnx.Where((c, i) => c == test.Labels![i]).Count());
            Assert.True(nablaCorrect > 8500, $"the model should have learned something: {nablaCorrect} of {test.Count}");
            Assert.True(Math.Abs(nablaCorrect - onnxCorrect) <= 5, $"Nabla {nablaCorrect}, ONNX Runtime {onnxCorrect} correct of {test.Count}");
        }
        finally { File.Delete(path); }
    }
}
