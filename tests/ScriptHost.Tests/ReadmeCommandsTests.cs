namespace Nabla.ScriptHost.Tests;

/// <summary>CI runs exactly the test command README.md gives a new user.</summary>
public sealed class ReadmeCommandsTests
{
    [Fact]
    public void The_README_test_command_is_the_one_CI_runs()
    {
        static string[] TestCommands(string file) => File.ReadAllLines(Path.Combine(Host.RepoRoot, file))
            .Select(line => line.Trim()).Where(line => line.StartsWith("dotnet test ", StringComparison.Ordinal)).ToArray();
        var readme = Assert.Single(TestCommands("README.md"));
        Assert.Equal([readme], TestCommands(".ci/run"));
        Assert.Contains("-c Release", readme);   // the tests train real MNIST; Core is unoptimized in Debug
    }
}
