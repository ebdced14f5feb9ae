using System.IO.Compression;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Nabla.ScriptHost.Tests;

/// <summary>#r "nuget: Name, Version" against a local package folder made here (no network): the package restores into
/// the global packages folder the NuGet.config beside the script names, the script runs, a second compile needs no
/// source at all, and a package that does not restore is one clear error line.</summary>
public sealed class NuGetTests(HostFolder folder) : IClassFixture<HostFolder>
{
    [Fact]
    public async Task A_script_references_a_package_from_a_local_folder_and_runs_it_again_offline()
    {
        var feed = Path.Combine(folder.Path, "nuget", "feed");
        Directory.CreateDirectory(feed);
        Pack(feed, "Tiny.Greeter", "1.2.0", "namespace Tiny; public static class Greeter { public static string Hello(string name) => \"hello \" + name; }");
        folder.Write("nuget/NuGet.Config", """
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources><clear /><add key="local" value="feed" /></packageSources>
              <config><add key="globalPackagesFolder" value="packages" /></config>
            </configuration>
            """);
        var script = folder.Write("nuget/greet.csx", "#r \"nuget: Tiny.Greeter, 1.2.0\"\nLog(Tiny.Greeter.Hello(\"nabla\"));\n");

        var first = await Host.InProcess(folder.Cache, ["--out", folder.NewRunFolder(), script]);
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal("hello nabla", first.Output.Trim());
        Assert.True(File.Exists(Path.Combine(folder.Path, "nuget", "packages", "tiny.greeter", "1.2.0", "lib", "net10.0", "Tiny.Greeter.dll")),
            "the package is restored into the configured global packages folder");

        var cached = await Host.InProcess(folder.Cache, ["--out", folder.NewRunFolder(), script]);   // from the script cache
        Assert.Equal("hello nabla", cached.Output.Trim());

        // Offline with the cache: no source left and no remembered resolution; NuGet finds the exact version in the
        // global packages folder without asking a source.
        Directory.Delete(feed, recursive: true);
        foreach (var remembered in Directory.GetFiles(Path.Combine(folder.Cache, "nuget"), "resolved.txt", SearchOption.AllDirectories)) File.Delete(remembered);
        var offline = await Host.InProcess(folder.Cache, ["--no-cache", "--out", folder.NewRunFolder(), script]);
        Assert.True(offline.ExitCode == 0, offline.ToString());
        Assert.Equal("hello nabla", offline.Output.Trim());
    }

    [Fact]
    public async Task A_package_that_does_not_restore_or_a_missing_version_is_a_clear_compile_error()
    {
        Directory.CreateDirectory(Path.Combine(folder.Path, "missing", "feed"));
        folder.Write("missing/nuget.config", """
            <configuration><packageSources><clear /><add key="local" value="feed" /></packageSources>
            <config><add key="globalPackagesFolder" value="packages" /></config></configuration>
            """);
        var script = folder.Write("missing/absent.csx", "// a package no source has\n#r \"nuget: No.Such.Package, 9.9.9\"\nLog(1);\n");
        var run = await Host.InProcess(folder.Cache, ["--out", folder.NewRunFolder(), script]);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("absent.csx(2,1): error: #r \"nuget: No.Such.Package, 9.9.9\": package No.Such.Package 9.9.9 could not be restored", run.Error);
        Assert.Contains("NU1101", run.Error);   // NuGet's own reason: no such package in the sources
        Assert.DoesNotContain("CS0006", run.Error);

        var unpinned = folder.Write("missing/unpinned.csx", "#r \"nuget: Tiny.Greeter\"\n");
        var loose = await Host.InProcess(folder.Cache, ["--out", folder.NewRunFolder(), unpinned]);
        Assert.Equal(1, loose.ExitCode);
        Assert.Contains("give the version, #r \"nuget: Tiny.Greeter, 1.2.3\"", loose.Error);
    }

    // A package folder as NuGet reads it: a .nuspec and lib/net10.0/<id>.dll in a zip, the assembly compiled here.
    static void Pack(string feed, string id, string version, string source)
    {
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p) is "System.Runtime.dll" or "System.Private.CoreLib.dll")
            .Select(p => MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create(id, [CSharpSyntaxTree.ParseText(source)], references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        using var dll = new MemoryStream();
        var emitted = compilation.Emit(dll);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        using var zip = ZipFile.Open(Path.Combine(feed, $"{id}.{version}.nupkg"), ZipArchiveMode.Create);
        using (var nuspec = new StreamWriter(zip.CreateEntry($"{id}.nuspec").Open()))
            nuspec.Write($"""
                <?xml version="1.0" encoding="utf-8"?>
                <package><metadata><id>{id}</id><version>{version}</version><authors>nabla tests</authors><description>A package made by a test.</description></metadata></package>
                """);
        using var entry = zip.CreateEntry($"lib/net10.0/{id}.dll").Open();
        dll.Position = 0;
        dll.CopyTo(entry);
    }
}
