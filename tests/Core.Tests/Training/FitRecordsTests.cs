namespace Nabla.Tests.Training;

/// <summary>What Fit hands out and tells: the result's lookups and printed form, the observer's defaults, the resume
/// notice, and the training state's printed form.</summary>
public sealed class FitRecordsTests
{
    static readonly Sequential<double> Model = Sequential.Of(new Dense<double>(Matrix<double>.Build.Dense(2, 1), Matrix<double>.Build.Dense(1, 1)));

    static EpochMetrics Epoch(int epoch) => new(epoch, 0.5, 0.75, null, null, 1);

    static FitResult<double> Result(bool cancelled, params EpochMetrics[] history) =>
        new(Model, TrainState<double>.Create(Model, new Sgd()), history, cancelled);

    [Fact]
    public void Last_is_the_last_epoch_and_a_fit_of_no_epoch_has_none()
    {
        Assert.Equal(Epoch(1), Result(false, Epoch(1)).Last);
        Assert.Equal(Epoch(3), Result(false, Epoch(2), Epoch(3)).Last);
        var none = Assert.Throws<InvalidOperationException>(() => Result(true).Last);
        Assert.Equal("Fit ran no epoch.", none.Message);
    }

    [Fact]
    public void The_result_prints_its_epoch_count_and_whether_it_was_cancelled()
    {
        Assert.Equal("FitResult(2 epochs)", Result(false, Epoch(1), Epoch(2)).ToString());
        Assert.Equal("FitResult(1 epochs, cancelled)", Result(true, Epoch(1)).ToString());
    }

    sealed class Silent : IFitObserver;

    sealed class Stopper : IFitObserver
    {
        public bool OnEpochEnd(EpochMetrics metrics) => metrics.Epoch < 2;
    }

    [Fact]
    public void An_observer_goes_on_by_default_and_the_model_overload_asks_the_metrics_one()
    {
        IFitObserver silent = new Silent(), stopper = new Stopper();
        Assert.True(silent.OnEpochEnd(Epoch(1)));
        Assert.True(silent.OnEpochEnd(Epoch(1), Model));
        Assert.True(stopper.OnEpochEnd(Epoch(1), Model));
        Assert.False(stopper.OnEpochEnd(Epoch(2), Model));
    }

    [Fact]
    public void A_resume_says_where_it_goes_on_or_that_the_fit_had_finished()
    {
        Assert.Equal("fit 1 resumes at epoch 3, batch 120 (step 2000)", new FitResumed(1, [Epoch(1), Epoch(2)], 3, 120, 2000, false).ToString());
        Assert.Equal("fit 2 had finished (step 640, 2 epochs): its result is restored", new FitResumed(2, [Epoch(1), Epoch(2)], 3, 0, 640, true).ToString());
    }

    [Fact]
    public void The_training_state_prints_its_step_model_and_optimizer()
    {
        var state = TrainState<double>.Create(Model, new Sgd(0.5)) with { Step = 2000 };
        Assert.Equal("TrainState(step 2000, Sequential(Dense(2 → 1)), Sgd(LearningRate: 0.5))", state.ToString());
    }
}
