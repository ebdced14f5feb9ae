using System.CommandLine;

namespace Nabla.ScriptHost.Commands;

/// <summary><c>nabla new NAME</c>: writes NAME.csx, a starter script (scripts/quickstart.csx, which loads the MNIST
/// that ships with Nabla, so it runs in any folder), and never overwrites a file.</summary>
public static class NewCommand
{
    /// <summary>The <c>new</c> subcommand.</summary>
    public static Command Create(HostContext host)
    {
        var name = new Argument<string>("name") { Description = "the script to write: NAME.csx (a path may include folders)", HelpName = "NAME" };
        var command = new Command("new", "Write a starter script (an MNIST classifier) to NAME.csx.") { name };
        command.SetAction(result =>
        {
            var given = result.GetValue(name)!;
            var path = given.EndsWith(".csx", StringComparison.OrdinalIgnoreCase) ? given : given + ".csx";
            if (File.Exists(path)) throw new UsageException($"{path} already exists; choose another name or delete it first.");
            if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } folder) Directory.CreateDirectory(folder);
            File.WriteAllText(path, StarterScript());
            host.Console.Output.WriteLine($"wrote {path}; run it with: nabla {path}   (nabla {path} --help lists its arguments)");
            return 0;
        });
        return NablaCommandLine.Describe(command, "nabla new NAME", "Example: nabla new demo && nabla demo.csx --epochs 1");
    }

    /// <summary>scripts/quickstart.csx as built into the host.</summary>
    public static string StarterScript()
    {
        using var stream = typeof(NewCommand).Assembly.GetManifestResourceStream("quickstart.csx")
            ?? throw new InvalidOperationException("The host was built without scripts/quickstart.csx (EmbeddedResource in ScriptHost.csproj).");
        return new StreamReader(stream).ReadToEnd();
    }
}
