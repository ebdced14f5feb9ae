namespace Nabla.Tests.Layers;

/// <summary>Runs alone (no other test computing geometries meanwhile), so the cache's size is this test's to read.</summary>
[CollectionDefinition(nameof(WindowCacheTests), DisableParallelization = true)]
public class WindowCacheCollection;

/// <summary>The window-geometry cache stays bounded in a long-lived process that sees many input shapes (a script host
/// trying sizes): it never holds more than 256 geometries.</summary>
[Collection(nameof(WindowCacheTests))]
public class WindowCacheTests
{
    [Fact]
    public void The_geometry_cache_never_holds_more_than_256()
    {
        var pool = Layer.MaxPool2D(1);
        for (var height = 1; height <= 600; height++)
        {
            Assert.Equal(SampleShape.Image(1, height, 1), pool.OutputShape(SampleShape.Image(1, height, 1)));   // a new key each time
            Assert.InRange(Window.CachedGeometries, 1, 256);
        }
    }
}
