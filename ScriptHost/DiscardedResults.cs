using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Nabla.ScriptHost;

/// <summary>A compile-time warning about a script, printed as editors and CI read it: <c>path(line,col): warning: message</c>.</summary>
public sealed record ScriptWarning(string Path, int Line, int Column, string Message)
{
    public override string ToString() => $"{HostPaths.Display(Path)}({Line},{Column}): warning: {Message}";
}

/// <summary>
/// Finds calls whose result a script throws away although it is the point of the call. Nabla's values are immutable:
/// <c>model.Fit(…)</c> returns the trained model and leaves <c>model</c> as it was, <c>WithParameters</c> and an
/// optimizer's <c>Update</c> return new values. A statement that is only such a call (its value a Nabla type, or a
/// tuple holding one, returned by a Nabla method) changes nothing, and the script goes on with the old value. Found on
/// the compiled script's semantic model; the run goes on (<c>_ = model.Fit(…)</c> says the discard is meant).
/// </summary>
public static class DiscardedResults
{
    // Methods whose result may go unused because the call is made for its effect: Evaluate's result is recorded for the
    // run's report, Backend.Use switches the matrix backend.
    static readonly HashSet<string> CalledForEffect = ["Nabla.Evaluation.EvaluateExtensions.Evaluate", "Nabla.Compute.Backend.Use"];

    /// <summary>One warning per discarded Nabla result in the script and the files it #loads.</summary>
    public static IReadOnlyList<ScriptWarning> Find(Compilation compilation)
    {
        var nabla = typeof(Layers.Layer).Assembly.GetName().Name;
        var warnings = new List<ScriptWarning>();
        foreach (var tree in compilation.SyntaxTrees)
        {
            var model = compilation.GetSemanticModel(tree);
            foreach (var statement in tree.GetRoot().DescendantNodes().OfType<ExpressionStatementSyntax>())
            {
                if (statement.Expression is not InvocationExpressionSyntax call) continue;
                if (model.GetSymbolInfo(call).Symbol is not IMethodSymbol method || method.ContainingAssembly?.Name != nabla) continue;
                var original = method.ReducedFrom ?? method;   // an extension method called as model.Fit(…)
                if (CalledForEffect.Contains($"{original.ContainingType.ContainingNamespace}.{original.ContainingType.Name}.{original.Name}"))
                    continue;
                if (!IsNablaValue(method.ReturnType)) continue;
                var where = call.GetLocation().GetMappedLineSpan();
                warnings.Add(new ScriptWarning(where.Path, where.StartLinePosition.Line + 1, where.StartLinePosition.Character + 1, Message(method)));
            }
        }
        return warnings;
    }

    static string Message(IMethodSymbol method) => method.Name == "Fit"
        ? "the result of Fit is discarded; the trained model is its .Model (Fit leaves the model it was called on as it was)"
        : $"the result of {method.Name} is discarded; it returns a new {method.ReturnType.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)} " +
          "and changes nothing in place: keep what it returns";

    // A type from a Nabla namespace, or a tuple with one among its elements ((Parameters<T>, TState) from Update).
    static bool IsNablaValue(ITypeSymbol type) =>
        type is INamedTypeSymbol { IsTupleType: true } tuple
            ? tuple.TupleElements.Any(e => IsNablaValue(e.Type))
            : type.SpecialType != SpecialType.System_Void && type.ContainingNamespace?.ToDisplayString() is { } ns &&
              (ns == "Nabla" || ns.StartsWith("Nabla.", StringComparison.Ordinal));
}
