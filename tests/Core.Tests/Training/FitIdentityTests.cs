namespace Nabla.Tests.Training;

/// <summary>A Fit's identity for its checkpoint: the fingerprint takes in every part of where the Fit starts (so a
/// resumed script that rebuilds another start is refused), and nothing else; the identity prints its settings.</summary>
public sealed class FitIdentityTests
{
    static Dense<double> Dense(int inputs, int outputs, double value = 0.5) =>
        new(Matrix<double>.Build.Dense(inputs, outputs, value), Matrix<double>.Build.Dense(1, outputs, value));

    static readonly Dataset Train = Dataset.Regression("line", [1, 2, 3, 4], 2, [0.5f, -1], 1);

    static string Fingerprint(Sequential<double> model, IOptimizer? optimizer = null, Dataset? train = null,
        ulong seed = 7, long step = 0, RngState? shuffle = null, Func<IOptimizerState<double>, IOptimizerState<double>>? changeState = null)
    {
        var state = TrainState<double>.Create(model, optimizer ?? new Sgd(), seed) with { Step = step };
        state = state with { OptimizerState = (changeState ?? (s => s))(state.OptimizerState) };
        var start = FitProgress<double>.Start(state, 1, shuffle ?? new Rng(3).State, null);
        return FitIdentity.FingerprintOf(start, train ?? Train);
    }

    /// <summary>The state with its tensors (or scalars) changed by <paramref name="change"/>, as a checkpoint would load it.</summary>
    static Func<IOptimizerState<double>, IOptimizerState<double>> Changed(Func<StateDict<double>, StateDict<double>> change) =>
        s => s.LoadStateDict(change(s.ToStateDict()));

    [Fact]
    public void The_fingerprint_is_a_fixed_sha256_of_the_start_the_same_on_every_machine_and_run()
    {
        // Pinned: a checkpoint written on another machine, or by an earlier run, must be recognized as this Fit's. The value
        // was checked once with Python's hashlib.sha256 over the recipe's bytes, each text line ending in "\n":
        // "0.weight 2x3", six little-endian doubles 0.25, "0.bias 1x3", three more, "count 0" (Sgd's only state),
        // "seed 0000000000000007 step 0 shuffle {Rng(3).State}", "train 2x2→1", then the targets as floats 0.5, −1.
        var model = Sequential.Of(Dense(2, 3, 0.25), new Relu<double>());
        Assert.Equal(Fingerprint(model), Fingerprint(Sequential.Of(Dense(2, 3, 0.25), new Relu<double>())));
        Assert.Equal("40d002d53eeacb1e36d0f520d6a4279a055370bfdb2551fb2fafcb89937e1438", Fingerprint(model));
    }

    [Fact]
    public void Every_tensor_value_and_shape_of_the_model_changes_the_fingerprint()
    {
        var reference = Fingerprint(Sequential.Of(Dense(2, 3), Dense(3, 2)));
        var last = Dense(2, 3);
        last.Weights[1, 2] = 0.75;   // the last value of a 2×3 tensor (column-major: index 5)
        Assert.NotEqual(reference, Fingerprint(Sequential.Of(last, Dense(3, 2))));
        // The same 17 values (6 + 3 + 6 + 2) in tensors of other shapes.
        Assert.NotEqual(reference, Fingerprint(Sequential.Of(Dense(3, 2), Dense(2, 3))));

        // Batch norm's running statistics are state, not parameters: they count too.
        static BatchNorm<double> Norm(double mean) => new(Matrix<double>.Build.Dense(1, 2, 1), Matrix<double>.Build.Dense(1, 2, 0),
            Matrix<double>.Build.Dense(1, 2, mean), Matrix<double>.Build.Dense(1, 2, 1), Matrix<double>.Build.Dense(1, 1, 0));
        Assert.NotEqual(Fingerprint(Sequential.Of<double>(Norm(0))), Fingerprint(Sequential.Of<double>(Norm(0.5))));
    }

    [Fact]
    public void The_optimizer_states_tensors_and_scalars_change_the_fingerprint()
    {
        var model = Sequential.Of(Dense(2, 1));
        var momentum = new Sgd(Momentum: 0.9);
        var velocity = Changed(d => new StateDict<double>(d.Tensors.WithTensors([.. d.Tensors.Tensors.Select(t => t.Map(v => v + 1))]), d.Scalars));
        Assert.NotEqual(Fingerprint(model, momentum), Fingerprint(model, momentum, changeState: velocity));
        var adam = new Adam();
        var count = Changed(d => new StateDict<double>(d.Tensors, [.. d.Scalars.Select(s => (s.Name, s.Value + 1))]));
        Assert.NotEqual(Fingerprint(model, adam), Fingerprint(model, adam, changeState: count));
    }

    [Fact]
    public void The_seed_step_shuffle_and_training_data_change_the_fingerprint()
    {
        var model = Sequential.Of(Dense(2, 1));
        var reference = Fingerprint(model);
        Assert.NotEqual(reference, Fingerprint(model, seed: 8));
        Assert.NotEqual(reference, Fingerprint(model, step: 1));
        Assert.NotEqual(reference, Fingerprint(model, shuffle: new Rng(4).State));
        Assert.NotEqual(reference, Fingerprint(model, train: Train with { Targets = [0.5f, 1] }));
        // The same features and targets, read as one sample of four features: another training set.
        Assert.NotEqual(reference, Fingerprint(model, train: Dataset.Regression("line", [1, 2, 3, 4], 4, [0.5f, -1], 2)));
    }

    [Fact]
    public void The_identity_prints_its_number_epochs_first_epoch_and_batch_size()
    {
        var info = new FitInfo(Epochs: 5, BatchesPerEpoch: 10, BatchSize: 64, TrainSamples: 640, ValidationSamples: null, "mse", "Sgd()");
        Assert.Equal("Fit 1 (5 epochs from epoch 1, batch size 64)", new FitIdentity(1, info, null, "00").ToString());
        Assert.Equal("Fit 2 (5 epochs from epoch 4, batch size 64)", new FitIdentity(2, info with { InitialEpoch = 3 }, null, "00").ToString());
    }
}
