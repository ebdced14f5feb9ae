using Nabla.Serialization;

namespace Nabla.Tests.Serialization;

/// <summary>Save then load gives back every layer of every kind, with its configuration and every parameter bit for
/// bit, in float and in double.</summary>
public sealed class ModelRoundTripTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("nabla-roundtrip-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>One layer of each kind LayerSpec knows (a test below checks the list is complete), with non-default
    /// configurations and non-zero biases, so a kind rebuilt as another kind, a lost setting or a lost tensor shows.</summary>
    static Sequential<T> EveryKind<T>(Rng rng) where T : struct, IFloatingPointIeee754<T>
    {
        Dense<T> Dense(int inputs, int outputs) => Layer<T>.Dense(inputs, outputs, rng) with
        {
            Bias = Matrix<T>.Build.Dense(1, outputs, (_, _) => T.CreateChecked(rng.Uniform(-1, 1))),
        };
        return Sequential.Of<T>(
            Dense(5, 7), new Relu<T>(), Dense(7, 6), new LeakyRelu<T>(0.3), Dense(6, 6), new Tanh<T>(), Dense(6, 5), new Sigmoid<T>(),
            new Dropout<T>(0.25), Dense(5, 4), new Linear<T>(), Dense(4, 4), new Softmax<T>(), Dense(4, 3), new LogSoftmax<T>());
    }

    [Fact]
    public void The_model_covers_every_layer_kind_that_can_be_saved()
    {
        var kinds = EveryKind<float>(new Rng(1)).Layers.Select(l => LayerSpec.Describe(l)["type"]!.GetValue<string>()).ToHashSet();
        Assert.Equal(["dense", "dropout", "leaky_relu", "linear", "log_softmax", "relu", "sigmoid", "softmax", "tanh"], kinds.Order());
    }

    [Fact]
    public void Float_models_come_back_layer_for_layer() => RoundTrip<float>();

    [Fact]
    public void Double_models_come_back_layer_for_layer() => RoundTrip<double>();

    void RoundTrip<T>() where T : struct, IFloatingPointIeee754<T>
    {
        var model = EveryKind<T>(new Rng(4));
        var path = Path.Combine(_dir, $"{typeof(T).Name}.safetensors");
        model.Save(path);
        var loaded = ModelFile.Load<T>(path);
        Assert.Equal(model.Layers.Length, loaded.Layers.Length);
        for (var i = 0; i < model.Layers.Length; i++)
        {
            // Records compare their type, their settings and their matrices (MathNet's Equals is exact).
            Assert.True(model.Layers[i].Equals(loaded.Layers[i]), $"layer {i}: saved {model.Layers[i]}, loaded {loaded.Layers[i]}");
        }
        Assert.Equal(model.Parameters.Count, loaded.Parameters.Count);
        for (var p = 0; p < model.Parameters.Count; p++)
            Assert.Equal(TestSupport.Snapshot(model.Parameters[p]), TestSupport.Snapshot(loaded.Parameters[p]));
        // Weights-only files load into the same architecture built in code.
        var weights = Path.Combine(_dir, $"{typeof(T).Name}-weights.safetensors");
        ModelFile.SaveWeights(model, weights);
        var refilled = EveryKind<T>(new Rng(99)).LoadWeights(weights);
        for (var p = 0; p < model.Parameters.Count; p++)
            Assert.Equal(TestSupport.Snapshot(model.Parameters[p]), TestSupport.Snapshot(refilled.Parameters[p]));
    }
}
