namespace Nabla.ScriptHost.Tests;

/// <summary>Every shipped script still compiles against today's API, without warnings, so a Core change cannot break one silently.</summary>
public sealed class ScriptsCompileTests
{
    public static TheoryData<string> Scripts() =>
        new(Directory.GetFiles(Path.Combine(Host.RepoRoot, "scripts"), "*.csx").Select(Path.GetFileName).OfType<string>().Order());

    [Theory]
    [MemberData(nameof(Scripts))]
    public void The_script_compiles(string name)
    {
        var compiled = ScriptCompiler.Compile(Path.Combine(Host.RepoRoot, "scripts", name));
        Assert.NotEmpty(compiled.Assembly);
        Assert.Empty(compiled.Warnings);   // a shipped script keeps every result it asks for (DiscardedResults)
    }

    [Fact]
    public void Mnist_mlp_takes_the_arguments_the_README_promises()
    {
        var compiled = ScriptCompiler.Compile(Path.Combine(Host.RepoRoot, "scripts", "mnist-mlp.csx"));
        Assert.False(compiled.DynamicArguments);
        Assert.Equal(["batch", "data", "decay", "epochs", "limit", "lr"], compiled.Arguments.Select(a => a.Name).Order());
    }
}
