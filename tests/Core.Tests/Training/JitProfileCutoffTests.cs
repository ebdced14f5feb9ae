namespace Nabla.Tests.Training;

/// <summary>The JIT profile ends with the first epoch: written then, not when the process exits.</summary>
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
    public void The_profile_is_written_when_the_first_epoch_ends()
    {
        // .NET keeps no profile on a single core (nothing to compile in the background with), so nothing to see there.
        if (Environment.ProcessorCount < 2) return;
        var folder = Directory.CreateTempSubdirectory("nabla-jit-").FullName;
        try
        {
            // The one profile of this test process (the runtime takes one profile folder per process).
            var path = JitProfile.Start("Nabla.Tests " + Guid.NewGuid(), folder)!;
            Assert.False(File.Exists(path));
            var watch = new ProfileWatch(path);
            FitLoopTests.Model().Fit(FitLoopTests.Data(), Loss.SoftmaxCrossEntropy, new Sgd(0.1), epochs: 2, batchSize: 8, null,
                new Rng(1), observers: [new JitProfileCutoff(), watch]);
            Assert.Equal([true, true], watch.Written);
        }
        finally { Directory.Delete(folder, recursive: true); }
    }
}
