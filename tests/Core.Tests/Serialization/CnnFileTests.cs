using System.Text.Json;
using Nabla.Serialization;

namespace Nabla.Tests.Serialization;

/// <summary>
/// CNN files between Nabla and PyTorch. fixtures/torch-cnn.safetensors was written by PyTorch (fixtures/torch_cnn.py
/// make): a CNN with batch norm after a few training steps, and its eval-mode outputs. fixtures/nabla-cnn.safetensors is
/// what Nabla writes for the model <see cref="NablaCnn"/> builds (a test keeps it so, byte for byte), and
/// fixtures/nabla-cnn.json its inputs and Nabla's outputs: <c>/usr/bin/python3 torch_cnn.py check nabla-cnn.safetensors
/// nabla-cnn.json</c> loads it into the equivalent nn.Sequential and compares.
/// </summary>
public class CnnFileTests
{
    static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", name);

    static (Matrix<double> X, Matrix<double> Y) Expected(string json)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Fixture(json)));
        static double[] Flat(JsonElement e) => e.ValueKind == JsonValueKind.Array ? [.. e.EnumerateArray().SelectMany(Flat)] : [e.GetDouble()];
        var input = document.RootElement.GetProperty("input");
        var output = document.RootElement.GetProperty("output");
        var n = input.GetArrayLength();
        var (x, y) = (Flat(input), Flat(output));
        return (Kernels.FromRowMajor<double>(n, x.Length / n, x), Kernels.FromRowMajor<double>(n, y.Length / n, y));
    }

    // PyTorch's model, layer for layer (its global average pool is one nn.Sequential(AdaptiveAvgPool2d(1), Flatten()),
    // so the indices, and with them the tensor names, agree).
    static Sequential<T> TorchCnn<T>() where T : struct, IFloatingPointIeee754<T>
    {
        var rng = new Rng(1);   // any weights: the file replaces them all
        return Sequential.Of(SampleShape.Image(1, 10, 10),
            Layer<T>.Conv2D(1, 4, 3, rng, padding: 1), Layer<T>.BatchNorm(4), Layer<T>.Relu(), Layer<T>.MaxPool2D(2),
            Layer<T>.Conv2D(4, 6, 3, rng, stride: 2, padding: 1, bias: false), Layer<T>.BatchNorm(6), Layer<T>.Relu(),
            Layer<T>.GlobalAveragePool2D(), Layer<T>.Dense(6, 5, rng), Layer<T>.BatchNorm(5));
    }

    [Fact]
    public void A_pytorch_cnn_with_batch_norm_loads_and_gives_pytorchs_outputs()
    {
        var (x, expected) = Expected("torch-cnn.json");
        var model = ModelFile.LoadWeights(TorchCnn<double>(), Fixture("torch-cnn.safetensors"));
        TestSupport.AssertClose(expected, model.Forward(x), 1e-9, "float64 outputs");
        Assert.Equal(3, model.State["1.num_batches_tracked"][0, 0]);   // int64 in the file
        Assert.Equal(3, model.State["9.num_batches_tracked"][0, 0]);

        var single = ModelFile.LoadWeights(TorchCnn<float>(), Fixture("torch-cnn.safetensors"));
        var y = single.Forward(x.Map(v => (float)v));
        for (var i = 0; i < y.RowCount; i++)
            for (var j = 0; j < y.ColumnCount; j++)
                Assert.True(Math.Abs(y[i, j] - expected[i, j]) <= 1e-5 * Math.Max(1, Math.Abs(expected[i, j])),
                    $"float32 output [{i},{j}]: {y[i, j]} vs PyTorch's {expected[i, j]}");
    }

    /// <summary>The model behind fixtures/nabla-cnn.*: every image layer, with weights, biases and batch-norm state drawn
    /// from a fixed seed (no training: no product whose rounding could differ between GEMM backends).</summary>
    static Sequential<float> NablaCnn()
    {
        var rng = new Rng(2024);
        Matrix<float> Random(int columns, double low, double high) => Matrix<float>.Build.Dense(1, columns, (_, _) => (float)rng.Uniform(low, high));
        BatchNorm<float> Norm(int c) => Layer.BatchNorm(c) with
        {
            Gamma = Random(c, 0.5, 1.5), Beta = Random(c, -0.5, 0.5), RunningMean = Random(c, -0.5, 0.5), RunningVariance = Random(c, 0.5, 2),
            BatchesTracked = Matrix<float>.Build.Dense(1, 1, 7),
        };
        return Sequential.Of(SampleShape.Image(1, 10, 10),
            Layer.Conv2D(1, 4, 3, rng, padding: "same"), Norm(4), Layer.Relu(), Layer.MaxPool2D(2),
            Layer.Conv2D(4, 6, 3, rng, stride: 2, padding: 1, bias: false), Layer.AvgPool2D(2, stride: 1), Norm(6), Layer.LeakyRelu(0.1),
            Layer.Flatten(), Layer.Dense(24, 8, Init.Uniform(0.3), rng), Layer.Dropout(0.25), Layer.Tanh(), Layer.Dense(8, 5, Init.Uniform(0.3), rng), Norm(5));
    }

    [Fact]
    public void Nabla_writes_the_cnn_file_pytorch_checks_and_reads_it_back()
    {
        var model = NablaCnn();
        var written = Path.Combine(Path.GetTempPath(), $"nabla-cnn-{Guid.NewGuid():N}.safetensors");
        try
        {
            model.Save(written);
            var inputs = new Rng(7);
            var x = Matrix<float>.Build.Dense(3, 100, (_, _) => (float)inputs.Uniform(-1, 1));
            var y = model.Forward(x);
            if (Environment.GetEnvironmentVariable("NABLA_UPDATE_FIXTURES") == "1")
            {
                // Rewrites the committed fixtures: NABLA_UPDATE_FIXTURES=1 dotnet test --filter Nabla_writes_the_cnn_file
                var folder = Path.Combine(TestSupport.RepoRoot, "tests", "Core.Tests", "fixtures");
                File.Copy(written, Path.Combine(folder, "nabla-cnn.safetensors"), overwrite: true);
                static double[][][][] Images(Matrix<float> m) => [.. Enumerable.Range(0, m.RowCount).Select(n =>
                    new[] { Enumerable.Range(0, 10).Select(h => Enumerable.Range(0, 10).Select(w => (double)m[n, h * 10 + w]).ToArray()).ToArray() })];
                File.WriteAllText(Path.Combine(folder, "nabla-cnn.json"), JsonSerializer.Serialize(new
                {
                    input = Images(x),
                    output = Enumerable.Range(0, y.RowCount).Select(n => Enumerable.Range(0, y.ColumnCount).Select(j => (double)y[n, j]).ToArray()),
                }));
            }
            Assert.Equal(File.ReadAllBytes(Fixture("nabla-cnn.safetensors")), File.ReadAllBytes(written));   // what the committed file is
            var (fixtureX, fixtureY) = Expected("nabla-cnn.json");
            Assert.Equal(TestSupport.Snapshot(x.Map(v => (double)v)), TestSupport.Snapshot(fixtureX));
            var loaded = ModelFile.Load<float>(written);
            Assert.Equal(model.ToString(), loaded.ToString());
            Assert.Equal(model.InputShape, loaded.InputShape);
            Assert.Equal(model.State.Names.ToArray(), loaded.State.Names.ToArray());
            for (var i = 0; i < model.State.Count; i++) Assert.Equal(TestSupport.Snapshot(model.State[i]), TestSupport.Snapshot(loaded.State[i]));
            var reloaded = loaded.Forward(x);
            for (var i = 0; i < y.RowCount; i++)
                for (var j = 0; j < y.ColumnCount; j++)
                {
                    Assert.Equal(y[i, j], reloaded[i, j]);
                    Assert.True(Math.Abs(y[i, j] - fixtureY[i, j]) <= 1e-5, $"output [{i},{j}]: {y[i, j]} vs the fixture's {fixtureY[i, j]}");
                }
        }
        finally { File.Delete(written); }
    }

    [Fact]
    public void A_cnn_file_holds_pytorchs_names_shapes_and_an_int64_batch_count()
    {
        var header = SafeTensorsHeader.Read(File.OpenRead(Fixture("nabla-cnn.safetensors")), "nabla-cnn");
        Assert.Equal([4, 1, 3, 3], header.Find("0.weight")!.Shape);
        Assert.Equal([4], header.Find("0.bias")!.Shape);
        Assert.Equal([6, 4, 3, 3], header.Find("4.weight")!.Shape);
        Assert.Null(header.Find("4.bias"));
        Assert.Equal([8, 24], header.Find("9.weight")!.Shape);
        foreach (var name in new[] { "1.weight", "1.bias", "1.running_mean", "1.running_var" })
            Assert.Equal([4], header.Find(name)!.Shape);
        Assert.Equal("I64", header.Find("1.num_batches_tracked")!.DType);
        Assert.Empty(header.Find("1.num_batches_tracked")!.Shape);
        Assert.Contains("\"input_shape\":[1,10,10]", header.Metadata[ModelFile.ArchitectureKey]);
    }
}
