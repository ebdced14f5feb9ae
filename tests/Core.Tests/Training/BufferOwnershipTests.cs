namespace Nabla.Tests.Training;

/// <summary>Fit recycles its buffers, yet whatever a script's layer, loss, optimizer or observer keeps stays as it was,
/// and Fit stays a fold of Step whatever state the optimizer carries.</summary>
public class BufferOwnershipTests
{
    static Dataset Noise(int samples, int features, int classes, ulong seed)
    {
        var rng = new Rng(seed);
        var x = Enumerable.Range(0, samples * features).Select(_ => (float)rng.Uniform(-1, 1)).ToArray();
        return Dataset.Classification("noise", x, features, Enumerable.Range(0, samples).Select(i => i % classes).ToArray(), classes);
    }

    /// <summary>What someone kept, with a copy of its values when they kept it.</summary>
    sealed class Keeper
    {
        readonly List<(string What, Matrix<float> Kept, float[] Then)> kept = [];

        public void Keep(string what, Matrix<float> m) => kept.Add((what, m, TestSupport.Snapshot(m)));

        public int Count => kept.Count;

        public void AssertIntact()
        {
            foreach (var (what, m, then) in kept) Assert.True(then.SequenceEqual(Kernels.Values(m)), $"{what} was overwritten after it was kept");
        }
    }

    /// <summary>A layer as a script writes one: y = x², keeping every input, output and dy it sees (a cache, a log).</summary>
    sealed record KeepingSquare(Keeper Keeper) : ILayer<float>
    {
        public Matrix<float> Forward(Matrix<float> x, SampleShape input)
        {
            var y = Kernels.UninitializedLike(x);   // as the conventions say a layer allocates
            x.PointwiseMultiply(x, y);
            Keeper.Keep("an input", x);
            Keeper.Keep("an output", y);
            return y;
        }

        public Backprop<float> Backward(Trace<float> trace, Matrix<float> dy, bool needInputGradient = true)
        {
            Keeper.Keep("a dy", dy);
            return new(new NoGradient(), dy.PointwiseMultiply(trace.Input) * 2);   // dx = 2x·dy
        }

        sealed record NoGradient : IGradient<float>
        {
            public IReadOnlyList<Matrix<float>> Tensors => [];
        }
    }

    /// <summary>A loss as a script writes one: softmax cross-entropy, keeping each prediction and target.</summary>
    sealed record KeepingLoss(Keeper Keeper) : ILoss
    {
        public string Name => "keeping";

        public LossResult<T> Evaluate<T>(Matrix<T> prediction, Matrix<T> target) where T : struct, IFloatingPointIeee754<T>
        {
            if (prediction is Matrix<float> p && target is Matrix<float> t)
            {
                Keeper.Keep("a prediction", p);
                Keeper.Keep("a target", t);
            }
            return Loss.SoftmaxCrossEntropy.Evaluate(prediction, target);
        }

        public Matrix<T> Activate<T>(Matrix<T> output) where T : struct, IFloatingPointIeee754<T> => Loss.SoftmaxCrossEntropy.Activate(output);
    }

    [Fact]
    public void What_a_scripts_layer_and_loss_keep_stays_intact_over_a_whole_Fit()
    {
        var keeper = new Keeper();
        var model = Sequential.Of(Layer.Dense(6, 5, new Rng(1)), new KeepingSquare(keeper), Layer.Dense(5, 3, new Rng(2)));
        model.Fit(Noise(48, 6, 3, 2), new KeepingLoss(keeper), new Sgd(0.1, Momentum: 0.9), epochs: 3, batchSize: 8, validation: null, new Rng(9));
        Assert.Equal(3 * 6 * 5, keeper.Count);   // 3 epochs × 6 steps × (input, output, dy, prediction, target)
        keeper.AssertIntact();
    }

    /// <summary>An observer that keeps the model of every epoch, and a copy of its weights then.</summary>
    sealed class KeepingObserver : IFitObserver
    {
        public Keeper Keeper { get; } = new();

        public bool OnEpochEnd<T>(EpochMetrics metrics, Sequential<T> model) where T : struct, IFloatingPointIeee754<T>
        {
            foreach (var (name, tensor) in model.Parameters.Names.Zip(model.Parameters.Tensors))
                Keeper.Keep($"epoch {metrics.Epoch}'s {name}", (Matrix<float>)(object)tensor);
            return true;
        }
    }

    [Fact]
    public void An_observer_that_keeps_the_model_of_every_epoch_keeps_them_intact()
    {
        var observer = new KeepingObserver();
        var model = Sequential.Of(Layer.Dense(6, 5, new Rng(1)), Layer.Relu(), Layer.Dense(5, 3, new Rng(2)));
        model.Fit(Noise(48, 6, 3, 2), Loss.SoftmaxCrossEntropy, new Adam(0.01), epochs: 4, batchSize: 8, validation: null, new Rng(9),
            observers: [observer]);
        Assert.Equal(4 * 4, observer.Keeper.Count);
        observer.Keeper.AssertIntact();
    }

    /// <summary>An optimizer as a script writes one, keeping last step's gradients by reference in its state and using
    /// them next step (the update is the mean of the two gradients).</summary>
    sealed record GradientAveragingSgd(double LearningRate) : IOptimizer
    {
        public IOptimizerState<T> Init<T>(Parameters<T> parameters) where T : struct, IFloatingPointIeee754<T> =>
            new Previous<T>(parameters.ZerosLike());

        public (Parameters<T> Updates, IOptimizerState<T> State) Update<T>(Parameters<T> gradients, IOptimizerState<T> state, Parameters<T> parameters)
            where T : struct, IFloatingPointIeee754<T>
        {
            var previous = ((Previous<T>)state).Gradients;
            var rate = T.CreateChecked(-LearningRate / 2);
            return (new Parameters<T>(gradients.Tensors.Select((g, i) => (g + previous[i]) * rate)), new Previous<T>(gradients));
        }
    }

    sealed record Previous<T>(Parameters<T> Gradients) : IOptimizerState<T> where T : struct, IFloatingPointIeee754<T>
    {
        public StateDict<T> ToStateDict() => StateDict<T>.Empty.With("previous", Gradients);

        public IOptimizerState<T> LoadStateDict(StateDict<T> contents) => new Previous<T>(contents.Slot("previous", Gradients)!);
    }

    /// <summary>Every built-in optimizer (each state it can carry), a script's optimizer, and a chain with a script's
    /// transform in it.</summary>
    static readonly Dictionary<string, IOptimizer> Optimizers = new()
    {
        ["sgd"] = new Sgd(0.1),
        ["momentum"] = new Sgd(0.1, Momentum: 0.9, WeightDecay: 1e-3),
        ["nesterov"] = new Sgd(0.1, Momentum: 0.9, Nesterov: true),
        ["adam"] = new Adam(0.01),
        ["adamw"] = new AdamW(0.01),
        ["adagrad"] = new Adagrad(0.1),
        ["rmsprop"] = new RmsProp(0.01, Momentum: 0.5, Centered: true),
        ["chain"] = new Chain(new ClipByGlobalNorm(1.0), new Scale(0.5), new Adam(0.01)),
        ["script"] = new GradientAveragingSgd(0.5),
        ["chain_with_script"] = new Chain(new GradientAveragingSgd(0.5), new Sgd(1.0, Momentum: 0.5)),
    };

    public static TheoryData<string> OptimizerNames() => [.. Optimizers.Keys];

    [Theory, MemberData(nameof(OptimizerNames))]
    public void Fit_equals_a_fold_of_Step_bit_for_bit(string name)
    {
        var optimizer = Optimizers[name];
        var data = Noise(48, 6, 3, 2);
        var model = Sequential.Of(
            Layer.Dense(6, 5, new Rng(1)) with { WeightRegularizer = Regularizer.L2(1e-3) }, Layer.Relu(), Layer.Dropout(0.2),
            Layer.Dense(5, 3, new Rng(2)));
        var fitted = model.Fit(data, Loss.SoftmaxCrossEntropy, optimizer, epochs: 3, batchSize: 8, validation: null, new Rng(9));

        var shuffle = new Rng(9);
        var state = TrainState<float>.Create(model, optimizer, shuffle.NextUInt64());
        for (var epoch = 0; epoch < 3; epoch++)
            foreach (var batch in Batches.Of<float>(data, 8, shuffle))
                (state, _) = Train.Step(state, batch.X, batch.Y, Loss.SoftmaxCrossEntropy);
        for (var i = 0; i < state.Model.Parameters.Count; i++)
            Assert.Equal(TestSupport.Snapshot(state.Model.Parameters[i]), TestSupport.Snapshot(fitted.Model.Parameters[i]));
        var (expected, actual) = (state.OptimizerState.ToStateDict(), fitted.State.OptimizerState.ToStateDict());
        Assert.Equal(expected.Tensors.Names.ToArray(), actual.Tensors.Names.ToArray());   // (ImmutableArray.Equals compares references)
        Assert.Equal(expected.Scalars.ToArray(), actual.Scalars.ToArray());
        for (var i = 0; i < expected.Tensors.Count; i++)
            Assert.Equal(TestSupport.Snapshot(expected.Tensors[i]), TestSupport.Snapshot(actual.Tensors[i]));
    }

    /// <summary>Bytes this thread allocates per training step within the last epoch, after its second step: the steady
    /// state (the JIT's and first-time allocations done; and the epoch's first steps left out, where the parameters
    /// handed to observers at the previous epoch's end are replaced by new memory: 1/938 of an MNIST epoch).</summary>
    sealed class AllocationWatch : IFitObserver
    {
        long start, steps;
        public double BytesPerStep { get; private set; }

        public void OnBatchEnd(BatchProgress progress)
        {
            if (progress.Epoch < progress.Epochs) return;
            if (progress.Batch <= 2) (start, steps) = (GC.GetAllocatedBytesForCurrentThread(), 0);
            else BytesPerStep = (GC.GetAllocatedBytesForCurrentThread() - start) / (double)++steps;
        }
    }

    /// <summary>The MLP, and a CNN small enough (13,610 parameters, 54 KB) that a step's fixed costs (records, traces,
    /// names) must stay under 5.4 KB: bench/compare.sh's tiny CNN.</summary>
    [Theory]
    [InlineData("mlp")]
    [InlineData("tiny cnn")]
    public void Fit_recycles_its_buffers_so_a_step_allocates_under_a_tenth_of_the_parameter_bytes(string name)
    {
        var rng = new Rng(3);
        var (model, optimizer, data) = name == "mlp"
            ? (Sequential.Of(Layer.Dense(784, 128, Init.He, rng), Layer.Relu(), Layer.Dense(128, 10, Init.Xavier, rng)), (IOptimizer)new Adam(),
               Noise(640, 784, 10, 4))
            : (Sequential.Of(Layer.Conv2D(1, 8, 3, rng), Layer.Relu(), Layer.MaxPool2D(2), Layer.Flatten(), Layer.Dense(1352, 10, Init.Xavier, rng)),
               new Sgd(0.01, Momentum: 0.9), Noise(640, 784, 10, 4).WithSampleShape(SampleShape.Image(1, 28, 28)));
        var watch = new AllocationWatch();
        model.Fit(data, Loss.SoftmaxCrossEntropy, optimizer, epochs: 3, batchSize: 64, validation: null, rng, observers: [watch]);
        var parameterBytes = model.ParameterCount * sizeof(float);
        Assert.True(watch.BytesPerStep <= 0.1 * parameterBytes,
            $"a step allocated {watch.BytesPerStep:F0} bytes, more than a tenth of the {parameterBytes} parameter bytes");
        Console.WriteLine($"allocated per step: {watch.BytesPerStep:F0} bytes ({watch.BytesPerStep / parameterBytes:P1} of the parameter bytes)");
    }
}
