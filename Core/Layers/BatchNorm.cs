using MathNet.Numerics.LinearAlgebra;

namespace Nabla.Layers;

/// <summary>
/// Batch normalization, PyTorch's nn.BatchNorm1d over the features of a dense input and nn.BatchNorm2d over the channels of
/// an image: y = γ_c·(x − μ_c)/√(σ²_c + ε) + β_c for every value x of feature or channel c. In training μ_c and σ²_c are the
/// batch's mean and biased variance over the N (dense) or N·H·W (image) values of c, and the running estimates move as
/// r ← (1 − Momentum)·r + Momentum·b (the unbiased variance for running_var); inference uses the running estimates. γ, β:
/// 1 × C (weight, bias); running_mean, running_var: 1 × C; num_batches_tracked: 1 × 1, the count of training batches.
/// </summary>
public sealed record BatchNorm<T> : IDescribedLayer<BatchNorm<T>, T> where T : struct, IFloatingPointIeee754<T>
{
    /// <summary>A batch norm with these parameters (γ, β) and state (running mean and variance, batches seen).</summary>
    public BatchNorm(Matrix<T> gamma, Matrix<T> beta, Matrix<T> runningMean, Matrix<T> runningVariance, Matrix<T> batchesTracked,
        double momentum = 0.1, double epsilon = 1e-5)
    {
        var c = gamma.ColumnCount;
        foreach (var (name, m, columns) in new[] { ("weight", gamma, c), ("bias", beta, c), ("running_mean", runningMean, c), ("running_var", runningVariance, c), ("num_batches_tracked", batchesTracked, 1) })
            if (m.RowCount != 1 || m.ColumnCount != columns)
                throw new ShapeException($"BatchNorm: {name} must be 1×{columns}, got {Shape.Of(m)}.");
        (Gamma, Beta, RunningMean, RunningVariance, BatchesTracked, Momentum, Epsilon) = (gamma, beta, runningMean, runningVariance, batchesTracked, momentum, epsilon);
    }

    /// <summary>γ (PyTorch's weight): 1 × C.</summary>
    public Matrix<T> Gamma { get; init; }

    /// <summary>β (PyTorch's bias): 1 × C.</summary>
    public Matrix<T> Beta { get; init; }

    /// <summary>The running mean: 1 × C (state).</summary>
    public Matrix<T> RunningMean { get; init; }

    /// <summary>The running (unbiased) variance: 1 × C (state).</summary>
    public Matrix<T> RunningVariance { get; init; }

    /// <summary>Training batches seen, as a 1 × 1 matrix (state; PyTorch's int64 num_batches_tracked).</summary>
    public Matrix<T> BatchesTracked { get; init; }

    /// <summary>How far one batch moves the running estimates, in [0, 1) (PyTorch's default 0.1).</summary>
    public double Momentum { get; init => field = Hyper.UnitInterval(value, nameof(Momentum), "BatchNorm"); }

    /// <summary>Added to the variance before the square root, > 0 (PyTorch's default 1e-5).</summary>
    public double Epsilon { get; init => field = Hyper.Positive(value, nameof(Epsilon), "BatchNorm"); }

    /// <summary>C: the features or channels normalized.</summary>
    public int Features => Gamma.ColumnCount;

    /// <summary>Any shape with C features or channels → the same shape.</summary>
    public SampleShape OutputShape(SampleShape input) => input.Channels == Features ? input
        : throw new ShapeException(input.IsImage
            ? $"{this} normalizes {Features} channels, but its input is images {input} of {input.Channels}: make it BatchNorm({input.Channels}), or check the previous layer's output channels."
            : $"{this} normalizes {Features} features, but its input has {input.Channels} {input}: make it BatchNorm({input.Channels}), or check the previous layer's output size.");

    // Channel c of a CHWN batch (or feature c of a dense one) is the contiguous block [c·L, (c + 1)·L), L = N·H·W.
    /// <summary>Inference: y = γ_c·(x − running mean_c)/√(running var_c + ε) + β_c; x and y: batch × input.Size, C features or
    /// channels.</summary>
    public Matrix<T> Forward(Matrix<T> x, SampleShape input)
    {
        Shape.Require(this, x, input);
        OutputShape(input);
        var y = Kernels.UninitializedLike(x);
        BatchNormKernels.InferenceForward<T>(Features, Kernels.Values(x), Kernels.Values(Gamma), Kernels.Values(Beta),
            Kernels.Values(RunningMean), Kernels.Values(RunningVariance), T.CreateChecked(Epsilon), Kernels.Values(y));
        return y;
    }

    /// <summary>Normalizes with the batch's statistics (kept as "mean" and "variance" for backward) and returns the
    /// running estimates moved toward them as the trace's new state.</summary>
    public Trace<T> ForwardTrain(Matrix<T> x, SampleShape input, Rng rng)
    {
        Shape.Require(this, x, input);
        OutputShape(input);
        var count = x.RowCount * input.Height * input.Width;
        if (count < 2)
            throw new ShapeException($"{this}: training needs at least 2 values per channel to estimate a variance; this batch has {count} " +
                $"({x.RowCount} sample{(x.RowCount == 1 ? "" : "s")} of {input}). Use a batch of at least 2 (PyTorch says the same).");
        var y = Kernels.UninitializedLike(x);
        var mean = Kernels.Uninitialized<T>(1, Features);
        var variance = Kernels.Uninitialized<T>(1, Features);
        BatchNormKernels.TrainingForward<T>(Features, Kernels.Values(x), Kernels.Values(Gamma), Kernels.Values(Beta), T.CreateChecked(Epsilon),
            Kernels.Values(y), Kernels.Values(mean), Kernels.Values(variance));
        // New state in new matrices (plain allocations: they live on in the next model, past the step's recycled buffers).
        var runningMean = Matrix<T>.Build.Dense(1, Features);
        var runningVariance = Matrix<T>.Build.Dense(1, Features);
        BatchNormKernels.UpdateRunningStatistics<T>(Kernels.Values(mean), Kernels.Values(variance), count, T.CreateChecked(Momentum),
            Kernels.Values(RunningMean), Kernels.Values(RunningVariance), Kernels.Values(runningMean), Kernels.Values(runningVariance));
        var tracked = Matrix<T>.Build.Dense(1, 1, BatchesTracked[0, 0] + T.One);
        return new Trace<T>(x, input, y).With("mean", mean).With("variance", variance) with { State = [runningMean, runningVariance, tracked] };
    }

    // μ and σ² depend on x: hence the two mean terms in dx.
    /// <summary>With x̂ = (x − μ)·s, s = 1/√(σ² + ε) from the trace's batch statistics and sums over the L values of each channel:
    /// dβ = Σ dy, dγ = Σ dy·x̂ (1 × C each), dx = γ·s·(dy − dβ/L − x̂·dγ/L) (batch × input.Size).</summary>
    public Backprop<T> Backward(Trace<T> trace, Matrix<T> dy, bool needInputGradient = true)
    {
        Shape.RequireSame(this, "dy", dy, "input", trace.Input);
        var dGamma = Kernels.Uninitialized<T>(1, Features);
        var dBeta = Kernels.Uninitialized<T>(1, Features);
        var dx = Kernels.UninitializedLike(dy);   // the kernel computes dx with dγ and dβ in one pass; dropped when not needed
        BatchNormKernels.Backward<T>(Features, Kernels.Values(trace.Input), Kernels.Values(Gamma), Kernels.Values(trace["mean"]),
            Kernels.Values(trace["variance"]), T.CreateChecked(Epsilon), Kernels.Values(dy), Kernels.Values(dx), Kernels.Values(dGamma), Kernels.Values(dBeta));
        return new(new BatchNormGradient<T>(dGamma, dBeta), needInputGradient ? dx : null);
    }

    /// <summary>[γ, β], 1 × C each.</summary>
    public IReadOnlyList<Matrix<T>> Parameters => [Gamma, Beta];

    /// <summary>"weight" and "bias", as PyTorch names γ and β.</summary>
    public IReadOnlyList<string> ParameterNames => TensorNames.WeightAndBias;

    /// <summary>This layer with γ = parameters[0] and β = parameters[1].</summary>
    public ILayer<T> WithParameters(IReadOnlyList<Matrix<T>> parameters) => this with { Gamma = parameters[0], Beta = parameters[1] };

    /// <summary>[running mean, running variance, batches tracked]: 1 × C, 1 × C, 1 × 1.</summary>
    public IReadOnlyList<Matrix<T>> State => [RunningMean, RunningVariance, BatchesTracked];

    /// <summary>"running_mean", "running_var" and "num_batches_tracked", PyTorch's buffer names.</summary>
    public IReadOnlyList<string> StateNames => ["running_mean", "running_var", "num_batches_tracked"];

    /// <summary>This layer with the running mean, running variance and batch count from <paramref name="state"/>, in
    /// <see cref="State"/> order.</summary>
    public ILayer<T> WithState(IReadOnlyList<Matrix<T>> state) =>
        this with { RunningMean = state[0], RunningVariance = state[1], BatchesTracked = state[2] };

    /// <inheritdoc/>
    public static string TypeName => "batch_norm";

    /// <summary>{"features": C, "momentum": Momentum, "epsilon": Epsilon}.</summary>
    public LayerConfig Config => new(("features", Features), ("momentum", Momentum), ("epsilon", Epsilon));

    /// <summary>weight, bias (C) and the state running_mean, running_var (C), num_batches_tracked (an int64 scalar):
    /// PyTorch's BatchNorm1d/2d state dict.</summary>
    public static IReadOnlyList<TensorDescription> TensorsFor(LayerConfig config)
    {
        var c = config.Size("features");
        config.Number("momentum", m => m is >= 0 and < 1, "a momentum in [0, 1)");
        config.Number("epsilon", e => e > 0, "an epsilon > 0");
        return
        [
            new("weight", [c], TensorRole.Parameter), new("bias", [c], TensorRole.Parameter),
            new("running_mean", [c], TensorRole.State), new("running_var", [c], TensorRole.State),
            new("num_batches_tracked", [], TensorRole.State, Integer: true),
        ];
    }

    /// <inheritdoc/>
    public static BatchNorm<T> Build(LayerConfig config, IReadOnlyList<Matrix<T>> tensors) =>
        new(tensors[0], tensors[1], tensors[2], tensors[3], tensors[4], config.Number("momentum"), config.Number("epsilon"));

    /// <summary>Prints "BatchNorm(32)": the feature or channel count.</summary>
    public override string ToString() => $"BatchNorm({Features})";
}

/// <summary>dL/dθ of a <see cref="BatchNorm{T}"/>: dγ and dβ (1 × C each).</summary>
public sealed record BatchNormGradient<T>(Matrix<T> Gamma, Matrix<T> Beta) : IGradient<T> where T : struct, IFloatingPointIeee754<T>
{
    /// <summary>[dγ, dβ], in the layer's parameter order.</summary>
    public IReadOnlyList<Matrix<T>> Tensors => [Gamma, Beta];

    /// <summary>Prints the shapes: "BatchNormGradient(1×32, 1×32)".</summary>
    public override string ToString() => $"BatchNormGradient({Shape.Of(Gamma)}, {Shape.Of(Beta)})";
}

public static partial class Layer<T>
{
    /// <summary>BatchNorm over <paramref name="features"/> features or channels, as PyTorch starts it: γ = 1, β = 0, running
    /// mean 0 and variance 1; momentum 0.1, ε = 1e-5.</summary>
    public static BatchNorm<T> BatchNorm(int features, double momentum = 0.1, double epsilon = 1e-5)
    {
        if (features <= 0) throw new ArgumentOutOfRangeException(nameof(features), features, $"BatchNorm({features}): the feature or channel count must be at least 1.");
        return new(Ones(features), Kernels.Zeros<T>(1, features), Kernels.Zeros<T>(1, features), Ones(features), Kernels.Zeros<T>(1, 1), momentum, epsilon);

        static Matrix<T> Ones(int n) => Matrix<T>.Build.Dense(1, n, T.One);
    }
}

public static partial class Layer
{
    /// <inheritdoc cref="Layer{T}.BatchNorm(int, double, double)"/>
    public static BatchNorm<float> BatchNorm(int features, double momentum = 0.1, double epsilon = 1e-5) => Layer<float>.BatchNorm(features, momentum, epsilon);
}
