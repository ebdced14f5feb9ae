namespace Nabla.Tests.Data;

/// <summary>RandomTranslation, RandomHorizontalFlip, their chaining, and Fit's per-epoch augmentation.</summary>
public class AugmentationTests
{
    static readonly SampleShape Shape = SampleShape.Image(2, 5, 6);

    // Distinct positive pixels (0 is the fill), so an output matches one shift of its input and no other.
    static Dataset Images(int count) =>
        Dataset.Classification("images", Enumerable.Range(0, count * Shape.Size).Select(i => 1f + i).ToArray(), Shape.Size,
            Enumerable.Range(0, count).Select(i => i % 3).ToArray(), 3).WithSampleShape(Shape);

    static float[] Sample(Dataset data, int i) => data.Features.AsSpan(i * data.FeatureCount, data.FeatureCount).ToArray();

    // x′[c, h, w] = x[c, h − Δh, w − Δw], 0 outside: written out plainly.
    static float[] Shifted(float[] x, int dh, int dw)
    {
        var y = new float[x.Length];
        for (var c = 0; c < Shape.Channels; c++)
            for (var h = 0; h < Shape.Height; h++)
                for (var w = 0; w < Shape.Width; w++)
                {
                    var (sh, sw) = (h - dh, w - dw);
                    if (sh >= 0 && sh < Shape.Height && sw >= 0 && sw < Shape.Width)
                        y[(c * Shape.Height + h) * Shape.Width + w] = x[(c * Shape.Height + sh) * Shape.Width + sw];
                }
        return y;
    }

    static float[] Mirrored(float[] x)
    {
        var y = new float[x.Length];
        for (var row = 0; row < Shape.Channels * Shape.Height; row++)
            for (var w = 0; w < Shape.Width; w++)
                y[row * Shape.Width + w] = x[row * Shape.Width + Shape.Width - 1 - w];
        return y;
    }

    [Fact]
    public void Translation_shifts_each_image_by_every_offset_up_to_the_maximum_filling_with_zero()
    {
        var data = Images(400);
        var shifted = new RandomTranslation(2).Apply(data, new Rng(5));
        var seen = new HashSet<(int, int)>();
        for (var i = 0; i < data.Count; i++)
        {
            var (x, y) = (Sample(data, i), Sample(shifted, i));
            var offsets = (from dh in Enumerable.Range(-2, 5)
                           from dw in Enumerable.Range(-2, 5)
                           where Shifted(x, dh, dw).SequenceEqual(y)
                           select (dh, dw)).ToArray();
            Assert.True(offsets.Length == 1, $"sample {i} is not its image shifted by at most 2 pixels");
            seen.Add(offsets[0]);
        }
        Assert.Equal(25, seen.Count);   // all 5 × 5 offsets drawn in 400 samples (each missing with chance (24/25)^400)
        Assert.Equal(data.Labels, shifted.Labels);
        Assert.Equal(data.Targets, shifted.Targets);

        var reused = Enumerable.Repeat(float.NaN, data.Features.Length).ToArray();   // Fit's buffer holds the last epoch's
        new RandomTranslation(2).ApplyInto(data, new Rng(5), reused);
        Assert.Equal(shifted.Features, reused);
    }

    [Fact]
    public void Flip_mirrors_about_the_stated_share_of_images_left_to_right()
    {
        var data = Images(400);
        var flipped = new RandomHorizontalFlip(0.25).Apply(data, new Rng(6));
        var mirrored = 0;
        for (var i = 0; i < data.Count; i++)
        {
            var (x, y) = (Sample(data, i), Sample(flipped, i));
            if (Mirrored(x).SequenceEqual(y)) mirrored++;
            else Assert.True(x.SequenceEqual(y), $"sample {i} is neither its image nor its mirror");
        }
        Assert.InRange(mirrored, 70, 130);   // Binomial(400, 0.25): mean 100, sd 8.7
        Assert.Equal(data.Features, new RandomHorizontalFlip(0).Apply(data, new Rng(6)).Features);
    }

    [Fact]
    public void Then_applies_both()
    {
        var data = Images(50);
        var both = new RandomTranslation(1).Then(new RandomHorizontalFlip(1)).Apply(data, new Rng(8));
        for (var i = 0; i < data.Count; i++)
        {
            var (x, y) = (Sample(data, i), Sample(both, i));
            Assert.True((from dh in Enumerable.Range(-1, 3) from dw in Enumerable.Range(-1, 3) select Mirrored(Shifted(x, dh, dw))).Any(y.SequenceEqual),
                $"sample {i} is not its image shifted by at most 1 pixel and mirrored");
        }
    }

    [Fact]
    public void A_seed_fixes_the_augmented_set()
    {
        var data = Images(30);
        var augmentation = new RandomTranslation(2).Then(new RandomHorizontalFlip());
        Assert.Equal(augmentation.Apply(data, new Rng(1)).Features, augmentation.Apply(data, new Rng(1)).Features);
        Assert.NotEqual(augmentation.Apply(data, new Rng(1)).Features, augmentation.Apply(data, new Rng(2)).Features);
        Assert.Equal(Images(30).Features, data.Features);   // the source is left as it was
    }

    /// <summary>Fit augments afresh every epoch: it equals a fold of Step over the batches of each epoch's augmented set, the
    /// augmentation's generator derived from the step seed and the epoch, the shuffles as without augmentation.</summary>
    [Fact]
    public void Fit_augments_the_training_set_afresh_each_epoch()
    {
        var data = Images(12);
        var augmentation = new RandomTranslation(1);
        Sequential<float> Model() => Sequential.Of(Layer.Flatten(), Layer.Dense(Shape.Size, 3, new Rng(1)));
        var fitted = Model().Fit(data, Loss.SoftmaxCrossEntropy, new Sgd(0.01), epochs: 3, batchSize: 5, validation: null, new Rng(9),
            augmentation: augmentation);

        var rng = new Rng(9);
        var state = TrainState<float>.Create(Model() with { InputShape = Shape }, new Sgd(0.01), rng.NextUInt64());
        for (var epoch = 1; epoch <= 3; epoch++)
            foreach (var batch in Batches.Of<float>(augmentation.Apply(data, Augmentation.EpochRng(state.Seed, epoch)), 5, rng))
                (state, _) = Train.Step(state, batch.X, batch.Y, Loss.SoftmaxCrossEntropy);
        Assert.Equal(TestSupport.Snapshot(state.Model.Parameters[0]), TestSupport.Snapshot(fitted.Model.Parameters[0]));

        var unaugmented = Model().Fit(data, Loss.SoftmaxCrossEntropy, new Sgd(0.01), epochs: 3, batchSize: 5, validation: null, new Rng(9));
        Assert.NotEqual(TestSupport.Snapshot(unaugmented.Model.Parameters[0]), TestSupport.Snapshot(fitted.Model.Parameters[0]));
    }

    [Fact]
    public void A_continued_fit_augments_as_one_fit_would()
    {
        var data = Images(12);
        var model = Sequential.Of(Layer.Flatten(), Layer.Dense(Shape.Size, 3, new Rng(1)));
        var whole = model.Fit(data, Loss.SoftmaxCrossEntropy, new Sgd(0.01), epochs: 3, batchSize: 5, validation: null, new Rng(9),
            augmentation: new RandomTranslation(1));
        var rng = new Rng(9);
        var first = model.Fit(data, Loss.SoftmaxCrossEntropy, new Sgd(0.01), epochs: 2, batchSize: 5, validation: null, rng,
            augmentation: new RandomTranslation(1));
        var continued = first.Fit(data, Loss.SoftmaxCrossEntropy, epochs: 1, batchSize: 5, validation: null, rng, augmentation: new RandomTranslation(1));
        Assert.Equal(TestSupport.Snapshot(whole.Model.Parameters[0]), TestSupport.Snapshot(continued.Model.Parameters[0]));
    }

    /// <summary>A checkpoint is only resumed by the Fit that wrote it: its fingerprint holds the augmentation's settings.</summary>
    [Fact]
    public void The_checkpoint_fingerprint_names_the_augmentation()
    {
        string FingerprintOf(IAugmentation? augmentation)
        {
            var store = new Training.FitResumeTests.MemoryStore(0);
            using (FitCheckpoints.Use(store))
                Sequential.Of(Layer.Flatten(), Layer.Dense(Shape.Size, 3, new Rng(1))).Fit(Images(6), Loss.SoftmaxCrossEntropy, new Sgd(0.01),
                    epochs: 0, batchSize: 5, validation: null, new Rng(9), augmentation: augmentation);
            return store.Asked!.Fingerprint;
        }
        var shifted = FingerprintOf(new RandomTranslation(1));
        Assert.Equal(shifted, FingerprintOf(new RandomTranslation(1)));
        Assert.NotEqual(shifted, FingerprintOf(new RandomTranslation(2)));
        Assert.NotEqual(shifted, FingerprintOf(new RandomTranslation(1).Then(new RandomHorizontalFlip())));
        Assert.NotEqual(shifted, FingerprintOf(null));
    }

    [Fact]
    public void Augmenting_features_or_shifting_an_image_away_is_refused_before_training()
    {
        var features = Dataset.Classification("table", new float[12], 4, [0, 1, 0], 2);
        var model = Sequential.Of(Layer.Dense(4, 2, new Rng(1)));
        var error = Assert.Throws<ShapeException>(() => model.Fit(features, Loss.SoftmaxCrossEntropy, new Sgd(0.1), 1, 2, null, new Rng(1),
            augmentation: new RandomTranslation(2)));
        Assert.Contains("RandomTranslation(2) shifts images, but table has samples of shape (4)", error.Message);
        Assert.Contains("WithSampleShape", error.Message);
        Assert.Contains("mirrors images", Assert.Throws<ShapeException>(() => new RandomHorizontalFlip().Apply(features, new Rng(1))).Message);
        Assert.Contains("use fewer than 5 pixels", Assert.Throws<ShapeException>(() => new RandomTranslation(5).Apply(Images(2), new Rng(1))).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new RandomTranslation(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RandomHorizontalFlip(1.5));
    }

    [Fact]
    public void Augmentations_print_their_settings_and_refuse_bad_ones_word_for_word()
    {
        Assert.Equal("RandomTranslation(2), then RandomHorizontalFlip(0.5)", new RandomTranslation(2).Then(new RandomHorizontalFlip()).ToString());
        var flip = Assert.Throws<ArgumentOutOfRangeException>(() => new RandomHorizontalFlip(1.5));
        Assert.Equal("probability", flip.ParamName);
        Assert.StartsWith("RandomHorizontalFlip: probability must be in [0, 1].", flip.Message);
        var shift = Assert.Throws<ArgumentOutOfRangeException>(() => new RandomTranslation(-1));
        Assert.Equal("maxPixels", shift.ParamName);
        Assert.StartsWith("RandomTranslation: maxPixels must be ≥ 0 (2 suits 28 × 28 digits).", shift.Message);

        var table = Dataset.Classification("table", new float[12], 4, [0, 1, 0], 2);
        Assert.Equal("RandomHorizontalFlip(0.25) mirrors images, but table has samples of shape (4): give it an image shape " +
            "(dataset.WithSampleShape(SampleShape.Image(channels, height, width))).",
            Assert.Throws<ShapeException>(() => new RandomHorizontalFlip(0.25).Apply(table, new Rng(1))).Message);
        Assert.Equal("RandomTranslation(1) shifts images, but table has samples of shape (4): give it an image shape " +
            "(Mnist.Load gives (1, 28, 28); dataset.WithSampleShape(SampleShape.Image(channels, height, width))).",
            Assert.Throws<ShapeException>(() => new RandomTranslation(1).Apply(table, new Rng(1))).Message);
        Assert.Equal("RandomTranslation(5) can shift a (2, 5, 6) image out of sight: use fewer than 5 pixels.",
            Assert.Throws<ShapeException>(() => new RandomTranslation(5).Apply(Images(2), new Rng(1))).Message);
    }

    [Fact]
    public void A_chain_refuses_what_either_part_refuses()
    {
        const string outOfSight = "RandomTranslation(5) can shift a (2, 5, 6) image out of sight: use fewer than 5 pixels.";
        Assert.Equal(outOfSight, Assert.Throws<ShapeException>(() => new RandomTranslation(5).Then(new RandomHorizontalFlip()).Apply(Images(2), new Rng(1))).Message);
        Assert.Equal(outOfSight, Assert.Throws<ShapeException>(() => new RandomHorizontalFlip().Then(new RandomTranslation(5)).Apply(Images(2), new Rng(1))).Message);
    }

    [Fact]
    public void A_destination_of_another_size_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => new RandomTranslation(1).ApplyInto(Images(2), new Rng(1), new float[Shape.Size]));
        Assert.Equal("RandomTranslation(1): the destination holds 60 values; images has 120.", e.Message);
    }

    [Fact]
    public void A_translation_of_0_pixels_keeps_each_image()
    {
        var data = Images(5);
        Assert.Equal(data.Features, new RandomTranslation(0).Apply(data, new Rng(3)).Features);
    }

    [Fact]
    public void A_flip_happens_when_the_draw_is_below_the_probability()
    {
        // torchvision's rule, rand() < p: a draw u flips at p just above u, not at p = u.
        var u = new Rng(7).NextDouble();
        var x = Sample(Images(1), 0);
        var y = new float[x.Length];
        new RandomHorizontalFlip(u).TransformInto(x, Shape, new Rng(7), y);
        Assert.Equal(x, y);
        new RandomHorizontalFlip(Math.BitIncrement(u)).TransformInto(x, Shape, new Rng(7), y);
        Assert.Equal(Mirrored(x), y);
    }

    [Fact]
    public void Each_epochs_generator_is_pinned()
    {
        // The augmented set of an epoch follows from the run's seed alone, the same in every version, so a checkpoint
        // resumed by a later build redraws it. Values drawn by this derivation: seed ^ 0x6A09E667F3BCC909, step −epoch.
        Assert.Equal(10222176469681170624UL, Augmentation.EpochRng(42, 1).NextUInt64());
        Assert.Equal(974844979176203306UL, Augmentation.EpochRng(42, 2).NextUInt64());
    }
}
