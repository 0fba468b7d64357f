using OpenCvSharp;
using SmartCommunity.Vision.Detection;
using SmartCommunity.Vision.Geometry;
using SmartCommunity.Vision.Tests.Support;

namespace SmartCommunity.Vision.Tests.Detection;

public sealed class HogPersonDetectorTests : IDisposable
{
    private readonly HogPersonDetector _detector = new();

    [Fact]
    public void APersonSilhouetteIsFoundWithItsFeetNearTheBottomCentreOfTheBox()
    {
        using var frame = StickFigure.Scene(new Point(320, 320));
        var found = new List<SmartCommunity.Vision.Detection.DetectedObject>();
        _detector.Detect(frame, [], found);

        var person = Assert.Single(found);
        Assert.Equal("person", person.Label);
        Assert.True(person.Confidence > 0.3f);
        var feet = BoxPoints.Of(person.Box, ReferencePoint.BottomCentre);
        Assert.InRange(feet.X, 305, 335);
        Assert.InRange(feet.Y, 305, 340);
    }

    [Fact]
    public void AnEmptySceneHasNoPeople()
    {
        using var frame = StickFigure.Scene();
        var found = new List<SmartCommunity.Vision.Detection.DetectedObject>();
        _detector.Detect(frame, [], found);
        Assert.Empty(found);
    }

    [Fact]
    public void OnlyMotionRegionsAreSearchedWhenGiven()
    {
        using var frame = StickFigure.Scene(new Point(500, 320));
        var found = new List<SmartCommunity.Vision.Detection.DetectedObject>();

        // Motion over the left of the picture: the person on the right is not searched for.
        _detector.Detect(frame, [new Rect(60, 200, 40, 60)], found);
        Assert.Empty(found);
        var searched = Assert.Single(_detector.SearchedRegions);
        Assert.True(searched.Right < 300, $"searched {searched}");

        // Motion over the person's legs: the grown region takes in the whole person.
        _detector.Detect(frame, [new Rect(480, 260, 40, 60)], found);
        Assert.Single(found);
    }

    [Fact]
    public void TwoPeopleInOverlappingMotionRegionsAreEachReportedOnce()
    {
        using var frame = StickFigure.Scene(new Point(200, 320), new Point(420, 320));
        var found = new List<SmartCommunity.Vision.Detection.DetectedObject>();
        _detector.Detect(frame, [new Rect(180, 200, 40, 120), new Rect(200, 210, 40, 110), new Rect(400, 200, 40, 120)], found);
        Assert.Equal(2, found.Count);
    }

    public void Dispose() => _detector.Dispose();
}
