using OpenCvSharp;
using SmartCommunity.Vision.Events;
using SmartCommunity.Vision.Lines;
using SmartCommunity.Vision.Tests.Support;

namespace SmartCommunity.Vision.Tests.Lines;

public sealed class LineCounterTests
{
    // A shelter door across the picture at y = 200; inside the shelter is below the line.
    private static readonly CountingLineDefinition Door = new()
    {
        Id = "door",
        A = new Point2f(50, 200),
        B = new Point2f(590, 200),
        InSide = new Point2f(320, 340),
    };

    [Fact]
    public void ThreePeopleGoingInAndTwoComingOutAreCountedExactlyOnceEach()
    {
        var feed = new TrackFeed();
        var counter = feed.Add(Door);
        for (var i = 0; i < 20; i++)
        {
            var down = 120 + (i * 9);  // 120 → 291: crosses 200 going in.
            var up = 290 - (i * 9);    // 290 → 119: crosses going out.
            feed.Frame(
                TrackFeed.PersonAt(100, down),
                TrackFeed.PersonAt(200, down - 5),
                TrackFeed.PersonAt(300, down + 5),
                TrackFeed.PersonAt(420, up),
                TrackFeed.PersonAt(540, up + 3));
        }

        Assert.Equal(3, counter.InCount);
        Assert.Equal(2, counter.OutCount);
        var crossings = feed.Events.Where(e => e.Kind == VisionEventKind.LineCross).ToList();
        Assert.Equal(5, crossings.Count);
        Assert.Equal(5, crossings.Select(e => e.TrackId).Distinct().Count());
        Assert.All(crossings, e => Assert.Equal("door", e.RegionId));
        Assert.Equal(3, crossings.Count(e => e.Direction == CrossingDirection.In));
    }

    [Fact]
    public void JitterOnTheLineWithinTheMarginNeverCounts()
    {
        var feed = new TrackFeed();
        var counter = feed.Add(Door);
        feed.Frame(TrackFeed.PersonAt(300, 150)); // Known to be outside first.
        for (var i = 0; i < 60; i++)
        {
            feed.Frame(TrackFeed.PersonAt(300, i % 2 == 0 ? 192 : 208)); // ±8 px around the line, margin 10.
        }

        Assert.Equal(0, counter.InCount);
        Assert.Equal(0, counter.OutCount);
    }

    [Fact]
    public void SteppingInAndBackOutCountsOneInAndOneOut()
    {
        var feed = new TrackFeed();
        var counter = feed.Add(Door);
        foreach (var y in new[] { 150f, 180, 215, 240, 215, 180, 150, 150, 185, 195, 205, 215 })
        {
            feed.Frame(TrackFeed.PersonAt(300, y));
        }

        Assert.Equal(2, counter.InCount);
        Assert.Equal(1, counter.OutCount);
    }

    [Fact]
    public void WalkingRoundTheEndOfTheLineDoesNotCount()
    {
        var feed = new TrackFeed();
        var counter = feed.Add(Door);
        for (var i = 0; i < 20; i++)
        {
            feed.Frame(TrackFeed.PersonAt(620, 120 + (i * 9))); // x = 620 is past B (590) by more than the margin.
        }

        Assert.Equal(0, counter.InCount);
    }

    [Fact]
    public void AnInSidePointOnTheLineIsRejected()
    {
        Assert.Throws<ArgumentException>(() => new LineCounter(new CountingLineDefinition
        {
            Id = "bad", A = new Point2f(0, 0), B = new Point2f(10, 0), InSide = new Point2f(5, 0),
        }));
    }
}
