namespace Nabla.Tests.Data;

/// <summary>Dataset's factories and what they refuse (word for word), its sample shape, class count, subsets, splits and
/// print, and one-hot encoding.</summary>
public class DatasetTests
{
    // Features 10·i, 10·i + 1 for sample i; regression targets i, −i.
    static Dataset Regression(int n) =>
        Dataset.Regression("r", Enumerable.Range(0, n).SelectMany(i => new[] { 10f * i, 10f * i + 1 }).ToArray(), 2,
            Enumerable.Range(0, n).SelectMany(i => new[] { (float)i, -i }).ToArray(), 2);

    static Dataset Labelled(int n) =>
        Dataset.Classification("c", Enumerable.Range(0, 2 * n).Select(i => (float)i).ToArray(), 2, Enumerable.Range(0, n).Select(i => i % 3).ToArray(), 3);

    static void Refused(string message, Action make) => Assert.Equal(message, Assert.Throws<ArgumentException>(make).Message);

    [Fact]
    public void Classification_refuses_features_that_do_not_fit_the_labels_and_labels_outside_the_classes()
    {
        Refused("c: 5 feature values is not 2 samples × 2 features.", () => Dataset.Classification("c", new float[5], 2, [0, 1], 3));
        Refused("c: sample 1 has label 3, outside 0..2.", () => Dataset.Classification("c", new float[4], 2, [0, 3], 3));
        Refused("c: sample 0 has label -1, outside 0..2.", () => Dataset.Classification("c", new float[4], 2, [-1, 0], 3));
        Refused("c: a binary dataset has 2 classes, not 3.", () => Dataset.Classification("c", new float[4], 2, [0, 1], 3, binary: true));
        Assert.Equal([0f, 0f, 1f, 1f, 0f, 0f], Dataset.Classification("c", new float[4], 2, [2, 0], 3).Targets);   // label 2 of 0..2 is in
    }

    [Fact]
    public void Regression_and_unlabeled_refuse_rows_that_do_not_split()
    {
        Refused("r: 4 feature values do not split into rows of 0.", () => Dataset.Regression("r", new float[4], 0, [], 1));
        Refused("r: 4 feature values do not split into rows of 2.", () => Dataset.Regression("r", new float[4], 2, [], 0));
        Refused("r: 5 feature values do not split into rows of 2.", () => Dataset.Regression("r", new float[5], 2, [0f, 0f], 1));
        Refused("r: 3 target values is not 2 samples × 1 targets.", () => Dataset.Regression("r", new float[4], 2, new float[3], 1));
        Refused("u: 4 feature values do not split into rows of 0.", () => Dataset.Unlabeled("u", new float[4], 0));
        Refused("u: 5 feature values do not split into rows of 2.", () => Dataset.Unlabeled("u", new float[5], 2));
        Assert.Equal(2, Dataset.Unlabeled("u", new float[4], 2).Count);
    }

    [Fact]
    public void A_sample_shape_must_hold_the_features_and_follows_a_changed_feature_count()
    {
        var data = Dataset.Unlabeled("u", new float[8], 4);
        var e = Assert.Throws<ShapeException>(() => data.WithSampleShape(SampleShape.Image(1, 2, 3)));
        Assert.Equal("u: samples of shape (1, 2, 3) have 6 values, but the dataset has 4 per sample.", e.Message);
        var images = data.WithSampleShape(SampleShape.Image(1, 2, 2));
        Assert.Equal(SampleShape.Image(1, 2, 2), images.SampleShape);
        Assert.Equal(SampleShape.Features(2), (images with { FeatureCount = 2 }).SampleShape);
        Assert.Equal(default, (images with { FeatureCount = 0 }).SampleShape);   // no features: no shape, and no exception
    }

    [Fact]
    public void Classes_counts_one_hot_columns_binary_labels_and_nothing_without_labels()
    {
        Assert.Equal(3, Labelled(4).Classes);
        Assert.Equal(2, Dataset.Classification("b", [], 2, [], 2, binary: true).Classes);   // no samples: still binary
        Assert.Equal(2, Dataset.Classification("b", new float[2], 1, [0, 0], 2, binary: true).Classes);
        Assert.Equal(0, Regression(3).Classes);
        Assert.Equal(0, Dataset.Regression("r1", new float[2], 1, new float[2], 1).Classes);
        Assert.Equal(0, Dataset.Unlabeled("u", new float[2], 1).Classes);
    }

    [Fact]
    public void Subset_takes_features_targets_and_labels_in_the_order_given()
    {
        var picked = Regression(4).Subset([2, 0, 3], "picked");
        Assert.Equal("picked", picked.Name);
        Assert.Equal(3, picked.Count);
        Assert.Equal([20f, 21f, 0f, 1f, 30f, 31f], picked.Features);
        Assert.Equal([2f, -2f, 0f, 0f, 3f, -3f], picked.Targets);
        Assert.Null(picked.Labels);
        Assert.Equal("r", Regression(4).Subset([1]).Name);

        var labelled = Labelled(5).Subset([4, 2]);
        Assert.Equal([1, 2], labelled.Labels!);
        Assert.Equal([0f, 1f, 0f, 0f, 0f, 1f], labelled.Targets);
    }

    [Fact]
    public void Take_keeps_the_first_samples()
    {
        Assert.Equal([0f, 1f, 10f, 11f], Regression(5).Take(2).Features);
        Assert.Equal(0, Regression(5).Take(-1).Count);
        Assert.Equal(5, Regression(5).Take(9).Count);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(-0.5)]
    [InlineData(1.5)]
    public void Split_refuses_a_fraction_outside_the_open_unit_interval(double fraction)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Regression(4).Split(fraction, new Rng(1)));
        Assert.Equal("fraction", e.ParamName);
        Assert.Equal(fraction, e.ActualValue);
        Assert.StartsWith("Split: fraction must be in (0, 1).", e.Message);
    }

    [Fact]
    public void Split_names_its_parts()
    {
        var (train, validation) = Regression(4).Split(0.5, new Rng(1));
        Assert.Equal("r (train split)", train.Name);
        Assert.Equal("r (validation split)", validation.Name);
        Assert.Equal((2, 2), (train.Count, validation.Count));
    }

    [Fact]
    public void A_dataset_prints_its_name_sizes_and_targets()
    {
        Assert.Equal("c: 4 samples × 2 features, 3 classes", Labelled(4).ToString());
        Assert.Equal("c: 4 samples × 1×1×2 images, 3 classes", Labelled(4).WithSampleShape(SampleShape.Image(1, 1, 2)).ToString());
        Assert.Equal("r: 3 samples × 2 features, 2 targets", Regression(3).ToString());
        Assert.Equal("u: 2 samples × 3 features, no targets", Dataset.Unlabeled("u", new float[6], 3).ToString());
    }

    [Fact]
    public void OneHot_sets_one_column_per_label_and_refuses_labels_outside_the_classes()
    {
        Assert.Equal([0f, 0f, 1f, 1f, 0f, 0f], OneHot.Encode([2, 0], 3));
        foreach (var label in new[] { 3, -1 })
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => OneHot.Encode([0, label], 3));
            Assert.Equal("labels", e.ParamName);
            Assert.StartsWith($"label {label} at index 1 is outside 0..2.", e.Message);
        }
    }
}
