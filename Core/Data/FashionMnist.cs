namespace Nabla.Data;

/// <summary>Fashion-MNIST (Zalando, MIT): MNIST's shapes (28×28 grey images, 60,000 train and 10,000 test) over 10
/// clothing classes, as shipped with Nabla; Keras's <c>fashion_mnist.load_data()</c>.</summary>
public static class FashionMnist
{
    /// <summary>(train, test) of the shipped Fashion-MNIST (<see cref="ShippedData"/>); <paramref name="limit"/> keeps
    /// the first N training images.</summary>
    public static (Dataset Train, Dataset Test) Load(int? limit = null) => Mnist.Load(ShippedData.Folder("fashion-mnist"), limit);
}
