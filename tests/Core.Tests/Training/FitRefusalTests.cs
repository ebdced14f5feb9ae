namespace Nabla.Tests.Training;

/// <summary>What Fit refuses, before its first step (no observer hears of a refused Fit), and the message each refusal
/// gives: a first Fit and a Fit continued from a result check the same things.</summary>
public class FitRefusalTests
{
    /// <summary>n samples of 6 features in 3 classes (labels i mod 3).</summary>
    static Dataset Data(int n = 12, int classes = 3, string name = "train") =>
        Dataset.Classification(name, Enumerable.Range(0, n * 6).Select(i => (float)Math.Sin(i)).ToArray(), 6,
            Enumerable.Range(0, n).Select(i => i % classes).ToArray(), classes);

    static Sequential<float> Model() => Sequential.Of(Layer.Dense(6, 4, new Rng(1)), Layer.Relu(), Layer.Dense(4, 3, new Rng(2)));

    /// <summary>Fails the test if Fit got as far as starting.</summary>
    sealed class MustNotStart : IFitObserver
    {
        public void OnFitStart(FitInfo info) => Assert.Fail("a refused Fit started");
    }

    /// <summary>The result of a one-epoch Fit, to continue.</summary>
    static FitResult<float> Previous() => Model().Fit(Data(), Loss.SoftmaxCrossEntropy, new Sgd(0.1), 1, 4, null, new Rng(3));

    /// <summary>The exception a first Fit and a continued Fit throw with these arguments; both must throw the same.</summary>
    static TException Refused<TException>(Dataset train, int epochs = 1, int batchSize = 4, Dataset? validation = null, ILoss? loss = null,
        IAugmentation? augmentation = null, Sequential<float>? model = null) where TException : Exception
    {
        loss ??= Loss.SoftmaxCrossEntropy;
        var first = Assert.Throws<TException>(() => (model ?? Model()).Fit(train, loss, new Sgd(0.1), epochs, batchSize, validation, new Rng(3),
            observers: [new MustNotStart()], augmentation: augmentation));
        var previous = Previous();
        var continued = Assert.Throws<TException>(() => previous.Fit(train, loss, epochs, batchSize, validation, new Rng(3),
            observers: [new MustNotStart()], augmentation: augmentation));
        Assert.Equal(first.Message, continued.Message);
        return first;
    }

    [Fact]
    public void Negative_epochs_are_refused_and_zero_epochs_train_nothing()
    {
        var e = Refused<ArgumentOutOfRangeException>(Data(), epochs: -1);
        Assert.Equal(("epochs", -1), (e.ParamName, (int)e.ActualValue!));
        Assert.StartsWith("Fit: epochs must be ≥ 0.", e.Message);
        var none = Model().Fit(Data(), Loss.SoftmaxCrossEntropy, new Sgd(0.1), 0, 4, null, new Rng(3));
        Assert.Empty(none.History);
        Assert.Equal(0, none.State.Step);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-4)]
    public void A_batch_size_below_1_is_refused(int batchSize)
    {
        var e = Refused<ArgumentOutOfRangeException>(Data(), batchSize: batchSize);
        Assert.Equal(("batchSize", batchSize), (e.ParamName, (int)e.ActualValue!));
        Assert.StartsWith("Fit: batchSize must be positive.", e.Message);
    }

    [Fact]
    public void An_empty_training_set_is_refused_naming_it() =>
        Assert.Equal("Fit: the training set empty is empty.", Refused<ArgumentException>(Data(0, name: "empty")).Message);

    [Fact]
    public void An_augmentation_that_cannot_take_the_samples_is_refused() =>
        Assert.Equal("RandomTranslation(2) shifts images, but train has samples of shape (6): give it an image shape " +
            "(Mnist.Load gives (1, 28, 28); dataset.WithSampleShape(SampleShape.Image(channels, height, width))).",
            Refused<ShapeException>(Data(), augmentation: new RandomTranslation(2)).Message);

    [Fact]
    public void A_loss_that_cannot_take_the_models_output_is_refused() =>
        Assert.StartsWith("categorical_cross_entropy takes probabilities, but the model's last layer, Dense(4 → 3), gives unbounded values",
            Refused<ArgumentException>(Data(), loss: Loss.CategoricalCrossEntropy).Message);

    [Fact]
    public void Training_data_the_model_does_not_fit_is_refused_naming_both_counts() =>
        Assert.Equal("The model outputs 3 columns but four has 4 target columns (one-hot rows of 4 classes). Make the last Dense layer's size match.",
            Refused<ShapeException>(Data(12, 4, "four")).Message);

    [Fact]
    public void Validation_data_the_model_does_not_fit_is_refused_before_training() =>
        Assert.Equal("The model outputs 3 columns but val has 4 target columns (one-hot rows of 4 classes). Make the last Dense layer's size match.",
            Refused<ShapeException>(Data(), validation: Data(8, 4, "val")).Message);

    [Fact]
    public void A_continued_Fit_refuses_samples_of_another_shape_than_the_models()
    {
        var e = Assert.Throws<ShapeException>(() => Previous().Fit(Data().WithSampleShape(SampleShape.Image(1, 2, 3)), Loss.SoftmaxCrossEntropy,
            1, 4, null, new Rng(3), observers: [new MustNotStart()]));
        Assert.Equal("The model takes samples of shape (6), but train has samples of shape (1, 2, 3).", e.Message);
    }

    /// <summary>Each wording of "the model does not fit the data", through Fit and through Validate (which Evaluate calls
    /// without checking first).</summary>
    [Theory]
    [InlineData("image output", "The model outputs images (2, 2, 2), but pictures has 3 target columns: end it with Flatten() and a Dense layer " +
        "(or GlobalAveragePool2D()) sized to the targets.")]
    [InlineData("no targets", "unlabelled has no targets (unlabelled data, to predict on): train and validate on labelled data.")]
    [InlineData("sparse loss, real targets", "sparse_softmax_cross_entropy takes class labels, but heights has none (its targets are real values). " +
        "Build it with Dataset.Classification, or use a regression loss.")]
    [InlineData("sparse loss, other classes", "The model outputs 3 columns (one logit per class) but four has 4 classes (labels 0..3). " +
        "Make the last Dense layer's size 4.")]
    [InlineData("regression", "The model outputs 3 columns but heights has 2 target columns. Make the last Dense layer's size match.")]
    [InlineData("one-hot", "The model outputs 3 columns but four has 4 target columns (one-hot rows of 4 classes). Make the last Dense layer's size match.")]
    [InlineData("labels in one column", "The model outputs 3 columns but column has 1 target columns (labels in one column, 4 classes). " +
        "Make the last Dense layer's size match, and use Loss.SparseSoftmaxCrossEntropy for labels in one column.")]
    [InlineData("binary labels in one column", "The model outputs 3 columns but binary has 1 target columns (labels in one column, 2 classes). " +
        "Make the last Dense layer's size match.")]
    public void A_model_that_does_not_fit_the_data_is_refused_saying_how(string name, string message)
    {
        var x = Enumerable.Range(0, 8 * 6).Select(i => (float)Math.Cos(i)).ToArray();
        var (model, data, loss) = name switch
        {
            "image output" => (Sequential.Of(Layer.Conv2D(1, 2, 3, new Rng(1))),
                Dataset.Classification("pictures", Enumerable.Range(0, 8 * 16).Select(i => (float)Math.Cos(i)).ToArray(), 16,
                    [0, 1, 2, 0, 1, 2, 0, 1], 3).WithSampleShape(SampleShape.Image(1, 4, 4)), Loss.SoftmaxCrossEntropy),
            "no targets" => (Model(), Dataset.Unlabeled("unlabelled", x, 6), Loss.SoftmaxCrossEntropy),
            "sparse loss, real targets" => (Model(), Dataset.Regression("heights", x, 6, new float[8 * 3], 3), Loss.SparseSoftmaxCrossEntropy),
            "sparse loss, other classes" => (Model(), Data(8, 4, "four"), Loss.SparseSoftmaxCrossEntropy),
            "regression" => (Model(), Dataset.Regression("heights", x, 6, new float[8 * 2], 2), Loss.Mse),
            "one-hot" => (Model(), Data(8, 4, "four"), Loss.SoftmaxCrossEntropy),
            // Labels in one target column, as a CSV's label column: 2 classes (0/1) or max label + 1.
            "labels in one column" => (Model(), new Dataset("column", x, 8, 6, [0, 1, 2, 3, 0, 1, 2, 3], 1, [0, 1, 2, 3, 0, 1, 2, 3]),
                Loss.SoftmaxCrossEntropy),
            "binary labels in one column" => (Model(), Dataset.Classification("binary", x, 6, [0, 1, 0, 1, 0, 1, 0, 1], 2, binary: true),
                Loss.SoftmaxCrossEntropy),
            _ => throw new ArgumentException(name),
        };
        var fit = Assert.ThrowsAny<ArgumentException>(() =>
            model.Fit(data, loss, new Sgd(0.1), 1, 4, null, new Rng(3), observers: [new MustNotStart()]));
        Assert.Equal(message, fit.Message);
        var validate = Assert.ThrowsAny<ArgumentException>(() => model.Validate(data, loss));
        Assert.Equal(fit.GetType(), validate.GetType());
        Assert.Equal(message, validate.Message);
    }

    [Fact]
    public void A_continued_Fit_checks_early_stoppings_monitor_against_its_data()
    {
        var previous = Previous();
        // The monitor needs validation data and class labels: with both, the continued Fit early-stops as asked.
        var stopped = previous.Fit(Data(), Loss.SoftmaxCrossEntropy, 1, 4, Data(6, name: "val"), new Rng(3),
            earlyStopping: new EarlyStopping("val_accuracy"));
        Assert.NotNull(stopped.EarlyStopping);
        var e = Assert.Throws<ArgumentException>(() => previous.Fit(Data(), Loss.SoftmaxCrossEntropy, 1, 4, null, new Rng(3),
            observers: [new MustNotStart()], earlyStopping: new EarlyStopping("val_accuracy")));
        Assert.StartsWith("EarlyStopping monitors val_accuracy, but Fit was given no validation data", e.Message);
    }
}
