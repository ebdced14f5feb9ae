namespace Nabla.Tests.Optimizers;

/// <summary>Learning-rate schedules: their formulas at chosen steps, and the rate an optimizer reports as in force.</summary>
public class ScheduleTests
{
    [Fact]
    public void A_number_is_a_constant_schedule()
    {
        LearningRateSchedule schedule = 0.1;
        Assert.Equal(0.1, schedule.At(0));
        Assert.Equal(0.1, schedule.At(1_000_000));
        Assert.Equal("0.1", schedule.ToString());
    }

    [Fact]
    public void Inverse_time_decay_is_the_nnfs_formula()
    {
        var schedule = new InverseTimeDecay(1.0, DecayRate: 1e-3);
        for (var t = 0; t < 5000; t += 499) Assert.Equal(1.0 / (1 + 1e-3 * t), schedule.At(t), 15);
        Assert.Equal(1.0 / (1 + 0.5 * 2), new InverseTimeDecay(1.0, 0.5, DecaySteps: 10, Staircase: true).At(29), 15);
    }

    [Fact]
    public void Step_and_exponential_decay()
    {
        var step = new StepDecay(0.1, StepSize: 100, Gamma: 0.5);
        Assert.Equal(0.1, step.At(99));
        Assert.Equal(0.05, step.At(100));
        Assert.Equal(0.025, step.At(250), 15);
        var exponential = new ExponentialDecay(0.1, DecaySteps: 10, DecayRate: 0.5);
        Assert.Equal(0.1 * Math.Pow(0.5, 0.5), exponential.At(5), 15);
        Assert.Equal(0.05, new ExponentialDecay(0.1, 10, 0.5, Staircase: true).At(19), 15);
    }

    [Fact]
    public void Cosine_decay_warms_up_linearly_then_falls_to_alpha()
    {
        var schedule = new CosineDecay(1.0, DecaySteps: 100, Alpha: 0.1, WarmupSteps: 4);
        Assert.Equal([0.25, 0.5, 0.75, 1.0], Enumerable.Range(0, 4).Select(t => schedule.At(t)));
        Assert.Equal(1.0, schedule.At(4), 15);
        Assert.Equal(0.1 + 0.9 * 0.5, schedule.At(4 + 50), 12);   // half way: cos(π/2) = 0
        Assert.Equal(0.1, schedule.At(104), 15);
        Assert.Equal(0.1, schedule.At(10_000), 15);
    }

    [Fact]
    public void An_optimizer_reports_the_rate_of_its_latest_update()
    {
        var p = new Parameters<double>([Kernels.Zeros<double>(2, 2)]);
        foreach (var optimizer in new IOptimizer[]
                 {
                     new Sgd(new StepDecay(1.0, StepSize: 2, Gamma: 0.5)), new Adagrad(new StepDecay(1.0, 2, 0.5)),
                     new RmsProp(new StepDecay(1.0, 2, 0.5)), new Adam(new StepDecay(1.0, 2, 0.5)), new AdamW(new StepDecay(1.0, 2, 0.5)),
                     new Chain(new ClipByValue(1), new Sgd(new StepDecay(1.0, 2, 0.5))),
                 })
        {
            var state = optimizer.Init(p);
            Assert.Equal(1.0, optimizer.LearningRateInForce(state));
            var rates = new List<double?>();
            for (var step = 0; step < 5; step++)
            {
                (_, state) = optimizer.Update(p, state, p);
                rates.Add(optimizer.LearningRateInForce(state));
            }
            Assert.Equal([1.0, 1.0, 0.5, 0.5, 0.25], rates);
        }
        Assert.Null(((IOptimizer)new ClipByGlobalNorm(1)).LearningRateInForce(EmptyState<double>.Instance));
    }

    [Fact]
    public void A_schedule_drives_the_step_size()
    {
        // SGD's Δ at step t is −η_t·g: with g = 1 the update is the schedule itself.
        var sgd = new Sgd(new InverseTimeDecay(0.5, DecayRate: 1));
        var p = new Parameters<double>([Kernels.Zeros<double>(1, 1)]);
        var g = new Parameters<double>([Kernels.FromRowMajor<double>(1, 1, [1.0])]);
        var state = sgd.Init(p);
        var steps = new List<double>();
        for (var t = 0; t < 4; t++)
        {
            (var updates, state) = sgd.Update(g, state, p);
            steps.Add(-updates[0][0, 0]);
        }
        Assert.Equal([0.5, 0.25, 0.5 / 3, 0.125], steps);
    }

    [Fact]
    public void Fit_logs_the_rate_of_each_epochs_last_update()
    {
        // 10 samples in batches of 4: 3 updates an epoch, so epochs end after updates 2, 5 and 8 (0-based).
        var data = Dataset.Classification("tiny", Enumerable.Range(0, 40).Select(i => (float)Math.Sin(i)).ToArray(), 4,
            [0, 1, 2, 0, 1, 2, 0, 1, 2, 0], 3);
        var model = Sequential.Of(Layer.Dense(4, 3, new Rng(1)));
        var schedule = new StepDecay(0.1, StepSize: 2, Gamma: 0.5);
        var result = model.Fit(data, Loss.SoftmaxCrossEntropy, new Chain(new ClipByGlobalNorm(5), new Sgd(schedule)),
            epochs: 3, batchSize: 4, validation: null, new Rng(9));
        Assert.Equal([schedule.At(2), schedule.At(5), schedule.At(8)], result.History.Select(m => m.LearningRate));
        Assert.Equal(0.1 * 0.5 * 0.5 * 0.5 * 0.5, result.Last.LearningRate);
    }
}
