using Nabla.Layers;
using Nabla.Models;
using Nabla.Serialization;
using Nabla.Tensors;

namespace Nabla.ScriptHost.Tests;

/// <summary>nabla export MODEL.safetensors MODEL.onnx: a saved model becomes an ONNX file, a bad one a one-line error.</summary>
public sealed class ExportTests(HostFolder folder) : IClassFixture<HostFolder>
{
    [Fact]
    public async Task A_saved_model_is_written_as_onnx_and_the_command_says_its_input_and_output()
    {
        var path = Path.Combine(folder.Path, "mlp.safetensors");
        Sequential.Of(Layer.Dense(784, 16, new Rng(1)), Layer.Relu(), Layer.Dense(16, 10, new Rng(2))).Save(path);
        var onnx = Path.Combine(folder.Path, "mlp.onnx");
        var run = await Host.InProcess(folder.Cache, ["export", path, onnx]);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("input \"input\" (batch, 784), output \"output\"", run.Output);
        Assert.True(new FileInfo(onnx).Length > 784 * 16 * 4, "the file holds the weights");
        Assert.False(File.Exists(onnx + ".tmp"));
    }

    [Fact]
    public async Task A_missing_model_or_a_bad_input_shape_is_one_line_and_exit_code_1()
    {
        var missing = await Host.InProcess(folder.Cache, ["export", Path.Combine(folder.Path, "none.safetensors"), "x.onnx"]);
        Assert.Equal(1, missing.ExitCode);
        Assert.StartsWith("nabla export:", missing.Error);
        Assert.DoesNotContain("   at ", missing.Error);

        var path = Path.Combine(folder.Path, "small.safetensors");
        Sequential.Of(Layer.Dense(4, 2, new Rng(1))).Save(path);
        var shape = await Host.InProcess(folder.Cache, ["export", path, Path.Combine(folder.Path, "small.onnx"), "--input-shape", "4,x"]);
        Assert.Equal(1, shape.ExitCode);
        Assert.Contains("--input-shape 4,x: give FEATURES (784) or C,H,W (1,28,28)", shape.Error);
    }
}
