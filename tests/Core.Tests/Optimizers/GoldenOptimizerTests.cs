using System.Text.Json;

namespace Nabla.Tests.Optimizers;

using GoldenFile = Nabla.Tests.Golden.Golden;

/// <summary>Each case of optimizers.json: parameters after three steps from PyTorch's gradients, float64, 1e-9 relative.</summary>
[Trait("Category", TestSupport.KernelCategory)]
public class GoldenOptimizerTests
{
    const double Tolerance = 1e-9;

    public static TheoryData<int, string> Cases() => GoldenFile.Indices("optimizers.json");

    /// <summary>The Nabla optimizer for a case's PyTorch hyperparameters (PyTorch's names: lr, betas, alpha, eps, …).</summary>
    static IOptimizer Build(string op, JsonElement hyper)
    {
        double Get(string name) => hyper.GetProperty(name).GetDouble();
        double Beta(int i) => hyper.GetProperty("betas")[i].GetDouble();
        return op switch
        {
            "sgd" => new Sgd(Get("lr")),
            "sgd_momentum" => new Sgd(Get("lr"), Momentum: Get("momentum")),
            "sgd_nesterov" => new Sgd(Get("lr"), Momentum: Get("momentum"), Nesterov: hyper.GetProperty("nesterov").GetBoolean()),
            "sgd_weight_decay" => new Sgd(Get("lr"), WeightDecay: Get("weight_decay")),
            "adagrad" => new Adagrad(Get("lr"), Epsilon: Get("eps")),
            "rmsprop" => new RmsProp(Get("lr"), Rho: Get("alpha"), Epsilon: Get("eps")),
            "adam" => new Adam(Get("lr"), Beta(0), Beta(1), Get("eps")),
            "adamw" => new AdamW(Get("lr"), Beta(0), Beta(1), Get("eps"), WeightDecay: Get("weight_decay")),
            _ => throw new NotSupportedException(op),
        };
    }

    [Theory, MemberData(nameof(Cases))]
    public void Three_steps_match_pytorch(int index, string op)
    {
        var c = GoldenFile.Cases("optimizers.json")[index];
        var optimizer = Build(op, c.GetProperty("hyper"));
        // PyTorch's layout is irrelevant here: the update is element-wise, so the row-major tensor is used as is.
        var parameters = new Parameters<double>([GoldenFile.Matrix(c.GetProperty("initial"))]);
        var state = optimizer.Init(parameters);
        var grads = c.GetProperty("grads").EnumerateArray().ToArray();
        var expected = c.GetProperty("params_after_each_step").EnumerateArray().ToArray();
        Assert.Equal(3, grads.Length);
        for (var step = 0; step < grads.Length; step++)
        {
            (var updates, state) = optimizer.Update(new Parameters<double>([GoldenFile.Matrix(grads[step])]), state, parameters);
            parameters = parameters.Add(updates);
            TestSupport.AssertClose(GoldenFile.Matrix(expected[step]), parameters[0], Tolerance, $"{op} #{index} after step {step + 1}");
        }
    }

    [Fact]
    public void Every_optimizer_in_the_golden_file_is_tested()
    {
        var ops = GoldenFile.Cases("optimizers.json").Select(c => c.GetProperty("op").GetString()!).ToHashSet();
        Assert.Superset(new HashSet<string> { "sgd", "sgd_momentum", "sgd_nesterov", "sgd_weight_decay", "adagrad", "rmsprop", "adam", "adamw" }, ops);
    }
}
