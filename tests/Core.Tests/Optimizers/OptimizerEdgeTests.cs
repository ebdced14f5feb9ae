namespace Nabla.Tests.Optimizers;

/// <summary>Edges the Stryker run on Optimizers found untested: fractional schedule exponents, a chain with no learning
/// rate, and gradients whose shapes do not match the parameters.</summary>
public class OptimizerEdgeTests
{
    [Fact]
    public void Inverse_time_decay_between_steps_is_fractional_unless_staircase()
    {
        // η_t = 0.1 / (1 + 0.5 · t/4): at t = 2 the exponent is 0.5, which the staircase floors to 0.
        Assert.Equal(0.1 / 1.25, new InverseTimeDecay(0.1, DecayRate: 0.5, DecaySteps: 4).At(2), 15);
        Assert.Equal(0.1, new InverseTimeDecay(0.1, DecayRate: 0.5, DecaySteps: 4, Staircase: true).At(2), 15);
        Assert.Equal(0.1 / 1.5, new InverseTimeDecay(0.1, DecayRate: 0.5, DecaySteps: 4, Staircase: true).At(5), 15);
    }

    [Fact]
    public void A_chain_of_transforms_without_a_learning_rate_reports_none()
    {
        var chain = new Chain(new ClipByValue(1.0), new Scale(-0.1));
        var parameters = new Parameters<double>([Matrix<double>.Build.Dense(2, 2, 1.0)]);
        Assert.Null(chain.LearningRateInForce(chain.Init(parameters)));
        var withRate = new Chain(new ClipByValue(1.0), new Sgd(0.3));
        Assert.Equal(0.3, withRate.LearningRateInForce(withRate.Init(parameters)));
    }

    public static TheoryData<string> Names() => ["sgd", "sgd_momentum", "adagrad", "rmsprop", "adam", "adamw"];

    static IOptimizer Named(string name) => name switch
    {
        "sgd" => new Sgd(0.1),
        "sgd_momentum" => new Sgd(0.1, Momentum: 0.9),
        "adagrad" => new Adagrad(0.1),
        "rmsprop" => new RmsProp(0.01),
        "adam" => new Adam(),
        _ => new AdamW(),
    };

    [Theory, MemberData(nameof(Names))]
    public void Gradients_of_another_shape_are_refused(string name)
    {
        var optimizer = Named(name);
        var parameters = new Parameters<double>([Matrix<double>.Build.Dense(3, 2, 1.0)]);
        var state = optimizer.Init(parameters);
        var transposed = new Parameters<double>([Matrix<double>.Build.Dense(2, 3, 1.0)]);
        Assert.Throws<ShapeException>(() => optimizer.Update(transposed, state, parameters));
        Assert.Throws<ShapeException>(() => optimizer.Apply(transposed, state, parameters));
        var twoTensors = new Parameters<double>([Matrix<double>.Build.Dense(3, 2, 1.0), Matrix<double>.Build.Dense(1, 2, 1.0)]);
        Assert.Throws<ShapeException>(() => optimizer.Update(twoTensors, state, parameters));
    }
}
