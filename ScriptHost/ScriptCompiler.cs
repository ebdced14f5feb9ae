using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Emit;
using Microsoft.CodeAnalysis.Scripting;
using Microsoft.CodeAnalysis.Scripting.Hosting;

namespace Nabla.ScriptHost;

/// <summary>A script compiled to an assembly (with its PDB embedded), the files it was built from and the arguments it reads.</summary>
public sealed record CompiledScript(byte[] Assembly, IReadOnlyList<string> Sources, IReadOnlyList<string> References,
    IReadOnlyList<ArgumentInfo> Arguments, bool DynamicArguments)
{
    /// <summary>Warnings to print before the run (<see cref="DiscardedResults"/>); kept with a cached build.</summary>
    public IReadOnlyList<ScriptWarning> Warnings { get; init; } = [];
}

/// <summary>Compile errors in the form editors and CI understand: <c>path(line,col): error CSxxxx: message</c>.</summary>
public sealed class CompileErrorException(IReadOnlyList<string> errors) : Exception(string.Join(Environment.NewLine, errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}

/// <summary>
/// The only class that touches Roslyn, so a cached run never loads it (≈1.5 s saved). Scripts compile in Release with
/// debug information embedded in the assembly, so stack traces of cached runs still carry file:line.
/// </summary>
public static class ScriptCompiler
{
    /// <summary>Namespaces a script gets without using lines (static imports for the layer factories).</summary>
    public static readonly string[] Imports =
    [
        "System", "System.Linq", "System.IO", "System.Collections.Generic", "System.Threading", "System.Threading.Tasks",
        "MathNet.Numerics.LinearAlgebra",
        "Nabla.Compute", "Nabla.Tensors", "Nabla.Diagnostics", "Nabla.Layers", "Nabla.Losses", "Nabla.Models", "Nabla.Optimizers", "Nabla.Training", "Nabla.Data",
        "Nabla.Evaluation", "Nabla.Serialization", "Nabla.Serialization.Onnx", "Nabla.Reporting",
        "Nabla.Layers.Layer",
    ];

    /// <summary>Compiles <paramref name="path"/> (and every file it #loads); throws <see cref="CompileErrorException"/>.
    /// <c>#r "nuget: Name, Version"</c> packages are restored through <paramref name="packages"/> (default: under the
    /// script cache, see <see cref="NuGetReferences"/>).</summary>
    public static CompiledScript Compile(string path, string? packages = null)
    {
        var fullPath = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(fullPath)!;
        var nuget = new NuGetReferences(packages ?? Path.Combine(ScriptCache.DefaultDirectory(), "nuget"), directory);
        var options = ScriptOptions.Default
            .WithFilePath(fullPath)
            .WithFileEncoding(System.Text.Encoding.UTF8)
            .WithReferences(typeof(Layers.Layer).Assembly, typeof(MathNet.Numerics.LinearAlgebra.Matrix<>).Assembly,
                typeof(ScriptGlobals).Assembly)
            .WithImports(Imports)
            .WithSourceResolver(new SourceFileResolver([], directory))
            .WithMetadataResolver(new NuGetMetadataResolver(ScriptMetadataResolver.Default.WithBaseDirectory(directory), nuget))
            .WithOptimizationLevel(OptimizationLevel.Release)
            .WithEmitDebugInformation(true)
            .WithLanguageVersion(LanguageVersion());
        var script = CSharpScript.Create(File.ReadAllText(fullPath), options, typeof(ScriptGlobals));
        var compilation = script.GetCompilation();
        using var assembly = new MemoryStream();   // Emit reports every compile error (GetDiagnostics first would compile twice)
        var emitted = compilation.Emit(assembly, options: new EmitOptions(debugInformationFormat: DebugInformationFormat.Embedded));
        if (!emitted.Success)
            throw new CompileErrorException(emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => Format(d, nuget.Failures)).ToArray());

        var sources = compilation.SyntaxTrees.Select(t => t.FilePath).Where(p => p.Length > 0).Distinct().ToArray();
        var references = compilation.DirectiveReferences.OfType<PortableExecutableReference>()
            .Select(r => r.FilePath).OfType<string>().Distinct().ToArray();
        var (arguments, dynamic) = DeclaredArguments(compilation);
        return new CompiledScript(assembly.ToArray(), sources, references, arguments, dynamic) { Warnings = DiscardedResults.Find(compilation) };
    }

    /// <summary>One diagnostic as <c>path(line,col): error CSxxxx: message</c>, the path relative to the current folder; a
    /// nuget: reference that did not restore says why instead of Roslyn's "metadata file not found".</summary>
    static string Format(Diagnostic d, IReadOnlyDictionary<string, string> nugetFailures)
    {
        var span = d.Location.GetMappedLineSpan();
        var where = span.IsValid && span.Path.Length > 0
            ? $"{HostPaths.Display(span.Path)}({span.StartLinePosition.Line + 1},{span.StartLinePosition.Character + 1}): "
            : "";
        var message = d.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        if (d.Id == "CS0006" && nugetFailures.FirstOrDefault(f => message.Contains(f.Key, StringComparison.Ordinal)) is { Key: not null } failure)
            return $"{where}error: #r \"{failure.Key}\": {failure.Value}";
        return $"{where}{d.Severity.ToString().ToLowerInvariant()} {d.Id}: {message}";
    }

    // #r "nuget: …" through NuGetReferences; every other #r as Roslyn's script resolver does it. A failed restore is
    // recorded (and answered with nothing, so Roslyn reports the reference) and not retried within the compile.
    sealed class NuGetMetadataResolver(MetadataReferenceResolver inner, NuGetReferences nuget) : MetadataReferenceResolver
    {
        MetadataReferenceResolver Inner => inner;
        NuGetReferences NuGet => nuget;

        public override ImmutableArray<PortableExecutableReference> ResolveReference(string reference, string? baseFilePath, MetadataReferenceProperties properties)
        {
            if (!PackageRequest.IsNuGet(reference)) return inner.ResolveReference(reference, baseFilePath, properties);
            if (nuget.Failures.ContainsKey(reference)) return [];
            try
            {
                return [.. nuget.Resolve(PackageRequest.Parse(reference)).Select(p => MetadataReference.CreateFromFile(p, properties))];
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException or System.Text.Json.JsonException or System.ComponentModel.Win32Exception)
            {
                nuget.Failures[reference] = e.Message;
                return [];
            }
        }

        public override bool ResolveMissingAssemblies => inner.ResolveMissingAssemblies;

        public override PortableExecutableReference? ResolveMissingAssembly(MetadataReference definition, AssemblyIdentity referenceIdentity) =>
            inner.ResolveMissingAssembly(definition, referenceIdentity);

        public override bool Equals(object? other) => other is NuGetMetadataResolver r && r.Inner.Equals(inner) && r.NuGet.Folder == nuget.Folder;

        public override int GetHashCode() => HashCode.Combine(inner, nuget.Folder);
    }

    // The pinned C# version from Directory.Build.props, which the build stamps into this assembly's metadata.
    static LanguageVersion LanguageVersion()
    {
        var pinned = typeof(ScriptCompiler).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "LangVersion")?.Value;
        return pinned is not null && LanguageVersionFacts.TryParse(pinned, out var version) ? version : Microsoft.CodeAnalysis.CSharp.LanguageVersion.Latest;
    }

    // Every Arg("name", default) / Args.Get("name", default) call the script makes, found by binding the calls (so a
    // script's own method named Arg does not count). A non-constant name makes the set unknowable before the run.
    static (IReadOnlyList<ArgumentInfo> Arguments, bool Dynamic) DeclaredArguments(Compilation compilation)
    {
        var found = new List<ArgumentInfo>();
        var dynamic = false;
        foreach (var tree in compilation.SyntaxTrees)
        {
            var model = compilation.GetSemanticModel(tree);
            foreach (var call in tree.GetRoot().DescendantNodes().OfType<InvocationExpressionSyntax>())
            {
                if (model.GetSymbolInfo(call).Symbol is not IMethodSymbol method) continue;
                var type = method.ContainingType?.Name;
                if (!((type == nameof(ScriptGlobals) && method.Name == nameof(ScriptGlobals.Arg)) ||
                      (type == nameof(ScriptArguments) && method.Name is nameof(ScriptArguments.Get) or nameof(ScriptArguments.Has))))
                    continue;
                var args = call.ArgumentList.Arguments;
                if (args.Count == 0) continue;
                if (model.GetConstantValue(args[0].Expression) is not { HasValue: true, Value: string name }) { dynamic = true; continue; }
                var fallback = args.Count > 1 ? DefaultText(model, args[1].Expression) : "";
                if (found.All(a => a.Name != name)) found.Add(new ArgumentInfo(name, fallback));
            }
        }
        return (found, dynamic);
    }

    static string DefaultText(SemanticModel model, ExpressionSyntax expression) =>
        model.GetConstantValue(expression) switch
        {
            { HasValue: true, Value: bool b } => b ? "true" : "false",
            { HasValue: true, Value: IFormattable f } => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
            { HasValue: true, Value: string s } => s.Length == 0 ? "\"\"" : s,
            _ => expression.ToString(),
        };
}
