using Nabla.Models;
using Nabla.Optimizers;

namespace Nabla.Training;

/// <summary>Everything a training step reads and replaces: the model, the optimizer and its state, the run's seed and
/// the number of steps taken. A step's randomness is derived from (Seed, Step), so a step is a pure function.</summary>
public sealed record TrainState<T>(Sequential<T> Model, IOptimizer Optimizer, IOptimizerState<T> OptimizerState, ulong Seed, long Step)
    where T : struct, IFloatingPointIeee754<T>
{
    /// <summary>The state before the first step.</summary>
    public static TrainState<T> Create(Sequential<T> model, IOptimizer optimizer, ulong seed = 0) =>
        new(model, optimizer, optimizer.Init(model.Parameters), seed, 0);

    /// <summary>Prints the step, model and optimizer: "TrainState(step 2000, Sequential(…), Adam(LearningRate: 0.001))".</summary>
    public override string ToString() => $"TrainState(step {Step}, {Model}, {Optimizer})";
}
