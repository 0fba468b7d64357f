using OpenCvSharp;
using SmartCommunity.Vision.Motion;

namespace SmartCommunity.Vision.Tests.Motion;

/// <summary>Our resize and labelling loops replace OpenCV calls for speed; they must give OpenCV's answers.</summary>
public sealed class OwnLoopsMatchOpenCvTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void LabellingFindsTheSameRegionsAsConnectedComponentsWithStats(int seed)
    {
        using var mask = new Mat(100, 178, MatType.CV_8UC1, Scalar.All(0));
        var rng = new RNG((ulong)seed);
        for (var i = 0; i < 25; i++)
        {
            var shape = new Rect(rng.Uniform(0, 170), rng.Uniform(0, 95), rng.Uniform(1, 30), rng.Uniform(1, 25));
            if (i % 3 == 0)
            {
                Cv2.Circle(mask, shape.Location, shape.Width / 2 + 1, Scalar.All(255), 2); // Rings: holes and U-shapes.
            }
            else
            {
                Cv2.Rectangle(mask, shape, Scalar.All(255), -1);
            }
        }

        var labeller = new RegionLabeller(178, 100);
        labeller.Run(mask.Data, mask.Step());
        var ours = Enumerable.Range(0, labeller.Count).Select(labeller.Region).OrderBy(r => (r.Y, r.X, r.Area)).ToList();

        using var labels = new Mat();
        using var stats = new Mat();
        using var centroids = new Mat();
        var count = Cv2.ConnectedComponentsWithStats(mask, labels, stats, centroids, PixelConnectivity.Connectivity8);
        var theirs = Enumerable.Range(1, count - 1)
            .Select(i => (X: stats.At<int>(i, 0), Y: stats.At<int>(i, 1), Width: stats.At<int>(i, 2), Height: stats.At<int>(i, 3), Area: stats.At<int>(i, 4)))
            .OrderBy(r => (r.Y, r.X, r.Area)).ToList();

        Assert.Equal(theirs, ours);
    }

    [Fact]
    public void DownscalingMatchesOpenCVBilinearResizeToWithinOneGreyLevel()
    {
        using var source = new Mat(360, 640, MatType.CV_8UC1);
        Cv2.Randu(source, Scalar.All(0), Scalar.All(256));
        Cv2.GaussianBlur(source, source, new Size(5, 5), 0); // Some structure, not just noise.
        using var expected = new Mat();
        Cv2.Resize(source, expected, new Size(178, 100), 0, 0, InterpolationFlags.Linear);
        using var actual = new Mat(100, 178, MatType.CV_8UC1);
        new BilinearDownscaler(640, 360, 178, 100).Run(source.Data, source.Step(), actual.Data, actual.Step());

        using var diff = new Mat();
        Cv2.Absdiff(expected, actual, diff);
        Cv2.MinMaxLoc(diff, out _, out double worst);
        Assert.True(worst <= 1, $"largest difference {worst}");
    }
}
