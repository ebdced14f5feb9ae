using Nabla.Models;

namespace Nabla.Serialization.Onnx;

/// <summary><c>model.ExportOnnx(path)</c> in scripts.</summary>
public static class OnnxModelExtensions
{
    /// <inheritdoc cref="OnnxExport.Save{T}(Sequential{T}, string, SampleShape?)"/>
    public static void ExportOnnx<T>(this Sequential<T> model, string path, SampleShape? input = null) where T : struct, IFloatingPointIeee754<T> =>
        OnnxExport.Save(model, path, input);
}
