using FsCheck.Xunit;

namespace Nabla.Tests.Layers;

/// <summary>
/// The contract every layer keeps, run over each one (a subclass per layer below): the gradient property against central
/// differences, output and gradient shapes, purity, state, and its self-description (rebuilt from it, it computes the
/// same). <see cref="Every_layer_type_has_a_contract_entry"/> fails when a layer type has no entry here.
/// </summary>
public abstract class LayerContract
{
    /// <summary>The layer for a random case, its parameters drawn from <paramref name="rng"/>.</summary>
    protected abstract ILayer<double> Build(LayerCase c, Rng rng);

    /// <summary>The shape of the input samples for a case: a feature vector unless the layer takes images.</summary>
    protected virtual SampleShape InputShape(LayerCase c) => SampleShape.Features(c.Features);

    /// <summary>An input batch. Default: uniform in ±5 (inside softmax's unsaturated range; see each override for why
    /// some layers need other inputs).</summary>
    protected virtual Matrix<double> Input(LayerCase c, SampleShape shape, Rng rng) => TestSupport.Random(rng, c.N, shape.Size, -5, 5);

    /// <summary>The relative tolerance of the gradient check.</summary>
    protected virtual double Tolerance => 1e-6;

    [Property(MaxTest = 100, Replay = TestSupport.Replay, Arbitrary = [typeof(LayerCases)])]
    public Property Gradients_match_central_differences(LayerCase c)
    {
        var rng = c.Rng();
        var layer = Build(c, rng);
        var shape = InputShape(c);
        var result = GradientCheck.Layer(layer, Input(c, shape, rng), shape, rng);
        return result.Passed(Tolerance).Label($"{layer} on {shape}, {c}: {result}");
    }

    [Property(MaxTest = 50, Replay = TestSupport.Replay, Arbitrary = [typeof(LayerCases)])]
    public void Shapes_agree_and_nothing_is_mutated(LayerCase c)
    {
        var rng = c.Rng();
        var layer = Build(c, rng);
        var shape = InputShape(c);
        var x = Input(c, shape, rng);
        var parameters = layer.Parameters.Select(TestSupport.Snapshot).ToArray();
        var state = layer.State.Select(TestSupport.Snapshot).ToArray();
        var xBefore = TestSupport.Snapshot(x);

        var output = layer.OutputShape(shape);
        var y = layer.Forward(x, shape);
        var trace = layer.ForwardTrain(x, shape, new Rng(1));
        var dy = TestSupport.Random(rng, y.RowCount, y.ColumnCount);
        var dyBefore = TestSupport.Snapshot(dy);
        var outputBefore = TestSupport.Snapshot(trace.Output);
        var backprop = layer.Backward(trace, dy);

        Assert.Equal((x.RowCount, output.Size), (y.RowCount, y.ColumnCount));
        Assert.Equal((x.RowCount, output.Size), (trace.Output.RowCount, trace.Output.ColumnCount));
        Assert.Equal((x.RowCount, shape.Size), (backprop.InputGradient!.RowCount, backprop.InputGradient.ColumnCount));
        var gradients = backprop.Gradient.Tensors;
        Assert.Equal(layer.Parameters.Count, gradients.Count);
        for (var p = 0; p < gradients.Count; p++)
        {
            Assert.Equal((layer.Parameters[p].RowCount, layer.Parameters[p].ColumnCount), (gradients[p].RowCount, gradients[p].ColumnCount));
            Assert.Equal(parameters[p], TestSupport.Snapshot(layer.Parameters[p]));
        }
        for (var s = 0; s < state.Length; s++) Assert.Equal(state[s], TestSupport.Snapshot(layer.State[s]));
        Assert.Equal(xBefore, TestSupport.Snapshot(x));
        Assert.Equal(dyBefore, TestSupport.Snapshot(dy));
        Assert.Equal(outputBefore, TestSupport.Snapshot(trace.Output));
        Assert.Null(layer.Backward(trace, dy, needInputGradient: false).InputGradient);
        // New state, if any, is shaped like the old, in a new layer; the old one is untouched (checked above).
        Assert.Equal(layer.StateNames.Count, layer.State.Count);
        if (trace.State is { } next)
        {
            Assert.Equal(layer.State.Count, next.Count);
            for (var s = 0; s < next.Count; s++)
                Assert.Equal((layer.State[s].RowCount, layer.State[s].ColumnCount), (next[s].RowCount, next[s].ColumnCount));
        }
    }

    [Property(MaxTest = 20, Replay = TestSupport.Replay, Arbitrary = [typeof(LayerCases)])]
    public void Its_description_rebuilds_a_layer_that_computes_the_same(LayerCase c)
    {
        var rng = c.Rng();
        var layer = Build(c, rng);
        var shape = InputShape(c);
        var description = layer.Describe()!;
        var tensors = layer.Parameters.Concat(layer.State).ToArray();

        Assert.Equal([.. layer.ParameterNames, .. layer.StateNames], description.Tensors.Select(t => t.Name));
        Assert.Equal(layer.Parameters.Count, description.Tensors.Count(t => t.Role == TensorRole.Parameter));
        for (var i = 0; i < tensors.Length; i++)
            Assert.Equal(description.Tensors[i].MatrixShape, (tensors[i].RowCount, tensors[i].ColumnCount));

        // Through JSON text, as a file carries it.
        var config = LayerConfig.FromJson((System.Text.Json.Nodes.JsonObject)System.Text.Json.Nodes.JsonNode.Parse(description.Config.ToString())!);
        Assert.Equal(description.Tensors.Select(t => t.ToString()), LayerTypes.TensorsFor(description.Type, config).Select(t => t.ToString()));
        var rebuilt = LayerTypes.Build(description.Type, config, tensors);
        Assert.Equal(layer.GetType(), rebuilt.GetType());
        Assert.Equal(description.ToString(), rebuilt.Describe()!.ToString());
        var x = Input(c, shape, rng);
        Assert.Equal(TestSupport.Snapshot(layer.Forward(x, shape)), TestSupport.Snapshot(rebuilt.Forward(x, shape)));
        Assert.Equal(TestSupport.Snapshot(layer.ForwardTrain(x, shape, new Rng(3)).Output), TestSupport.Snapshot(rebuilt.ForwardTrain(x, shape, new Rng(3)).Output));
    }

    /// <summary>The layer under test for the smallest case (what the coverage check reads).</summary>
    internal ILayer<double> Sample() => Build(LayerCases.Smallest, new Rng(1));
}

/// <summary>The harness covers every layer type: <see cref="LayerTypes"/> lists none without an entry below.</summary>
public sealed class LayerContractCoverageTests
{
    [Fact]
    public void Every_layer_type_has_a_contract_entry()
    {
        var covered = typeof(LayerContract).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(LayerContract)) && !t.IsAbstract)
            .Select(t => ((LayerContract)Activator.CreateInstance(t)!).Sample().Describe()!.Type);
        var missing = LayerTypes.Names.Except(covered).ToArray();
        Assert.True(missing.Length == 0, $"No LayerContract entry for {string.Join(", ", missing)}: add one to LayerContractTests.cs.");
    }
}

/// <summary>A random layer case: a batch of N samples, a feature width and an output width (dense layers), an image
/// C×H×W, and a window (kernel, stride, padding) for convolutions and pooling; Seed draws the values.</summary>
public sealed record LayerCase(int N, int Features, int Outputs, int C, int H, int W, int Kernel, int Stride, int Padding, ulong Seed)
{
    public Rng Rng() => new(Seed);
}

/// <summary>FsCheck generators for <see cref="LayerCase"/>: small sizes (finite differences are O(values²)), shrinking
/// toward the smallest case.</summary>
public static class LayerCases
{
    public static readonly LayerCase Smallest = new(1, 1, 1, 1, 1, 1, 1, 1, 0, 0);

    public static Arbitrary<LayerCase> Cases() => Arb.From(
        from n in Gen.Choose(1, 4)
        from features in Gen.Choose(1, 7)
        from outputs in Gen.Choose(1, 5)
        from c in Gen.Choose(1, 3)
        from h in Gen.Choose(1, 6)
        from w in Gen.Choose(1, 6)
        from kernel in Gen.Choose(1, 4)
        from stride in Gen.Choose(1, 3)
        from padding in Gen.Choose(0, 2)
        from seed in Gen.Choose(0, int.MaxValue)
        select new LayerCase(n, features, outputs, c, h, w, kernel, stride, padding, (ulong)seed),
        Shrink);

    static IEnumerable<LayerCase> Shrink(LayerCase c)
    {
        if (c.N > 1) yield return c with { N = c.N - 1 };
        if (c.Features > 1) yield return c with { Features = c.Features - 1 };
        if (c.Outputs > 1) yield return c with { Outputs = c.Outputs - 1 };
        if (c.C > 1) yield return c with { C = c.C - 1 };
        if (c.H > 1) yield return c with { H = c.H - 1 };
        if (c.W > 1) yield return c with { W = c.W - 1 };
        if (c.Kernel > 1) yield return c with { Kernel = c.Kernel - 1 };
        if (c.Stride > 1) yield return c with { Stride = c.Stride - 1 };
        if (c.Padding > 0) yield return c with { Padding = c.Padding - 1 };
    }
}

// ---- One entry per layer type. -------------------------------------------------------------------------------------

public sealed class DenseContract : LayerContract
{
    protected override ILayer<double> Build(LayerCase c, Rng rng) =>
        new Dense<double>(Init.Uniform(1).Draw<double>(c.Features, c.Outputs, rng), TestSupport.Random(rng, 1, c.Outputs));
}

/// <summary>Inputs away from ReLU's kink (|x| ≥ 1e-3, far above the 1e-6 difference step), where finite differences
/// straddle two slopes.</summary>
public abstract class KinkedContract : LayerContract
{
    protected override Matrix<double> Input(LayerCase c, SampleShape shape, Rng rng) =>
        TestSupport.Random(rng, c.N, shape.Size).Map(v => Math.CopySign(1e-3 + Math.Abs(v), v));
}

public sealed class ReluContract : KinkedContract
{
    protected override ILayer<double> Build(LayerCase c, Rng rng) => new Relu<double>();
}

public sealed class LeakyReluContract : KinkedContract
{
    protected override ILayer<double> Build(LayerCase c, Rng rng) => new LeakyRelu<double>(0.1);
}

public sealed class SigmoidContract : LayerContract
{
    protected override ILayer<double> Build(LayerCase c, Rng rng) => new Sigmoid<double>();
}

public sealed class TanhContract : LayerContract
{
    protected override ILayer<double> Build(LayerCase c, Rng rng) => new Tanh<double>();
}

public sealed class SoftmaxContract : LayerContract
{
    protected override ILayer<double> Build(LayerCase c, Rng rng) => new Softmax<double>();
}

public sealed class LogSoftmaxContract : LayerContract
{
    protected override ILayer<double> Build(LayerCase c, Rng rng) => new LogSoftmax<double>();
}

public sealed class LinearContract : LayerContract
{
    protected override ILayer<double> Build(LayerCase c, Rng rng) => new Linear<double>();
}

/// <summary>The check reseeds the training forward identically for every difference, so each sees the same mask.</summary>
public sealed class DropoutContract : LayerContract
{
    protected override ILayer<double> Build(LayerCase c, Rng rng) => new Dropout<double>(0.4);
}

/// <summary>Layers that take images: the case's C×H×W, inputs uniform in ±3.</summary>
public abstract class ImageContract : LayerContract
{
    protected override SampleShape InputShape(LayerCase c) => SampleShape.Image(c.C, c.H, c.W);

    protected override Matrix<double> Input(LayerCase c, SampleShape shape, Rng rng) => TestSupport.Random(rng, c.N, shape.Size);

    /// <summary>The case's padding, or "same" for a quarter of the cases.</summary>
    protected static Padding PaddingOf(LayerCase c) => c.Seed % 4 == 0 ? Padding.Same : c.Padding;

    /// <summary>The case's kernel, cut down to fit the padded image (a window larger than its input is an error, tested apart).</summary>
    protected static int KernelOf(LayerCase c, Padding padding) =>
        padding.IsSame ? c.Kernel : Math.Min(c.Kernel, Math.Min(c.H, c.W) + 2 * padding.Pixels);
}

public sealed class FlattenContract : ImageContract
{
    protected override ILayer<double> Build(LayerCase c, Rng rng) => new Flatten<double>();
}

/// <summary>Random channels, kernel, stride and padding (valid, numbers, "same"), with and without bias.</summary>
public sealed class Conv2DContract : ImageContract
{
    protected override ILayer<double> Build(LayerCase c, Rng rng)
    {
        var padding = PaddingOf(c);
        var kernel = KernelOf(c, padding);
        return Layer<double>.Conv2D(c.C, c.Outputs, kernel, rng, c.Stride, padding, bias: c.Seed % 3 != 1);
    }
}

/// <summary>Inputs are distinct values at least 0.01 apart (a shuffled grid): a tie within the 1e-6 difference step
/// would let a difference move the maximum to another pixel, where the derivative jumps.</summary>
public sealed class MaxPool2DContract : ImageContract
{
    protected override ILayer<double> Build(LayerCase c, Rng rng)
    {
        var size = Math.Min(c.Kernel, Math.Min(c.H, c.W) + 2 * Math.Min(c.Padding, c.Kernel / 2));
        return new MaxPool2D<double>(size, c.Stride, Math.Min(c.Padding, size / 2));
    }

    protected override Matrix<double> Input(LayerCase c, SampleShape shape, Rng rng)
    {
        var order = rng.Permutation(c.N * shape.Size);
        return Matrix<double>.Build.Dense(c.N, shape.Size, (i, j) => 0.01 * order[j * c.N + i] - 1 + 0.001 * rng.Uniform(0, 1));
    }
}

public sealed class AvgPool2DContract : ImageContract
{
    protected override ILayer<double> Build(LayerCase c, Rng rng)
    {
        var size = Math.Min(c.Kernel, Math.Min(c.H, c.W) + 2 * Math.Min(c.Padding, c.Kernel / 2));
        return new AvgPool2D<double>(size, c.Stride, Math.Min(c.Padding, size / 2));
    }
}

public sealed class GlobalAveragePool2DContract : ImageContract
{
    protected override ILayer<double> Build(LayerCase c, Rng rng) => new GlobalAveragePool2D<double>();
}

/// <summary>Training mode over the channels of an image (even seeds) or the features of a dense batch (odd seeds), with
/// random γ, β and running statistics. At least 3 values per channel: with 2, x̂ = ±1 whatever x is (up to ε), so dx is
/// of the order of ε and a finite difference of an almost flat function says nothing. The gradient goes through the
/// batch statistics.</summary>
public sealed class BatchNormContract : LayerContract
{
    protected override SampleShape InputShape(LayerCase c) => c.Seed % 2 == 0 ? SampleShape.Image(c.C, c.H, c.W) : SampleShape.Features(c.Features);

    protected override Matrix<double> Input(LayerCase c, SampleShape shape, Rng rng) => TestSupport.Random(rng, c.N + 2, shape.Size);

    protected override ILayer<double> Build(LayerCase c, Rng rng)
    {
        var features = InputShape(c).Channels;
        return Layer<double>.BatchNorm(features) with
        {
            Gamma = TestSupport.Random(rng, 1, features), Beta = TestSupport.Random(rng, 1, features),
            RunningMean = TestSupport.Random(rng, 1, features), RunningVariance = TestSupport.Random(rng, 1, features, 0.5, 2),
            BatchesTracked = Matrix<double>.Build.Dense(1, 1, 3),
        };
    }
}
