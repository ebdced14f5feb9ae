using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;
using Nabla.ScriptHost;

// Minimal host: compiles and runs a .csx script with Nabla imported. (The full host is the script-host issue.)
if (args.Length == 0 || !File.Exists(args[0]))
{
    Console.Error.WriteLine(args.Length == 0 ? "usage: nabla script.csx [--name value ...]" : $"{args[0]}: no such script");
    return 1;
}
var path = Path.GetFullPath(args[0]);
var named = new Dictionary<string, string>();
for (var i = 1; i + 1 < args.Length; i += 2) named[args[i].TrimStart('-')] = args[i + 1];
var options = ScriptOptions.Default
    .WithFilePath(path)
    .WithReferences(typeof(Nabla.Layers.Layer).Assembly, typeof(MathNet.Numerics.LinearAlgebra.Matrix<>).Assembly)
    .WithImports("System", "System.Linq", "System.IO", "System.Collections.Generic", "MathNet.Numerics.LinearAlgebra",
        "Nabla.Tensors", "Nabla.Layers", "Nabla.Losses", "Nabla.Models", "Nabla.Optimizers", "Nabla.Training", "Nabla.Data",
        "Nabla.Layers.Layer")
    .WithOptimizationLevel(OptimizationLevel.Release);
var script = CSharpScript.Create(File.ReadAllText(path), options, typeof(ScriptGlobals));
var errors = script.Compile().Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
foreach (var e in errors) Console.Error.WriteLine(e.ToString());
if (errors.Length > 0) return 1;
var outDir = Path.Combine("runs", Path.GetFileNameWithoutExtension(path), DateTime.UtcNow.ToString("yyyyMMdd-HHmmss"));
Directory.CreateDirectory(outDir);
var state = await script.RunAsync(new ScriptGlobals(named, 0, outDir, CancellationToken.None));
return state.ReturnValue is int code ? code : 0;
