using Nabla.Tests.Data;

namespace Nabla.Tests.Evaluation;

/// <summary>One image or one row in, a class and its top probabilities out: an image file made from a test image gives
/// exactly what the test row gives.</summary>
public class PredictionTests
{
    static readonly Lazy<Sequential<float>> Model = new(() =>
    {
        var (train, _) = Mnist.Load(TestSupport.DataPath("mnist"), limit: 2000);
        var rng = Rng.Seeded(4);
        var model = Sequential.Of(Layer.Flatten(), Layer.Dense(784, 32, Init.He, rng), Layer.Relu(), Layer.Dense(32, 10, Init.Xavier, rng));
        return model.Fit(train, Loss.SoftmaxCrossEntropy, new Sgd(LearningRate: 0.1), 2, 32, null, rng).Model;
    });

    static Prediction Row0 => Model.Value.PredictRow(ImageFileTests.Test.Value.Features.Take(784).ToArray());

    [Fact]
    public void A_png_of_a_test_image_gives_the_same_class_and_probabilities_as_its_row()
    {
        var expected = Row0;
        Assert.Equal(7, expected.Class);
        Assert.Equal(3, expected.Top.Count);
        foreach (var name in new[] { "digit-7.png", "digit-7-rgb.png" })
            Assert.Equal(expected.Top, Model.Value.PredictImage(ImageFileTests.Fixture(name)).Top);
        Assert.Equal(expected.Top, Model.Value.PredictImage(ImageFileTests.Fixture("digit-7-paper.png"), invert: true).Top);
        Assert.NotEqual(7, Model.Value.PredictImage(ImageFileTests.Fixture("digit-7-paper.png")).Class);   // not inverted: not a 7
    }

    [Fact]
    public void A_jpeg_gives_the_same_class_with_probabilities_close_to_the_rows()
    {
        var (expected, jpeg) = (Row0, Model.Value.PredictImage(ImageFileTests.Fixture("digit-7.jpg")));
        Assert.Equal(expected.Class, jpeg.Class);
        Assert.InRange(Math.Abs(expected.Probability - jpeg.Probability), 0, 0.05);
    }

    [Fact]
    public void Probabilities_are_the_softmax_of_logits_or_the_models_own_softmax_and_sum_to_one()
    {
        var x = Batches.Gather<float>(ImageFileTests.Test.Value, [0]).X;
        var fromLoss = Model.Value.Predict(x, Loss.SoftmaxCrossEntropy);
        var guessed = Model.Value.Probabilities(x);
        Assert.Equal(Kernels.Values(fromLoss), Kernels.Values(guessed));
        var withSoftmax = new Sequential<float>([.. Model.Value.Layers, Layer.Softmax()]);
        Assert.Equal(Kernels.Values(fromLoss), Kernels.Values(withSoftmax.Probabilities(x)));
        Assert.Equal(1.0, Row0.Top.Sum(t => t.Probability) + (1 - Row0.Top.Sum(t => t.Probability)), 6);
        Assert.Equal(1.0, Kernels.Values(guessed).Sum(v => (double)v), 5);
        Assert.Matches(@"^7 \(7 \d+\.\d\d%, \d \d+\.\d\d%, \d \d+\.\d\d%\)$", Row0.ToString());
    }
}
