using MathNet.Numerics.LinearAlgebra;
using Nabla.Layers;
using Nabla.Losses;

namespace Nabla.Diagnostics;

/// <summary>How far an analytic gradient is from central finite differences: ‖analytic − numeric‖ / (‖analytic‖ + ‖numeric‖)
/// for the worst tensor, named.</summary>
public sealed record GradientCheckResult(double RelativeError, string WorstTensor)
{
    /// <summary>True when the error is at most <paramref name="tolerance"/>.</summary>
    public bool Passed(double tolerance = 1e-6) => RelativeError <= tolerance;

    /// <summary>Prints the error and the worst tensor: "relative error 1.23E-009 (worst: 0.weight)".</summary>
    public override string ToString() => $"relative error {RelativeError:E2} (worst: {WorstTensor})";
}

/// <summary>
/// Checks analytic gradients against central differences, (f(θ + h) − f(θ − h)) / 2h, in double precision.
/// Works on any <see cref="ILayer{T}"/>, including one written in a script.
/// </summary>
public static class GradientCheck
{
    /// <summary>Checks dL/dx and dL/dθ of <paramref name="layer"/> at <paramref name="x"/> for the objective
    /// L = Σ y ⊙ R, R a fixed random matrix drawn from <paramref name="rng"/> (so dL/dy = R). The training forward runs
    /// with a generator reseeded identically each time, so random layers (dropout) see the same mask. Each row of x is a
    /// feature vector.</summary>
    public static GradientCheckResult Layer(ILayer<double> layer, Matrix<double> x, Rng rng, double step = 1e-6) =>
        Layer(layer, x, SampleShape.Features(x.ColumnCount), rng, step);

    /// <summary><see cref="Layer(ILayer{double}, Matrix{double}, Rng, double)"/> with each row of x a sample of shape
    /// <paramref name="input"/> (an image, for convolutions and pooling). Layers that use batch statistics in training
    /// (batch norm) are checked in training mode, through them.</summary>
    public static GradientCheckResult Layer(ILayer<double> layer, Matrix<double> x, SampleShape input, Rng rng, double step = 1e-6)
    {
        var seed = rng.NextUInt64();
        var trace = layer.ForwardTrain(x, input, new Rng(seed));
        var r = Matrix<double>.Build.Dense(trace.Output.RowCount, trace.Output.ColumnCount, (_, _) => rng.Uniform(-1, 1));
        double Objective(ILayer<double> l, Matrix<double> at) => l.ForwardTrain(at, input, new Rng(seed)).Output.PointwiseMultiply(r).Enumerate().Sum();

        var analytic = layer.Backward(trace, r);
        var results = new List<(double, string)>
        {
            (Compare(analytic.InputGradient!, Numeric(x, m => Objective(layer, m), step)), "dx"),
        };
        var parameters = layer.Parameters;
        var gradients = analytic.Gradient.Tensors;
        if (gradients.Count != parameters.Count)
            throw new ShapeException($"{layer}: the gradient has {gradients.Count} tensors but the layer has {parameters.Count} parameters.");
        for (var p = 0; p < parameters.Count; p++)
        {
            var index = p;
            var numeric = Numeric(parameters[p], m =>
            {
                var list = parameters.ToArray();
                list[index] = m;
                return Objective(layer.WithParameters(list), x);
            }, step);
            results.Add((Compare(gradients[p], numeric), $"parameter {p} ({Shape.Of(parameters[p])})"));
        }
        var worst = results.MaxBy(t => t.Item1);
        return new(worst.Item1, $"{layer} {worst.Item2}");
    }

    /// <summary>Checks dL/dprediction of <paramref name="loss"/> at (prediction, target).</summary>
    public static GradientCheckResult Loss(ILoss loss, Matrix<double> prediction, Matrix<double> target, double step = 1e-6)
    {
        var analytic = loss.Evaluate(prediction, target).Gradient;
        var numeric = Numeric(prediction, m => loss.Evaluate(m, target).Value, step);
        return new(Compare(analytic, numeric), $"{loss.Name} d/dprediction");
    }

    /// <summary>Central differences of a scalar function of a matrix, entry by entry (each on a fresh copy).</summary>
    public static Matrix<double> Numeric(Matrix<double> at, Func<Matrix<double>, double> f, double step = 1e-6)
    {
        var result = Matrix<double>.Build.Dense(at.RowCount, at.ColumnCount);
        for (var i = 0; i < at.RowCount; i++)
            for (var j = 0; j < at.ColumnCount; j++)
            {
                var plus = at.Clone(); plus[i, j] += step;
                var minus = at.Clone(); minus[i, j] -= step;
                result[i, j] = (f(plus) - f(minus)) / (2 * step);
            }
        return result;
    }

    /// <summary>‖a − b‖ / (‖a‖ + ‖b‖), 0 when both are zero.</summary>
    public static double Compare(Matrix<double> analytic, Matrix<double> numeric)
    {
        Shape.RequireSame("GradientCheck", "analytic", analytic, "numeric", numeric);
        var scale = analytic.FrobeniusNorm() + numeric.FrobeniusNorm();
        return scale == 0 ? 0 : (analytic - numeric).FrobeniusNorm() / scale;
    }
}
