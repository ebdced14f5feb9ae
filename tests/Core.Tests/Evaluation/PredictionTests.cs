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

    // logits = x·W: for x = (1, ½), (1, 1, −1): classes 0 and 1 tie, class 2 last.
    static readonly Dense<double> Logits = new(Matrix<double>.Build.DenseOfRowArrays([1.0, 0.0, -1.0], [0.0, 2.0, 0.0]), Matrix<double>.Build.Dense(1, 3));
    static readonly Matrix<double> X = Matrix<double>.Build.DenseOfRowArrays([1.0, 0.5]);

    [Fact]
    public void Probabilities_come_from_the_loss_else_from_the_models_last_layer()
    {
        var logits = Matrix<double>.Build.DenseOfRowArrays([1.0, 1.0, -1.0]);
        var softmax = Activations.Softmax(logits);
        Assert.Equal(softmax, Sequential.Of<double>(Logits).Probabilities(X));
        Assert.Equal(softmax, Sequential.Of<double>(Logits).Probabilities(X, Loss.SoftmaxCrossEntropy));
        Assert.Equal(logits, Sequential.Of<double>(Logits).Probabilities(X, Loss.Mse));   // mse's activation: none
        Assert.Equal(softmax, Sequential.Of<double>(Logits, Layer<double>.Softmax()).Probabilities(X));
        Assert.Equal(Activations.Sigmoid(logits), Sequential.Of<double>(Logits, Layer<double>.Sigmoid()).Probabilities(X));
        var exp = Sequential.Of<double>(Logits, Layer<double>.LogSoftmax()).Probabilities(X);
        for (var c = 0; c < 3; c++) Assert.Equal(softmax[0, c], exp[0, c], 12);
        var one = new Dense<double>(Matrix<double>.Build.DenseOfRowArrays([2.0], [-2.0]), Matrix<double>.Build.Dense(1, 1));   // logit 1
        Assert.Equal(1 / (1 + Math.Exp(-1)), Sequential.Of<double>(one).Probabilities(X)[0, 0], 12);
        Assert.Equal(X, new Sequential<double>([]).Probabilities(X));
    }

    [Fact]
    public void A_row_prediction_is_the_argmax_with_the_best_classes_ties_by_lower_index()
    {
        var model = Sequential.Of<double>(Logits);
        var p = Activations.Softmax(Matrix<double>.Build.DenseOfRowArrays([1.0, 1.0, -1.0]));
        var prediction = model.PredictRow([1f, 0.5f], top: 2);
        Assert.Equal((0, "0", p[0, 0]), (prediction.Class, prediction.Name, prediction.Probability));
        Assert.Equal([new ClassProbability(0, "0", p[0, 0]), new ClassProbability(1, "1", p[0, 1])], prediction.Top);
        Assert.Single(model.PredictRow([1f, 0.5f], top: 0).Top);
        Assert.Equal([0, 1, 2], model.PredictRow([1f, 0.5f], top: 10).Top.Select(t => t.Class));
        Assert.Equal(["b", "a", "c"], model.PredictRow([0f, 1f], classNames: ["a", "b", "c"]).Top.Select(t => t.Name));
        Assert.Equal("Predict: 2 class names for a model with 3 classes. (Parameter 'classNames')",
            Assert.Throws<ArgumentException>(() => model.PredictRow([1f, 0.5f], classNames: ["a", "b"])).Message);
    }

    [Fact]
    public void One_sigmoid_output_predicts_between_two_classes()
    {
        var model = Sequential.Of<double>(new Dense<double>(Matrix<double>.Build.DenseOfRowArrays([2.0], [-2.0]), Matrix<double>.Build.Dense(1, 1)));
        var prediction = model.PredictRow([1f, 0.5f], classNames: ["no", "yes"]);   // logit 1: P(yes) = σ(1)
        Assert.Equal(("yes", 1 / (1 + Math.Exp(-1))), (prediction.Name, prediction.Probability));
        Assert.Equal(["yes", "no"], prediction.Top.Select(t => t.Name));
        Assert.Equal("Predict: 3 class names for a model with 2 classes. (Parameter 'classNames')",
            Assert.Throws<ArgumentException>(() => model.PredictRow([1f, 0.5f], classNames: ["a", "b", "c"])).Message);
    }

    [Fact]
    public void Predictions_print_names_and_percentages()
    {
        Assert.Equal("seven 99.81%", new ClassProbability(7, "seven", 0.99806).ToString());
        Assert.Equal("7 (7 99.81%, 3 0.12%)", new Prediction(7, "7", 0.99806, [new(7, "7", 0.99806), new(3, "3", 0.0012)]).ToString());
    }

    [Fact]
    public void The_image_size_is_the_one_given_else_the_models_one_channel_input_else_a_square_of_the_first_dense_inputs()
    {
        var path = ImageFileTests.Fixture("digit-7.png");
        var image = ImageFile.ReadGray(path);
        var rng = Rng.Seeded(1);
        var wide = Sequential.Of(SampleShape.Image(1, 7, 14), Layer.Flatten(), Layer.Dense(98, 2, rng));
        Assert.Equal(image.Resize(14, 7).ToFeatures(), PredictExtensions.ImageFeatures(wide, path));
        Assert.Equal(image.Resize(8, 8).ToFeatures(), PredictExtensions.ImageFeatures(wide, path, size: new ImageShape(8, 8)));
        var dense = Sequential.Of(Layer.Dense(64, 16, rng), Layer.Relu(), Layer.Dense(16, 2, rng));   // the first Dense: 64 = 8 × 8
        Assert.Equal(image.Resize(8, 8).ToFeatures(), PredictExtensions.ImageFeatures(dense, path));
        Assert.Equal(image.Resize(8, 8).Inverted().ToFeatures(1), PredictExtensions.ImageFeatures(dense, path, invert: true, scale: 1));
        var colour = Sequential.Of(SampleShape.Image(3, 2, 2), Layer.Flatten(), Layer.Dense(12, 2, rng));
        Assert.Equal("PredictImage: cannot tell the image size the model takes (12 inputs is not a square); pass size: new ImageShape(height, width).",
            Assert.Throws<ArgumentException>(() => PredictExtensions.ImageFeatures(colour, path)).Message);
        Assert.Equal("PredictImage: cannot tell the image size the model takes (no Dense layer); pass size: new ImageShape(height, width).",
            Assert.Throws<ArgumentException>(() => PredictExtensions.ImageFeatures(Sequential.Of(Layer.Softmax()), path)).Message);
        var expected = dense.PredictRow(image.Resize(8, 8).Inverted().ToFeatures(1), Loss.Mse, ["a", "b"], top: 1);
        var actual = dense.PredictImage(path, invert: true, Loss.Mse, ["a", "b"], top: 1, scale: 1);
        Assert.Equal((expected.Class, expected.Probability), (actual.Class, actual.Probability));
        Assert.Equal(expected.Top, actual.Top);
    }
}
