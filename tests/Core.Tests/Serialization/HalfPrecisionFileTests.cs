using System.Text.Json;
using Nabla.Serialization;

namespace Nabla.Tests.Serialization;

/// <summary>Half-precision safetensors files written from PyTorch's own float16 and bfloat16 tensors
/// (fixtures/make_half_fixtures.py) decode to exactly the values PyTorch stored, and load into a model.</summary>
public class HalfPrecisionFileTests
{
    static readonly JsonElement Expected =
        JsonDocument.Parse(File.ReadAllText(Fixture("torch-mlp-half.json"))).RootElement.Clone();

    static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", name);

    [Theory]
    [InlineData("F16")]
    [InlineData("BF16")]
    public void Every_value_decodes_exactly(string dtype)
    {
        // Every F16 and BF16 value is exactly a double, so the comparison is exact, edge values included (the last
        // bias holds subnormals, the smallest normal and the largest finite values of each format).
        var (tensors, _) = SafeTensors.Read(Fixture($"torch-mlp-{dtype.ToLowerInvariant()}.safetensors"));
        var parameters = Expected.GetProperty(dtype).GetProperty("parameters");
        Assert.Equal(parameters.EnumerateObject().Select(p => p.Name).Order(), tensors.Keys.Order());
        foreach (var p in parameters.EnumerateObject())
        {
            Assert.Equal(p.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()), tensors[p.Name].Shape);
            Assert.Equal(p.Value.GetProperty("data").EnumerateArray().Select(v => v.GetDouble()), tensors[p.Name].Values);
        }
    }

    [Theory]
    [InlineData("F16")]
    [InlineData("BF16")]
    public void A_half_precision_pytorch_model_loads_and_predicts_as_in_pytorch(string dtype)
    {
        double[][] Rows(JsonElement e) => e.EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        var model = Sequential.Of<double>(Layer<double>.Dense(4, 3, new Rng(0)), new Tanh<double>(), Layer<double>.Dense(3, 3, new Rng(0)))
            .LoadWeights(Fixture($"torch-mlp-{dtype.ToLowerInvariant()}.safetensors"));
        var y = model.Forward(Matrix<double>.Build.DenseOfRowArrays(Rows(Expected.GetProperty("input"))));
        TestSupport.AssertClose(Matrix<double>.Build.DenseOfRowArrays(Rows(Expected.GetProperty(dtype).GetProperty("output"))), y, 1e-12, $"{dtype} model output");
    }
}
