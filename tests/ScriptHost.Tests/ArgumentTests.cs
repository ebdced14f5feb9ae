namespace Nabla.ScriptHost.Tests;

/// <summary>Host options and script arguments on the command line.</summary>
public sealed class ArgumentTests
{
    [Fact]
    public void Host_options_end_at_the_script_path_and_the_rest_is_the_scripts()
    {
        var options = HostOptions.Parse(["--seed", "7", "--no-cache", "--threads=2", "run.csx", "--seed", "9", "--out", "x"]);
        Assert.Equal(("run.csx", 7L, true, 2), (options.Script, options.Seed, options.NoCache, options.Threads));
        Assert.Null(options.Out);
        Assert.Equal(["--seed", "9", "--out", "x"], options.ScriptArgs);
    }

    [Fact]
    public void Script_arguments_take_values_inline_or_next_and_a_bare_flag_is_true()
    {
        var args = ScriptArguments.Parse(["--epochs", "3", "--lr=-0.5", "--verbose", "--name", "a b"]);
        Assert.Equal(3, args.Get("epochs", 5));
        Assert.Equal(-0.5, args.Get("lr", 0.1));
        Assert.True(args.Get("verbose", false));
        Assert.Equal("a b", args.Get("name", ""));
        Assert.Equal(64, args.Get("batch", 64));
        Assert.Equal("64", args.Used["batch"]);
    }

    [Theory]
    [InlineData(new[] { "epochs" }, "unexpected script argument \"epochs\"")]
    [InlineData(new[] { "--epochs", "1", "--epochs", "2" }, "--epochs is given twice")]
    public void Malformed_script_arguments_are_usage_errors(string[] tokens, string message) =>
        Assert.Contains(message, Assert.Throws<UsageException>(() => ScriptArguments.Parse(tokens)).Message);

    [Fact]
    public void A_flag_without_a_value_is_an_error_for_a_number()
    {
        var args = ScriptArguments.Parse(["--epochs"]);
        Assert.Equal("--epochs needs a value, e.g. --epochs 5.", Assert.Throws<ScriptArgumentException>(() => args.Get("epochs", 5)).Message);
    }
}
