using Nabla.Models;

namespace Nabla.Serialization;

/// <summary><c>model.Save(path)</c> and <c>model.LoadWeights(path)</c>, as Keras spells them.</summary>
public static class ModelExtensions
{
    /// <summary>Saves architecture and weights to a safetensors file (see <see cref="ModelFile"/>).</summary>
    public static void Save<T>(this Sequential<T> model, string path) where T : struct, IFloatingPointIeee754<T> => ModelFile.Save(model, path);

    /// <summary>The same architecture with the weights from a safetensors file.</summary>
    public static Sequential<T> LoadWeights<T>(this Sequential<T> model, string path) where T : struct, IFloatingPointIeee754<T> =>
        ModelFile.LoadWeights(model, path);
}
