namespace Nabla.Tests.Training;

/// <summary>Early stopping: Keras's rule as a pure fold, and Fit returning the best epoch's weights.</summary>
public class EarlyStoppingTests
{
    static EpochMetrics Epoch(int epoch, double valLoss, double valAccuracy = 0.5) => new(epoch, 1.0, 0.5, valLoss, valAccuracy, 0.1);

    /// <summary>Runs the fold over val_loss values, each epoch with its own (distinct) model; returns the state and the models.</summary>
    static (EarlyStoppingState<double> State, Sequential<double>[] Models, int Epochs) Run(EarlyStopping stopping, params double[] values)
    {
        var state = stopping.Start<double>(hasValidation: true, hasLabels: true);
        var models = values.Select(_ => Sequential.Of<double>(new Relu<double>())).ToArray();
        var epochs = 0;
        for (var e = 0; e < values.Length && state.StoppedEpoch is null; e++, epochs++)
            state = stopping.Update(state, Epoch(e + 1, values[e]), models[e]);
        return (state, models, epochs);
    }

    [Fact]
    public void Stops_after_patience_epochs_without_improvement_and_keeps_the_best_model()
    {
        var (state, models, epochs) = Run(new EarlyStopping("val_loss", Patience: 2), 1.0, 0.8, 0.85, 0.9, 0.5);
        Assert.Equal(4, epochs);
        Assert.Equal(4, state.StoppedEpoch);
        Assert.Equal(2, state.BestEpoch);
        Assert.Equal(0.8, state.Best);
        Assert.Same(models[1], state.BestModel);
    }

    [Fact]
    public void An_improvement_smaller_than_min_delta_does_not_count()
    {
        var (state, _, epochs) = Run(new EarlyStopping("val_loss", Patience: 1, MinDelta: 0.1), 1.0, 0.95, 0.5);
        Assert.Equal(2, epochs);
        Assert.Equal(1, state.BestEpoch);
        var (late, _, all) = Run(new EarlyStopping("val_loss", Patience: 2, MinDelta: 0.1), 1.0, 0.95, 0.5);
        Assert.Equal(3, all);
        Assert.Null(late.StoppedEpoch);
        Assert.Equal(3, late.BestEpoch);
    }

    [Fact]
    public void Accuracy_is_maximized_and_mode_can_be_forced()
    {
        Assert.True(new EarlyStopping("val_accuracy").Maximize);
        Assert.False(new EarlyStopping("val_loss").Maximize);
        Assert.True(new EarlyStopping("val_loss", Mode: MonitorMode.Max).Maximize);
        var stopping = new EarlyStopping("val_accuracy", Patience: 1);
        var state = stopping.Start<double>(true, true);
        var model = Sequential.Of<double>(new Relu<double>());
        foreach (var (e, accuracy) in new[] { (1, 0.5), (2, 0.7), (3, 0.6) })
            state = stopping.Update(state, Epoch(e, 1.0, accuracy), model);
        Assert.Equal((2, 0.7, 3), (state.BestEpoch, state.Best, state.StoppedEpoch));
    }

    [Fact]
    public void Monitoring_what_fit_cannot_report_fails_at_the_start()
    {
        var data = Dataset.Regression("line", [1, 2, 3, 4], 1, [1, 2, 3, 4], 1);
        var model = Sequential.Of(Layer.Dense(1, 1, new Rng(1)));
        var noValidation = Assert.Throws<ArgumentException>(() => model.Fit(data, Loss.Mse, new Sgd(0.01), 2, 2, null, new Rng(1),
            earlyStopping: new EarlyStopping("val_loss")));
        Assert.Contains("no validation data", noValidation.Message);
        var regression = Assert.Throws<ArgumentException>(() => model.Fit(data, Loss.Mse, new Sgd(0.01), 2, 2, data, new Rng(1),
            earlyStopping: new EarlyStopping("val_accuracy")));
        Assert.Contains("no class labels", regression.Message);
        var typo = Assert.Throws<ArgumentOutOfRangeException>(() => new EarlyStopping("val_acc"));
        Assert.Contains("\"val_acc\"", typo.Message);
    }

    [Fact]
    public void Settings_default_as_keras_and_messages_name_the_monitor_and_the_fix()
    {
        Assert.Equal(new[] { "loss", "accuracy", "val_loss", "val_accuracy" }, EarlyStopping.Monitors);
        var defaults = new EarlyStopping();
        Assert.Equal(("val_loss", 0, 0.0, MonitorMode.Auto, (double?)null, true, 0),
            (defaults.Monitor, defaults.Patience, defaults.MinDelta, defaults.Mode, defaults.Baseline, defaults.RestoreBestWeights, defaults.StartFromEpoch));
        var typo = Assert.Throws<ArgumentOutOfRangeException>(() => new EarlyStopping("val_acc"));
        Assert.Equal("Monitor", typo.ParamName);
        Assert.StartsWith("EarlyStopping: Monitor must be one of loss, accuracy, val_loss, val_accuracy, got \"val_acc\".", typo.Message);

        // Training figures need neither validation data nor labels (loss) or only labels (accuracy).
        Assert.Equal((0, double.PositiveInfinity, 0), Initial(new EarlyStopping("loss").Start<double>(hasValidation: false, hasLabels: false)));
        Assert.Equal((0, double.NegativeInfinity, 0), Initial(new EarlyStopping("accuracy").Start<double>(hasValidation: false, hasLabels: true)));
        Assert.Equal("EarlyStopping monitors val_accuracy, but Fit was given no validation data: pass validation:, or monitor \"loss\".",
            Assert.Throws<ArgumentException>(() => new EarlyStopping("val_accuracy").Start<double>(hasValidation: false, hasLabels: true)).Message);
        Assert.Equal("EarlyStopping monitors accuracy, but the data has no class labels (regression): monitor a loss.",
            Assert.Throws<ArgumentException>(() => new EarlyStopping("accuracy").Start<double>(hasValidation: true, hasLabels: false)).Message);
    }

    static (int BestEpoch, double Best, int Wait) Initial(EarlyStoppingState<double> state)
    {
        Assert.Null(state.BestModel);
        Assert.Null(state.StoppedEpoch);
        return (state.BestEpoch, state.Best, state.Wait);
    }

    [Fact]
    public void Each_monitor_reads_its_own_figure_and_a_missing_one_is_an_error_naming_the_epoch()
    {
        var metrics = new EpochMetrics(1, Loss: 0.25, Accuracy: 0.75, ValLoss: 0.5, ValAccuracy: 0.625, Seconds: 1);
        var model = Sequential.Of<double>(new Relu<double>());
        double Best(string monitor)
        {
            var stopping = new EarlyStopping(monitor);
            return stopping.Update(stopping.Start<double>(true, true), metrics, model).Best;
        }
        Assert.Equal([0.25, 0.75, 0.5, 0.625], EarlyStopping.Monitors.Select(Best));
        var stopping = new EarlyStopping("val_loss");
        var missing = Assert.Throws<InvalidOperationException>(() =>
            stopping.Update(stopping.Start<double>(true, true), metrics with { Epoch = 3, ValLoss = null }, model));
        Assert.Equal("EarlyStopping monitors val_loss, but epoch 3 did not report it.", missing.Message);
    }

    /// <summary>The fold over val_loss values, returning the state after each epoch.</summary>
    static EarlyStoppingState<double>[] Fold(EarlyStopping stopping, Sequential<double>[] models, params double[] values)
    {
        var state = stopping.Start<double>(hasValidation: true, hasLabels: true);
        return [.. values.Select((v, e) => state = stopping.Update(state, Epoch(e + 1, v, valAccuracy: v), models[e]))];
    }

    static Sequential<double>[] Models(int count) => [.. Enumerable.Range(0, count).Select(_ => Sequential.Of<double>(new Relu<double>()))];

    [Fact]
    public void Epochs_up_to_start_from_epoch_are_not_watched()
    {
        var models = Models(4);
        var states = Fold(new EarlyStopping("val_loss", Patience: 1, StartFromEpoch: 2), models, 0.1, 0.2, 0.9, 0.95);
        Assert.All(states[..2], s => Assert.Equal((0, double.PositiveInfinity, 0), Initial(s)));   // epoch 2 = StartFromEpoch: still warm-up
        Assert.Equal((3, 0.9, 0), (states[2].BestEpoch, states[2].Best, states[2].Wait));
        Assert.Same(models[2], states[2].BestModel);
        Assert.Equal(4, states[3].StoppedEpoch);
    }

    [Fact]
    public void The_first_watched_epoch_is_the_best_until_one_improves_and_the_first_epoch_never_stops()
    {
        // An infinite val_loss does not improve on the initial +∞, yet its model is kept (Keras's order); with patience 0
        // it would stop at once, but Keras never stops after the first epoch.
        var models = Models(2);
        var states = Fold(new EarlyStopping("val_loss", Patience: 0), models, double.PositiveInfinity, double.PositiveInfinity);
        Assert.Equal((1, double.PositiveInfinity, 1, (int?)null), (states[0].BestEpoch, states[0].Best, states[0].Wait, states[0].StoppedEpoch));
        Assert.Same(models[0], states[0].BestModel);
        Assert.Equal((1, 2, (int?)2), (states[1].BestEpoch, states[1].Wait, states[1].StoppedEpoch));
        Assert.Same(models[0], states[1].BestModel);
    }

    [Fact]
    public void An_improvement_that_misses_the_baseline_is_kept_but_does_not_reset_the_wait()
    {
        var models = Models(5);
        var states = Fold(new EarlyStopping("val_loss", Patience: 2, Baseline: 0.5), models, 1.0, 0.9, 0.5, 0.4, 0.45);
        Assert.Equal([1, 2, 3, 4, 4], states.Select(s => s.BestEpoch));
        Assert.Equal([1, 2, 3, 0, 1], states.Select(s => s.Wait));   // 0.5 does not beat the baseline 0.5; 0.4 does
        Assert.All(states, s => Assert.Null(s.StoppedEpoch));         // as Keras: an improving epoch never stops, whatever the wait
        Assert.Same(models[3], states[4].BestModel);
    }

    [Fact]
    public void An_improvement_must_exceed_min_delta_strictly_in_both_modes()
    {
        // Binary fractions: 0.75 + 0.25 and 0.75 − 0.25 are exact, so each boundary is met exactly.
        var lower = Fold(new EarlyStopping("val_loss", Patience: 5, MinDelta: 0.25), Models(4), 1.0, 0.75, 0.6875, 0.6875);
        Assert.Equal([1, 1, 3, 3], lower.Select(s => s.BestEpoch));
        Assert.Equal([0, 1, 0, 1], lower.Select(s => s.Wait));
        var higher = Fold(new EarlyStopping("val_accuracy", Patience: 5, MinDelta: 0.25), Models(4), 0.5, 0.75, 0.8125, 0.8125);
        Assert.Equal([1, 1, 3, 3], higher.Select(s => s.BestEpoch));
        Assert.Equal([0, 1, 0, 1], higher.Select(s => s.Wait));
        Assert.Equal(0.8125, higher[3].Best);
    }

    [Fact]
    public void The_state_prints_its_best_epoch_and_where_it_stopped()
    {
        var states = Fold(new EarlyStopping("val_loss", Patience: 1), Models(3), 0.25, 0.0812345678, 0.5);
        Assert.Equal("EarlyStopping(best epoch 2: 0.0812346)", states[1].ToString());
        Assert.Equal("EarlyStopping(best epoch 2: 0.0812346, stopped at epoch 3)", states[2].ToString());
    }

    /// <summary>Two noisy blobs: 40 training points with 30% of labels flipped, 400 clean validation points. A wide MLP
    /// learns the boundary, then memorizes the flipped labels, so val_loss falls and then rises.</summary>
    static (Dataset Train, Dataset Validation) NoisyBlobs()
    {
        var rng = new Rng(21);
        Dataset Make(string name, int count, double flip)
        {
            var x = new float[count * 2];
            var labels = new int[count];
            for (var i = 0; i < count; i++)
            {
                (x[2 * i], x[2 * i + 1]) = ((float)rng.Normal(), (float)rng.Normal());
                labels[i] = x[2 * i] + 0.5 * x[2 * i + 1] > 0 ? 1 : 0;
                if (rng.NextDouble() < flip) labels[i] = 1 - labels[i];
            }
            return Dataset.Classification(name, x, 2, labels, 2);
        }
        return (Make("noisy train", 40, 0.3), Make("clean validation", 400, 0));
    }

    static FitResult<float> FitBlobs(int epochs, EarlyStopping? stopping)
    {
        var (train, validation) = NoisyBlobs();
        var rng = new Rng(3);
        var model = Sequential.Of(
            Layer.Dense(2, 64, Init.He, rng), Layer.Relu(),
            Layer.Dense(64, 64, Init.He, rng), Layer.Relu(),
            Layer.Dense(64, 2, rng));
        return model.Fit(train, Loss.SoftmaxCrossEntropy, new Adam(0.01), epochs, batchSize: 8, validation, rng, earlyStopping: stopping);
    }

    static void AssertSameWeights(Sequential<float> expected, Sequential<float> actual)
    {
        for (var i = 0; i < expected.Parameters.Count; i++)
            Assert.Equal(TestSupport.Snapshot(expected.Parameters[i]), TestSupport.Snapshot(actual.Parameters[i]));
    }

    [Fact]
    public void Fit_returns_the_best_epochs_weights_whether_or_not_it_stopped()
    {
        const int epochs = 12;
        var full = FitBlobs(epochs, new EarlyStopping("val_loss", Patience: epochs));
        var best = full.History.MinBy(m => m.ValLoss!.Value)!.Epoch;
        Assert.True(best > 1 && best < epochs,
            $"the setup should overfit (best epoch strictly inside): val_loss {string.Join(", ", full.History.Select(m => m.ValLoss!.Value.ToString("F3")))}");
        Assert.Equal(epochs, full.History.Count);
        Assert.Null(full.EarlyStopping!.StoppedEpoch);
        Assert.Equal(best, full.EarlyStopping.BestEpoch);

        // Training from scratch for exactly `best` epochs gives the same weights, bit for bit.
        var reference = FitBlobs(best, null).Model;
        AssertSameWeights(reference, full.Model);
        AssertSameWeights(reference, full.State.Model);

        // With patience 3 it stops 3 epochs after the first minimum and hands back that minimum's weights.
        var early = FitBlobs(epochs, new EarlyStopping("val_loss", Patience: 3));
        var stopped = early.EarlyStopping!.StoppedEpoch!.Value;
        Assert.Equal(stopped, early.History.Count);
        Assert.Equal(stopped - 3, early.EarlyStopping.BestEpoch);
        AssertSameWeights(FitBlobs(early.EarlyStopping.BestEpoch, null).Model, early.Model);

        // RestoreBestWeights: false keeps the last epoch's weights.
        var kept = FitBlobs(epochs, new EarlyStopping("val_loss", Patience: 3, RestoreBestWeights: false));
        AssertSameWeights(FitBlobs(stopped, null).Model, kept.Model);
    }
}
