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

    [Fact]
    public void The_README_two_line_program_on_Nabla_Core_compiles()
    {
        // tests/packaging/check.sh builds and runs it against the packed Nabla.Core; this catches an API change at landing.
        var readme = File.ReadAllText(Path.Combine(Host.RepoRoot, "README.md")).ReplaceLineEndings("\n");
        var block = System.Text.RegularExpressions.Regex.Match(readme, "can be two lines(?:.*\n)*?```csharp\n((?:.*\n)*?)```");
        Assert.True(block.Success, "README.md has no csharp block after \"can be two lines\"");
        Assert.Equal(2, block.Groups[1].Value.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        // A console project's implicit usings, then the program.
        var trees = new[] { "global using System; global using System.Collections.Generic; global using System.IO; global using System.Linq;", block.Groups[1].Value }
            .Select(code => Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(code));
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Select(path => Microsoft.CodeAnalysis.MetadataReference.CreateFromFile(path));
        var compilation = Microsoft.CodeAnalysis.CSharp.CSharpCompilation.Create("two-lines", trees, references,
            new Microsoft.CodeAnalysis.CSharp.CSharpCompilationOptions(Microsoft.CodeAnalysis.OutputKind.ConsoleApplication));
        var emitted = compilation.Emit(new MemoryStream());
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics.Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error)));
    }
}
