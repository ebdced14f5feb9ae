using System.Text.Json;

namespace Nabla.ScriptHost.Tests;

/// <summary>Exit codes and error messages of the host, run in-process on small scripts (each compiled once per class).</summary>
public sealed class HostTests(HostFolder folder) : IClassFixture<HostFolder>
{
    Task<HostRun> Run(params string[] args) => Host.InProcess(folder.Cache, ["--out", folder.NewRunFolder(), .. args]);

    [Fact]
    public async Task A_compile_error_prints_path_line_and_column_and_exits_1()
    {
        var script = folder.Write("compile-error.csx", "var x = 1;\nLog(y);\n");
        var run = await Run(script);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"{script}(2,5): error CS0103: The name 'y' does not exist in the current context", run.Error);
        Assert.Empty(run.Output);
    }

    [Fact]
    public async Task A_runtime_exception_prints_the_script_file_and_line_without_host_frames_and_exits_2()
    {
        folder.Write("throws/lib.csx", "int Explode(int n)\n{\n    if (n > 1) throw new InvalidOperationException($\"boom {n}\");\n    return n;\n}\n");
        var script = folder.Write("throws/main.csx", "#load \"lib.csx\"\nLog(\"before\");\nExplode(2);\n");
        foreach (var attempt in new[] { "compiled", "cached" })   // line numbers survive the cache (embedded PDB)
        {
            var run = await Run(script);
            Assert.True(run.ExitCode == 2, $"{attempt}: {run}");
            var lines = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal($"{Path.Combine(folder.Path, "throws", "lib.csx")}:3: error: InvalidOperationException: boom 2", lines[0]);
            Assert.Equal($"  called from {script}:3", lines[1]);
            Assert.Equal(2, lines.Length);
            Assert.DoesNotContain("Nabla.ScriptHost", run.Error);
        }
    }

    [Fact]
    public async Task Inner_exceptions_are_printed_as_caused_by_lines_innermost_last()
    {
        var script = folder.Write("inner.csx", "Log(\"start\");\n" +
            "throw new InvalidOperationException(\"outer\", new FormatException(\"middle\", new IOException(\"root cause\")));\n");
        var run = await Run(script);
        Assert.True(run.ExitCode == 2, run.ToString());
        var lines = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal($"{script}:2: error: InvalidOperationException: outer", lines[0]);
        Assert.Equal(["  caused by FormatException: middle", "  caused by IOException: root cause"], lines[^2..]);
    }

    [Fact]
    public async Task An_exception_from_Nabla_names_the_script_line_that_called_it()
    {
        var script = folder.Write("shape-error.csx", """
            var rng = Rng.Seeded(Seed);
            var model = Sequential.Of(Dense(3, 2, rng));
            var data = Dataset.Regression("toy", new float[8], 4, new float[4], 2);
            var result = model.Fit(data, Loss.Mse, new Sgd(), epochs: 1, batchSize: 2, validation: null, rng);
            """);
        var run = await Run(script);
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith($"{script}:4: error: ShapeException: ", run.Error);
        Assert.Contains("Dense(3 → 2)", run.Error);
        Assert.True(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length <= 3, run.ToString());
    }

    [Fact]
    public async Task Backend_is_chosen_by_option_and_recorded_in_run_json()
    {
        var script = folder.Write("backend.csx", "Log(Nabla.Compute.Backend.Current.Name);\n");
        var bad = await Run("--backend", "cuda", script);
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("managed", bad.Error);
        Assert.Contains("openblas", bad.Error);

        var outDir = folder.NewRunFolder();
        var run = await Host.InProcess(folder.Cache, ["--out", outDir, "--backend", "managed", "--threads", "1", script]);
        Assert.Equal(0, run.ExitCode);
        Assert.Equal("managed", run.Output.Trim());
        var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "run.json"))).RootElement;
        Assert.StartsWith("managed", manifest.GetProperty("backend").GetString());
        Assert.Contains("1 thread", manifest.GetProperty("backend").GetString());
    }

    [Fact]
    public async Task The_scripts_int_return_value_is_the_exit_code()
    {
        var script = folder.Write("return3.csx", "Log(\"three\");\nreturn 3;\n");
        var run = await Run(script);
        Assert.Equal(3, run.ExitCode);
        Assert.Equal("three", run.Output.Trim());
    }

    [Fact]
    public async Task Load_brings_in_another_script_relative_to_the_loading_one()
    {
        folder.Write("load/helpers/square.csx", "int Square(int n) => n * n;\n");
        var script = folder.Write("load/main.csx", "#load \"helpers/square.csx\"\nLog($\"square {Square(Arg(\"n\", 7))}\");\n");
        var run = await Run(script, "--n", "9");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("square 81", run.Output.Trim());
    }

    [Fact]   // the host asks before anything else, to pick the JIT profile of a compiling or a cached run
    public async Task The_cache_holds_a_script_once_compiled_and_not_after_a_change_or_when_it_cannot_be_read()
    {
        var script = folder.Write("holds/main.csx", "Log(\"held\");\n");
        var cache = new ScriptCache(folder.Cache);
        Assert.False(cache.Holds(script));
        var run = await Run(script);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(cache.Holds(script));
        File.AppendAllText(script, "// changed\n");
        Assert.False(cache.Holds(script));
        File.Delete(script);
        Assert.False(cache.Holds(script));   // unreadable: false, not an exception (the run then says why)
    }

    [Fact]
    public async Task Changing_a_loaded_file_invalidates_the_cached_compile()
    {
        var helper = folder.Write("recache/helper.csx", "const string Word = \"first\";\n");
        var script = folder.Write("recache/main.csx", "#load \"helper.csx\"\nLog(Word);\n");
        var first = await Run(script);
        Assert.True(first.ExitCode == 0 && first.Output.Trim() == "first", first.ToString());
        var outDir = folder.NewRunFolder();
        var cached = await Host.InProcess(folder.Cache, ["--out", outDir, script]);
        Assert.True(cached.ExitCode == 0 && cached.Output.Trim() == "first", cached.ToString());
        Assert.True(ReadJson(Path.Combine(outDir, "run.json")).GetProperty("compile").GetProperty("cached").GetBoolean());
        File.WriteAllText(helper, "const string Word = \"second\";\n");
        var second = await Run(script);
        Assert.True(second.ExitCode == 0 && second.Output.Trim() == "second", second.ToString());
    }

    [Fact]
    public async Task R_references_an_assembly_by_path_also_from_the_cache()
    {
        var dll = typeof(Assert).Assembly.Location;   // xunit.assert.dll, which the host itself does not load
        var script = folder.Write("reference.csx", $"#r \"{dll}\"\nXunit.Assert.Equal(2, 1 + 1);\nLog(typeof(Xunit.Assert).Assembly.GetName().Name);\n");
        foreach (var attempt in new[] { "compiled", "cached" })
        {
            var run = await Run(script);
            Assert.True(run.ExitCode == 0, $"{attempt}: {run}");
            Assert.Equal("xunit.assert", run.Output.Trim());
        }
    }

    [Fact]
    public async Task A_missing_script_is_one_line_and_exit_1()
    {
        var run = await Run(Path.Combine(folder.Path, "no-such-script.csx"));
        Assert.Equal(1, run.ExitCode);
        Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("no-such-script.csx: no such script", run.Error);
    }

    [Fact]
    public async Task A_misspelled_script_argument_fails_before_the_run_and_lists_the_known_ones()
    {
        var script = folder.Write("args.csx", "Log(\"ran\");\nvar epochs = Arg(\"epochs\", 5);\nvar lr = Arg(\"lr\", 0.1);\n");
        var run = await Run(script, "--epoch", "3");
        Assert.Equal(1, run.ExitCode);
        Assert.Empty(run.Output);   // the script never started
        Assert.Contains("does not read --epoch (did you mean --epochs?); its arguments: --epochs 5, --lr 0.1.", run.Error);
    }

    [Fact]
    public async Task Argument_names_built_at_run_time_are_checked_when_the_script_ends()
    {
        var script = folder.Write("args-dynamic.csx", "var name = string.Concat(\"ep\", \"ochs\");\nLog(Arg(name, 5));\n");
        var run = await Run(script, "--epoch", "3");
        Assert.Equal(1, run.ExitCode);
        Assert.Equal("5", run.Output.Trim());
        Assert.Contains("does not read --epoch (did you mean --epochs?); its arguments: --epochs 5.", run.Error);
    }

    [Fact]
    public async Task A_flag_a_dynamic_script_asks_about_with_Has_counts_as_read()
    {
        var script = folder.Write("args-has.csx", "var name = string.Concat(\"fa\", \"st\");\nLog(Args.Has(name) ? \"fast\" : \"slow\");\n");
        var run = await Run(script, "--fast");
        Assert.Equal(0, run.ExitCode);
        Assert.Equal("fast", run.Output.Trim());
    }

    [Fact]
    public async Task A_script_argument_of_the_wrong_type_names_the_argument_and_the_script_line()
    {
        var script = folder.Write("args-type.csx", "var epochs = Arg(\"epochs\", 5);\n");
        var run = await Run(script, "--epochs", "five");
        Assert.Equal(1, run.ExitCode);
        Assert.Equal($"{script}:1: error: --epochs five: expected an integer, like the default 5.", run.Error.Trim());
    }

    [Fact]
    public async Task Help_after_the_script_lists_its_arguments_with_defaults()
    {
        var script = folder.Write("args-help.csx", "var epochs = Arg(\"epochs\", 5);\nvar name = Arg(\"name\", \"run\");\nvar fast = Arg(\"fast\", false);\n");
        var run = await Run(script, "--help");
        Assert.Equal(0, run.ExitCode);
        Assert.Equal($"usage: nabla [host options] {script} [--epochs 5] [--name run] [--fast false]", run.Output.Trim());
    }

    [Fact]
    public async Task An_unknown_host_option_suggests_the_right_one()
    {
        var run = await Host.InProcess(folder.Cache, ["--sed", "3", "x.csx"]);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("unknown host option --sed (did you mean --seed?)", run.Error);
    }

    [Fact]
    public async Task Seed_and_arguments_reach_the_script_and_run_json()
    {
        var script = folder.Write("globals.csx", "Log($\"{Seed} {Arg(\"name\", \"x\")} {Arg(\"rate\", 0.5)} {Directory.Exists(OutDir)}\");\n");
        var outDir = folder.NewRunFolder();
        var run = await Host.InProcess(folder.Cache, ["--seed", "42", "--out", outDir, script, "--name=abc"]);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("42 abc 0.5 True", run.Output.Trim());
        var manifest = ReadJson(Path.Combine(outDir, "run.json"));
        Assert.Equal(42, manifest.GetProperty("seed").GetInt64());
        Assert.Equal("abc", manifest.GetProperty("arguments").GetProperty("name").GetString());
        Assert.Equal("0.5", manifest.GetProperty("arguments").GetProperty("rate").GetString());
        Assert.Equal("completed", manifest.GetProperty("status").GetString());
        Assert.True(File.Exists(Path.Combine(outDir, "globals.csx")));
    }

    internal static JsonElement ReadJson(string path) => JsonDocument.Parse(File.ReadAllText(path)).RootElement;
}
