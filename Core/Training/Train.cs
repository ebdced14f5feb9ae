using MathNet.Numerics.LinearAlgebra;
using Nabla.Losses;

namespace Nabla.Training;

/// <summary>The pure training step: (state, batch) → (new state, loss).</summary>
public static class Train
{
    /// <summary>One step of gradient descent on the batch (x, y): forward, loss, backward, update, apply.</summary>
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
        var traces = model.ForwardTrain(x, Rng.ForStep(state.Seed, state.Step));
        var output = traces[^1].Output;
        var (value, dOutput) = loss.Evaluate(output, y);
        var (penalty, gradients) = model.Regularize(model.Backward(traces, dOutput));   // + Σ R(θ), + dR/dθ (layer regularizers)
        var (parameters, optimizerState) = state.Optimizer.Apply(gradients, state.OptimizerState, model.Parameters);
        var next = state with
        {
            Model = model.WithParameters(parameters),
            OptimizerState = optimizerState,
            Step = state.Step + 1,
        };
        return (next, value + penalty, output);
    }
}
