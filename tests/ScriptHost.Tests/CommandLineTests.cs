namespace Nabla.ScriptHost.Tests;

/// <summary>The command line itself (System.CommandLine): subcommands, help, completion, usage errors. In-process.</summary>
public sealed class CommandLineTests(HostFolder folder) : IClassFixture<HostFolder>
{
    Task<HostRun> Nabla(params string[] args) => Host.InProcess(folder.Cache, args);

    [Fact]
    public async Task Run_is_the_bare_form_with_the_same_options_and_script_arguments()
    {
        var script = folder.Write("same.csx", "Log($\"{Seed} {Arg(\"name\", \"x\")}\");\n");
        var bare = await Nabla("--seed", "42", "--out", folder.NewRunFolder(), script, "--name", "@abc");
        var outDir = folder.NewRunFolder();
        var run = await Nabla("run", "--seed", "42", "--out", outDir, script, "--name", "@abc");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("42 @abc", run.Output.Trim());   // @abc is a value, not a response file to read
        Assert.Equal(bare.Output, run.Output);
        Assert.Equal(42, HostTests.ReadJson(Path.Combine(outDir, "run.json")).GetProperty("seed").GetInt64());
    }

    [Fact]
    public async Task Double_dash_ends_the_host_options()
    {
        var script = folder.Write("-dash.csx", "Log(\"ran\");\n");   // a name that would read as an option
        var run = await Host.InProcess(folder.Cache, ["--out", folder.NewRunFolder(), "--", script]);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("ran", run.Output.Trim());
    }

    [Fact]
    public async Task Help_lists_the_options_the_commands_and_the_exit_codes_for_the_root_and_per_command()
    {
        var root = await Nabla("--help");
        Assert.Equal(0, root.ExitCode);
        Assert.StartsWith("Nabla script host", root.Output);
        Assert.Contains("Usage: nabla [run] [--seed N]", root.Output);
        Assert.Matches(@"\n  --threads N +threads for matrix kernels", root.Output);
        Assert.Matches(@"\nCommands:\n  run +Run a script", root.Output);
        Assert.Matches(@"\n  new +Write a starter script", root.Output);
        Assert.Contains("130 cancelled", root.Output);

        var run = await Nabla("run", "-h");
        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("Run a script (the same as nabla SCRIPT.csx).", run.Output);
        Assert.Contains("--no-cache", run.Output);
        Assert.DoesNotContain("Commands:", run.Output);
    }

    [Fact]
    public async Task Version_prints_the_Nabla_and_dotnet_versions()
    {
        var run = await Nabla("--version");
        Assert.Equal(0, run.ExitCode);
        Assert.Matches(@"^nabla \d+\.\d+\.\d+ \(\.NET \d+", run.Output);
    }

    [Theory]
    [InlineData(new[] { "--seed" }, "nabla: --seed needs a value. See nabla --help.")]
    [InlineData(new[] { "--seed", "abc", "x.csx" }, "nabla: --seed abc: expected an integer. See nabla --help.")]
    [InlineData(new[] { "--threads", "0", "x.csx" }, "nabla: --threads must be between 1 and 1024. See nabla --help.")]
    [InlineData(new[] { "run", "--seed", "1", "--seed", "2", "x.csx" }, "nabla: Option '--seed' expects a single argument but 2 were provided. See nabla run --help.")]
    [InlineData(new[] { "--seed", "3", "run", "x.csx" }, "nabla: --seed goes after the command: nabla run --seed ….")]
    [InlineData(new[] { "run", "--thread", "2", "x.csx" }, "nabla: unknown host option --thread (did you mean --threads?).")]
    public async Task A_usage_error_is_one_line_that_says_what_to_type_and_exits_1(string[] args, string message)
    {
        var run = await Nabla(args);
        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith(message, run.Error);
        Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Empty(run.Output);
    }

    [Fact]
    public async Task New_writes_the_quickstart_as_a_starter_script_and_never_overwrites()
    {
        var path = Path.Combine(folder.Path, "new", "demo");
        var run = await Nabla("new", path);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"wrote {path}.csx; run it with: nabla {path}.csx", run.Output);
        var quickstart = File.ReadAllText(Path.Combine(Host.RepoRoot, "scripts", "quickstart.csx"));
        Assert.Equal(quickstart, File.ReadAllText(path + ".csx"));
        Assert.Contains("Mnist.Load();", quickstart);   // the shipped MNIST: runs in any folder, not only the repository

        File.WriteAllText(path + ".csx", "// mine");
        var again = await Nabla("new", path + ".csx");
        Assert.Equal(1, again.ExitCode);
        Assert.Equal($"nabla: {path}.csx already exists; choose another name or delete it first.", again.Error.Trim());
        Assert.Equal("// mine", File.ReadAllText(path + ".csx"));
    }

    [Fact]
    public async Task The_suggest_directive_completes_commands_option_values_and_script_paths()
    {
        // What a shell's completion function sends: [suggest:cursor] and the whole line, which starts with the program's
        // name (nabla; in-process here, the test host's).
        Task<HostRun> Complete(string line) => Nabla($"[suggest:{line.Length + 1 + Program.Length}]", $"{Program} {line}");
        Assert.Contains("run", Lines(await Complete("r")));   // with every name that contains an r: the shell keeps those that start with it
        Assert.Equal(["managed", "openblas"], Lines(await Complete("--backend ")));
        folder.Write("complete/alpha.csx", "");
        folder.Write("complete/beta.txt", "");
        Assert.Equal([Path.Combine(folder.Path, "complete", "alpha.csx")], Lines(await Complete($"{Path.Combine(folder.Path, "complete")}/")));
    }

    static readonly string Program = System.CommandLine.RootCommand.ExecutableName;

    static string[] Lines(HostRun run) => run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
