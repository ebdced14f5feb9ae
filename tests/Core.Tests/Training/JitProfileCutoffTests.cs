namespace Nabla.Tests.Training;

/// <summary>A JIT profile's life in a program: started, switched to another at a phase's end (the host, once its
/// script is ready), and ended with the first epoch; each written then, not when the process exits.</summary>
public class JitProfileCutoffTests
{
    /// <summary>Whether the profile file exists, at each epoch's end.</summary>
    sealed class ProfileWatch(string path) : IFitObserver
    {
        public List<bool> Written { get; } = [];
        public bool OnEpochEnd(EpochMetrics metrics)
        {
            Written.Add(File.Exists(path) && new FileInfo(path).Length > 0);
            return true;
        }
    }

    [Fact]
    public void A_profile_is_written_when_switched_from_and_when_the_first_epoch_ends()
    {
        // .NET keeps no profile on a single core (nothing to compile in the background with), so nothing to see there.
        if (Environment.ProcessorCount < 2) return;
        // The one profile folder of this test process (the runtime takes one per process), left in the temp folder.
        var folder = Directory.CreateTempSubdirectory("nabla-jit-").FullName;
        var id = Guid.NewGuid();
        var startUp = JitProfile.Start($"Nabla.Tests start-up {id}", folder)!;
        Assert.False(File.Exists(startUp));
        var run = JitProfile.Switch($"Nabla.Tests run {id}")!;
        Assert.True(File.Exists(startUp), "the start-up profile is written when the program switches to the next");
        Assert.NotEqual(startUp, run);
        Assert.False(File.Exists(run));

        var watch = new ProfileWatch(run);
        FitLoopTests.Model().Fit(FitLoopTests.Data(), Loss.SoftmaxCrossEntropy, new Sgd(0.1), epochs: 2, batchSize: 8, null,
            new Rng(1), observers: [new JitProfileCutoff(), watch]);
        Assert.Equal([true, true], watch.Written);
    }
}
