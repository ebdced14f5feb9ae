using MathNet.Numerics.LinearAlgebra;
using Nabla.Losses;
using Nabla.Optimizers;

namespace Nabla.Training;

/// <summary>The pure training step: (state, batch) → (new state, loss).</summary>
public static class Train
{
    /// <summary>One step of gradient descent on the batch (x, y): forward, loss, backward, update, apply. Each row of x is a
    /// sample of the model's <see cref="Models.Sequential{T}.InputShape"/> (a feature vector when it has none); the new
    /// model carries the layers' new state (batch norm's running statistics).</summary>
    public static (TrainState<T> State, double Loss) Step<T>(TrainState<T> state, Matrix<T> x, Matrix<T> y, ILoss loss)
        where T : struct, IFloatingPointIeee754<T>
    {
        var (next, result, _) = StepWithOutput(state, x, y, loss);
        return (next, result);
    }

    /// <summary><see cref="Step"/>, also returning the model's output on the batch (for running metrics).</summary>
    public static (TrainState<T> State, double Loss, Matrix<T> Output) StepWithOutput<T>(TrainState<T> state, Matrix<T> x, Matrix<T> y, ILoss loss)
        where T : struct, IFloatingPointIeee754<T>
    {
        var model = state.Model;
        if (state.Step == 0) LossCheck.Require(model, loss);   // once, before the first update: a mismatch trains to a wrong result
        var traces = model.ForwardTrain(x, Rng.ForStep(state.Seed, state.Step));
        var output = traces[^1].Output;
        var (value, dOutput) = Evaluate(loss, output, y);
        var (penalty, gradients) = model.Regularize(model.Backward(traces, dOutput));   // + Σ R(θ), + dR/dθ (layer regularizers)
        var (parameters, optimizerState) = Apply(state.Optimizer, gradients, state.OptimizerState, model.Parameters);
        var next = state with
        {
            Model = model.WithParameters(parameters).WithStateOf(traces),   // and batch norm's running statistics
            OptimizerState = optimizerState,
            Step = state.Step + 1,
        };
        return (next, value + penalty, output);
    }

    // A loss or optimizer defined outside Nabla (a script's) may keep what it is given: handed off, Fit never recycles it.
    internal static LossResult<T> Evaluate<T>(ILoss loss, Matrix<T> output, Matrix<T> y) where T : struct, IFloatingPointIeee754<T>
    {
        using (StepPool<T>.HandOff(loss, output, y)) return loss.Evaluate(output, y);
    }

    internal static Matrix<T> Activate<T>(ILoss loss, Matrix<T> output) where T : struct, IFloatingPointIeee754<T>
    {
        using (StepPool<T>.HandOff(loss, output)) return loss.Activate(output);
    }

    static (Parameters<T>, IOptimizerState<T>) Apply<T>(IOptimizer optimizer, Parameters<T> gradients, IOptimizerState<T> state,
        Parameters<T> parameters) where T : struct, IFloatingPointIeee754<T>
    {
        using (StepPool<T>.HandOff(optimizer, gradients.Tensors, parameters.Tensors)) return optimizer.Apply(gradients, state, parameters);
    }
}
