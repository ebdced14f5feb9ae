using FsCheck.Xunit;

namespace Nabla.Tests.Losses;

/// <summary>Every loss's gradient against central differences, and its purity, over random shapes and values.</summary>
[Trait("Category", TestSupport.KernelCategory)]
public class LossPropertyTests
{
    /// <summary>(loss, prediction, target) for a case. Probabilities stay inside (0.05, 0.95) and logits within ±5, away
    /// from the clamps and saturation where a finite difference says nothing about the formula.</summary>
    static readonly Dictionary<string, (ILoss Loss, Func<Rng, MatrixCase, (Matrix<double> Prediction, Matrix<double> Target)> Make)> Losses = new()
    {
        ["mse"] = (Loss.Mse, (rng, c) => (TestSupport.Random(rng, c.Rows, c.Columns), TestSupport.Random(rng, c.Rows, c.Columns))),
        ["mae"] = (Loss.Mae, AwayFromKink),
        ["binary_cross_entropy"] = (Loss.BinaryCrossEntropy, (rng, c) =>
            (TestSupport.Random(rng, c.Rows, c.Columns, 0.05, 0.95), TestSupport.Random(rng, c.Rows, c.Columns, 0, 1))),
        ["sigmoid_binary_cross_entropy"] = (Loss.SigmoidBinaryCrossEntropy, (rng, c) =>
            (TestSupport.Random(rng, c.Rows, c.Columns, -5, 5), TestSupport.Random(rng, c.Rows, c.Columns, 0, 1))),
        ["categorical_cross_entropy"] = (Loss.CategoricalCrossEntropy, (rng, c) =>
            (Softmax<double>.Of(TestSupport.Random(rng, c.Rows, c.Columns + 1, -2, 2)), OneHotRows(rng, c.Rows, c.Columns + 1))),
        ["softmax_cross_entropy"] = (Loss.SoftmaxCrossEntropy, (rng, c) =>
            (TestSupport.Random(rng, c.Rows, c.Columns + 1, -5, 5), OneHotRows(rng, c.Rows, c.Columns + 1))),
        ["softmax_cross_entropy_soft_targets"] = (Loss.SoftmaxCrossEntropy, (rng, c) =>
            (TestSupport.Random(rng, c.Rows, c.Columns + 1, -5, 5), Softmax<double>.Of(TestSupport.Random(rng, c.Rows, c.Columns + 1)))),
        ["sparse_softmax_cross_entropy"] = (Loss.SparseSoftmaxCrossEntropy, (rng, c) =>
            (TestSupport.Random(rng, c.Rows, c.Columns + 1, -5, 5), Matrix<double>.Build.Dense(c.Rows, 1, (_, _) => rng.NextInt(c.Columns + 1)))),
    };

    // MAE has a kink at p = y: keep |p − y| ≥ 1e-3.
    static (Matrix<double>, Matrix<double>) AwayFromKink(Rng rng, MatrixCase c)
    {
        var y = TestSupport.Random(rng, c.Rows, c.Columns);
        var offset = TestSupport.Random(rng, c.Rows, c.Columns).Map(v => Math.CopySign(1e-3 + Math.Abs(v), v));
        return (y + offset, y);
    }

    static Matrix<double> OneHotRows(Rng rng, int rows, int classes)
    {
        var m = Matrix<double>.Build.Dense(rows, classes);
        for (var i = 0; i < rows; i++) m[i, rng.NextInt(classes)] = 1;
        return m;
    }

    public static TheoryData<string> Names() => [.. Losses.Keys];

    /// <summary>A loss, by name, and a case: about 100 cases per loss.</summary>
    public static class Cases
    {
        public static Arbitrary<(string, MatrixCase)> LossCases() => Arb.From(
            from name in Gen.Elements(Losses.Keys.ToArray())
            from c in MatrixCase.Arbitrary().Generator
            select (name, c),
            t => MatrixCase.Arbitrary().Shrinker(t.Item2).Select(c => (t.Item1, c)));
    }

    [Property(MaxTest = 900, Replay = TestSupport.Replay, Arbitrary = [typeof(Cases)])]
    public Property Gradient_matches_central_differences((string Name, MatrixCase Case) t)
    {
        var (loss, make) = Losses[t.Name];
        var (prediction, target) = make(t.Case.Rng(), t.Case);
        var result = GradientCheck.Loss(loss, prediction, target);
        return result.Passed(1e-6).Label($"{t.Name} on {t.Case}: {result}");
    }

    [Fact]
    public void Every_loss_is_checked()
    {
        Assert.Equal(typeof(Loss).GetFields().Select(f => f.GetValue(null)).OfType<ILoss>().Select(l => l.Name).Distinct().Order(),
            Losses.Values.Select(l => l.Loss.Name).Distinct().Order());
    }

    [Theory, MemberData(nameof(Names))]
    public void Leaves_its_arguments_alone(string name)
    {
        var (loss, make) = Losses[name];
        Check.One(TestSupport.Properties(30), Prop.ForAll(MatrixCase.Arbitrary(), c =>
        {
            var (prediction, target) = make(c.Rng(), c);
            var (p, t) = (TestSupport.Snapshot(prediction), TestSupport.Snapshot(target));
            var result = loss.Evaluate(prediction, target);
            Assert.True(double.IsFinite(result.Value));
            Assert.Equal(p, TestSupport.Snapshot(prediction));
            Assert.Equal(t, TestSupport.Snapshot(target));
            return true;
        }));
    }
}
