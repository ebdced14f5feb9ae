namespace Nabla.Tests.Data;

/// <summary>The datasets shipped with Nabla: found beside the program or above it (here, the repository's data/).</summary>
public sealed class ShippedDataTests
{
    [Fact]
    public void A_build_inside_the_repository_finds_the_repositorys_data_folder()
    {
        Assert.Equal(TestSupport.DataPath("mnist"), ShippedData.Folder("mnist"));
        Assert.Equal(TestSupport.DataPath("fashion-mnist"), ShippedData.Folder("fashion-mnist"));
    }

    [Fact]
    public void Mnist_Load_without_a_folder_reads_the_shipped_MNIST_and_FashionMnist_its_own()
    {
        var (train, test) = Mnist.Load(limit: 10);
        var (fashionTrain, _) = FashionMnist.Load(limit: 10);
        Assert.Equal((10, 10000), (train.Count, test.Count));
        Assert.Equal(Mnist.Load(TestSupport.DataPath("mnist"), limit: 10).Train.Features, train.Features);
        Assert.Equal(Mnist.Load(TestSupport.DataPath("fashion-mnist"), limit: 10).Train.Features, fashionTrain.Features);
        Assert.NotEqual(train.Features, fashionTrain.Features);
    }

    [Fact]
    public void A_dataset_that_is_not_shipped_says_to_pass_a_folder()
    {
        var error = Assert.Throws<DirectoryNotFoundException>(() => ShippedData.Folder("cifar-10"));
        Assert.Contains("cifar-10 is not shipped with this program", error.Message);
        Assert.Contains("Mnist.Load(\"path/to/cifar-10\")", error.Message);
    }
}
