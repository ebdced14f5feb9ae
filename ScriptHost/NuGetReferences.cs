using System.Collections.Immutable;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Nabla.ScriptHost;

/// <summary>A package a script asks for with <c>#r "nuget: Name, Version"</c> (or <c>nuget: Name/Version</c>, as dotnet-script also reads it).</summary>
public sealed record PackageRequest(string Id, string Version)
{
    static readonly Regex Form = new(@"^\s*nuget\s*:\s*(?<id>[A-Za-z0-9_.\-]+)\s*(?:[,/]\s*(?<version>[^\s,/]+))?\s*$", RegexOptions.CultureInvariant);

    /// <summary>Whether <paramref name="reference"/> is a nuget: reference at all.</summary>
    public static bool IsNuGet(string reference) => reference.TrimStart().StartsWith("nuget:", StringComparison.OrdinalIgnoreCase);

    /// <summary>The package of a nuget: reference; throws <see cref="ArgumentException"/> saying what form is expected.</summary>
    public static PackageRequest Parse(string reference)
    {
        var m = Form.Match(reference);
        if (!m.Success) throw new ArgumentException($"#r \"{reference}\": expected #r \"nuget: Name, Version\", for example #r \"nuget: Newtonsoft.Json, 13.0.3\".");
        if (!m.Groups["version"].Success)
            throw new ArgumentException($"#r \"{reference}\": give the version, #r \"nuget: {m.Groups["id"].Value}, 1.2.3\": a script that names no version would change under your feet (and could not be cached).");
        return new(m.Groups["id"].Value, m.Groups["version"].Value);
    }

    public override string ToString() => $"{Id} {Version}";
}

/// <summary>
/// Restores the packages of <c>#r "nuget: …"</c> the way dotnet-script does: a generated project with one exact
/// PackageReference, restored by the SDK's own <c>dotnet restore</c>, whose project.assets.json lists the runtime
/// assemblies of the package and of every package it depends on (all compiled against and loaded). Packages land in
/// NuGet's global packages folder (~/.nuget/packages, or $NUGET_PACKAGES, or a NuGet.config's globalPackagesFolder), so
/// a package restored once needs no network again: NuGet takes an exact version present there without asking a
/// source. The assemblies each request resolved to are remembered in <see cref="Folder"/>, so a later compile does not
/// even start the restore. A NuGet.config beside the script is used for the restore (its sources, its packages
/// folder). Why the CLI and not the NuGet client libraries: it is the same resolver, configuration and cache that
/// `dotnet build` uses, and it needs no dozen more packages pinned in the host.
/// </summary>
public sealed class NuGetReferences(string folder, string scriptDirectory)
{
    /// <summary>Where the generated projects and resolved lists live (one subfolder per request and configuration).</summary>
    public string Folder { get; } = folder;

    /// <summary>Failures met while compiling, by reference text, to replace Roslyn's "metadata file not found".</summary>
    public Dictionary<string, string> Failures { get; } = new(StringComparer.Ordinal);

    /// <summary>The runtime assemblies of the package <paramref name="request"/> and its dependencies; throws
    /// <see cref="InvalidOperationException"/> with NuGet's own error lines when it does not restore.</summary>
    public IReadOnlyList<string> Resolve(PackageRequest request)
    {
        var framework = $"net{Environment.Version.Major}.{Environment.Version.Minor}";
        var config = FindConfig();
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            $"{request.Id.ToLowerInvariant()}\n{request.Version}\n{framework}\n{config}\n{(config is null ? "" : File.ReadAllText(config))}")))[..24];
        var project = Path.Combine(Folder, key);
        var resolved = Path.Combine(project, "resolved.txt");
        if (File.Exists(resolved) && File.ReadAllLines(resolved) is { Length: > 0 } known && known.All(File.Exists)) return known;

        Directory.CreateDirectory(project);
        // Empty Directory.* files stop MSBuild and NuGet from importing those of folders above (a repository's central
        // package versions would otherwise refuse the Version attribute).
        foreach (var name in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
            File.WriteAllText(Path.Combine(project, name), "<Project />\n");
        File.WriteAllText(Path.Combine(project, "restore.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>{framework}</TargetFramework>
                <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
                <NuGetAudit>false</NuGetAudit>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="{System.Security.SecurityElement.Escape(request.Id)}" Version="[{System.Security.SecurityElement.Escape(request.Version)}]" />
              </ItemGroup>
            </Project>
            """);
        var (code, output) = Run(Dotnet(), ["restore", Path.Combine(project, "restore.csproj"), "--nologo", "--disable-build-servers", "-v", "q",
            .. config is null ? Array.Empty<string>() : ["--configfile", config]]);
        if (code != 0)
        {
            var errors = output.Split('\n').Select(l => l.Trim()).Where(l => l.Contains("error", StringComparison.OrdinalIgnoreCase))
                .Select(l => Regex.Replace(l, @"^.*?: error ", "")).Select(l => Regex.Replace(l, @"\s*\[[^\]]*restore\.csproj[^\]]*\]$", ""))
                .Distinct().Take(5).ToArray();
            throw new InvalidOperationException($"package {request} could not be restored: {(errors.Length > 0 ? string.Join("; ", errors) : output.Trim())}" +
                (config is null ? "" : $" (sources from {config})"));
        }
        var assemblies = RuntimeAssemblies(Path.Combine(project, "obj", "project.assets.json"), framework);
        File.WriteAllLines(resolved, assemblies);
        return assemblies;
    }

    // project.assets.json: targets[framework][id/version].runtime lists each package's runtime assemblies relative to its
    // folder (libraries[id/version].path) under one of packageFolders; "_._" marks "nothing for this framework".
    static IReadOnlyList<string> RuntimeAssemblies(string assetsPath, string framework)
    {
        using var assets = JsonDocument.Parse(File.ReadAllBytes(assetsPath));
        var root = assets.RootElement;
        var packageFolders = root.GetProperty("packageFolders").EnumerateObject().Select(p => p.Name).ToArray();
        var target = root.GetProperty("targets").EnumerateObject().First(t => t.Name.StartsWith(framework, StringComparison.OrdinalIgnoreCase)).Value;
        var files = new List<string>();
        foreach (var package in target.EnumerateObject())
        {
            if (!package.Value.TryGetProperty("type", out var type) || type.GetString() != "package") continue;
            if (!package.Value.TryGetProperty("runtime", out var runtime)) continue;
            var relative = root.GetProperty("libraries").GetProperty(package.Name).GetProperty("path").GetString()!;
            foreach (var file in runtime.EnumerateObject().Select(f => f.Name).Where(f => !f.EndsWith("_._", StringComparison.Ordinal)))
            {
                var full = packageFolders.Select(p => Path.Combine(p, relative, file)).FirstOrDefault(File.Exists);
                if (full is not null) files.Add(Path.GetFullPath(full));
            }
        }
        return files.ToImmutableArray();
    }

    // A NuGet.config (any casing) in the script's folder or above, the folder a `dotnet restore` there would read first.
    string? FindConfig()
    {
        for (var dir = new DirectoryInfo(scriptDirectory); dir is not null; dir = dir.Parent)
            foreach (var name in new[] { "NuGet.Config", "NuGet.config", "nuget.config" })
                if (File.Exists(Path.Combine(dir.FullName, name))) return Path.Combine(dir.FullName, name);
        return null;
    }

    // The dotnet that runs us (dotnet nabla.dll), else the SDK's DOTNET_HOST_PATH, else dotnet on PATH.
    static string Dotnet() =>
        Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self
        : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    static (int Code, string Output) Run(string program, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";   // no MSBuild node left running after a script's restore
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program} to restore packages.");
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output + error.Result);
    }
}
