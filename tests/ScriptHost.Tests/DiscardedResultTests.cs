namespace Nabla.ScriptHost.Tests;

/// <summary>The compile-time warning for a discarded Nabla result: <c>model.Fit(…)</c> alone on a line trains a copy and
/// throws it away (issue 11: a script that evaluated <c>model</c> afterwards got 12% and no hint).</summary>
public sealed class DiscardedResultTests(HostFolder folder) : IClassFixture<HostFolder>
{
    const string Setup = """
        var rng = Rng.Seeded(Seed);
        var data = Dataset.Classification("toy", Enumerable.Range(0, 32).Select(i => (float)rng.Normal()).ToArray(), 2,
                                          Enumerable.Range(0, 16).Select(i => i % 2).ToArray(), 2);
        var model = Sequential.Of(Dense(2, 2, rng));

        """;

    [Fact]
    public async Task A_discarded_fit_is_a_warning_with_file_line_and_column_and_the_run_goes_on_cached_or_not()
    {
        var script = folder.Write("discard-fit.csx", Setup + """
            model.Fit(data, Loss.SoftmaxCrossEntropy, new Sgd(), epochs: 1, batchSize: 8, validation: null, rng);
            Log("trained");
            """);
        foreach (var attempt in new[] { "compiled", "cached" })
        {
            var run = await Host.InProcess(folder.Cache, ["--out", folder.NewRunFolder(), script]);
            Assert.True(run.ExitCode == 0, $"{attempt}: {run}");
            Assert.Contains("trained", run.Output);
            Assert.Equal($"{script}(5,1): warning: the result of Fit is discarded; the trained model is its .Model " +
                "(Fit leaves the model it was called on as it was)", run.Error.Split('\n')[0]);
        }
    }

    [Fact]
    public void Results_that_are_new_values_are_flagged_and_kept_or_meant_discards_are_not()
    {
        var script = folder.Write("discards.csx", Setup + """
            var sgd = new Sgd();
            var state = sgd.Init(model.Parameters);
            model.WithParameters(model.Parameters);                                   // 7: a new model, dropped
            sgd.Update(model.Parameters, state, model.Parameters);                    // 8: (updates, state), dropped
            Train.Step(TrainState<float>.Create(model, sgd), Kernels.Zeros<float>(2, 2), Kernels.Zeros<float>(2, 2), Loss.SoftmaxCrossEntropy);
            _ = model.Fit(data, Loss.SoftmaxCrossEntropy, sgd, 1, 8, null, rng);       // a discard said out loud
            var result = model.Fit(data, Loss.SoftmaxCrossEntropy, sgd, 1, 8, null, rng);
            result.Model.Evaluate(data, Loss.SoftmaxCrossEntropy);                    // recorded for the report: called for its effect
            Log(model.Parameters.Count);
            model.Summary();                                                          // a string: not a Nabla value
            """);
        var warnings = ScriptCompiler.Compile(script).Warnings;
        Assert.Equal([(7, "WithParameters"), (8, "Update"), (9, "Step")], warnings.Select(w => (w.Line, w.Message.Split(' ')[3])));
        Assert.All(warnings, w => Assert.Equal(1, w.Column));
        Assert.Contains("returns a new Sequential<float>", warnings[0].Message);
    }
}
