using System.Diagnostics;
using System.Reflection;
using System.Runtime.Loader;

namespace Nabla.ScriptHost;

/// <summary>Loads a compiled script and runs it: Roslyn's <c>Submission#0.&lt;Factory&gt;</c> takes [globals, null]
/// and returns the script's task. Each run gets its own load context; Nabla, MathNet and the globals type come from
/// the host's, so the script and the host agree on every shared type.</summary>
public static class ScriptRunner
{
    /// <summary>Runs the script to completion; its return value (an int is the exit code), or the script's exception.</summary>
    public static async Task<object?> RunAsync(CompiledScript script, ScriptGlobals globals)
    {
        var context = new ScriptLoadContext(script.References);
        var assembly = context.LoadFromStream(new MemoryStream(script.Assembly));
        var factory = assembly.GetType("Submission#0")?.GetMethod("<Factory>", BindingFlags.Public | BindingFlags.Static)
            ?? throw new InvalidOperationException("The compiled script has no Submission#0.<Factory>: the cache entry is not a Roslyn script.");
        Task<object> task;
        try
        {
            task = (Task<object>)factory.Invoke(null, [new object?[] { globals, null }])!;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
        return await task.ConfigureAwait(false);
    }

    /// <summary>The frames of <paramref name="exception"/> that lie in script files (.csx), innermost first, as path:line.</summary>
    public static IReadOnlyList<string> ScriptFrames(Exception exception) =>
        new StackTrace(exception, fNeedFileInfo: true).GetFrames()
            .Where(f => f.GetFileName() is { } file && file.EndsWith(".csx", StringComparison.OrdinalIgnoreCase) && f.GetFileLineNumber() > 0)
            .Select(f => $"{HostPaths.Display(f.GetFileName()!)}:{f.GetFileLineNumber()}")
            .Distinct()
            .ToArray();

    /// <summary>The method that threw, when it is not script code: "Dense`1.Forward".</summary>
    public static string? ThrownIn(Exception exception)
    {
        var top = new StackTrace(exception, fNeedFileInfo: true).GetFrames().FirstOrDefault();
        if (top?.GetMethod() is not { } method || top.GetFileName()?.EndsWith(".csx", StringComparison.OrdinalIgnoreCase) == true) return null;
        return method.DeclaringType is { } type ? $"{type.Namespace}.{type.Name.Split('`')[0]}.{method.Name}" : method.Name;
    }

    // #r'd assemblies resolve from the paths the compile recorded; everything else falls through to the host's context.
    sealed class ScriptLoadContext(IReadOnlyList<string> references) : AssemblyLoadContext("nabla-script")
    {
        protected override Assembly? Load(AssemblyName name)
        {
            var path = references.FirstOrDefault(r => string.Equals(Path.GetFileNameWithoutExtension(r), name.Name, StringComparison.OrdinalIgnoreCase));
            return path is null ? null : LoadFromAssemblyPath(path);
        }
    }
}
