using OpenCvSharp;
using SmartCommunity.Vision.Events;
using SmartCommunity.Vision.Tests.Support;
using SmartCommunity.Vision.Zones;

namespace SmartCommunity.Vision.Tests.Zones;

public sealed class ZoneMonitorTests
{
    // The river: the lower-right part of the picture.
    private static readonly Point2f[] River = [new(300, 220), new(640, 220), new(640, 360), new(300, 360)];

    [Fact]
    public void APersonStandingInAWaterZoneIsReportedOnlyAfterThePersistenceWindow()
    {
        var feed = new TrackFeed();
        feed.Add(ZoneDefinition.Water("river", River)); // 10 frames and 2 s.
        var enteredAt = -1;
        for (var i = 0; i < 20 && enteredAt < 0; i++)
        {
            if (feed.Frame(TrackFeed.PersonAt(450, 300)).Any(e => e.Kind == VisionEventKind.ZoneEnter))
            {
                enteredAt = i;
            }
        }

        // Frame 0 at t = 0 s; frame 10 is both the 11th frame inside and 2.0 s after the first.
        Assert.Equal(10, enteredAt);
        var enter = Assert.Single(feed.Events);
        Assert.Equal("river", enter.RegionId);
        Assert.Equal("person", enter.Label);
    }

    [Fact]
    public void AReflectionThatLooksLikeAPersonForAFewFramesNeverRaisesAWaterZoneEvent()
    {
        var feed = new TrackFeed();
        feed.Add(ZoneDefinition.Water("river", River));
        for (var burst = 0; burst < 5; burst++)
        {
            for (var i = 0; i < 4; i++)
            {
                feed.Frame(TrackFeed.PersonAt(450 + (burst * 30), 300));
            }

            for (var i = 0; i < 8; i++)
            {
                feed.Frame();
            }
        }

        Assert.Empty(feed.Events);
    }

    [Fact]
    public void PresenceIsJudgedAtTheFeetNotTheBody()
    {
        var zone = new ZoneDefinition { Id = "bank", Polygon = River, EnterFrames = 1 };

        // Body mostly over the water but feet on the path above it: not in the zone.
        var feed = new TrackFeed();
        feed.Add(zone);
        var bodyOverWater = new Rect(400, 110, 60, 105); // bottom at y = 215 < 220.
        for (var i = 0; i < 5; i++)
        {
            feed.Frame(bodyOverWater);
        }

        Assert.Empty(feed.Events);

        // Box mostly outside the polygon, but feet just inside: in the zone.
        var feed2 = new TrackFeed();
        feed2.Add(zone);
        var feetInWater = new Rect(290, 20, 40, 205); // bottom-centre (310, 225), x ≥ 300.
        feed2.Frame(feetInWater);
        Assert.Equal(VisionEventKind.ZoneEnter, Assert.Single(feed2.Events).Kind);
    }

    [Fact]
    public void OneNoisyFrameOutsideDoesNotEndPresenceAndLeavingReportsTheDwellTime()
    {
        var feed = new TrackFeed();
        var monitor = feed.Add(new ZoneDefinition { Id = "bank", Polygon = River }); // enter 3, leave 5.
        for (var i = 0; i < 10; i++)
        {
            feed.Frame(TrackFeed.PersonAt(450 + (i % 2), 300));
        }

        feed.Frame(TrackFeed.PersonAt(450, 210)); // One frame just outside.
        for (var i = 0; i < 5; i++)
        {
            feed.Frame(TrackFeed.PersonAt(450, 300));
        }

        Assert.Equal(1, monitor.OccupantCount);
        Assert.Equal(TimeSpan.FromSeconds(3.2), monitor.DwellOf(monitor.Occupants.Single(), feed.Now));
        // Walks out: two more frames inside, then out for the 5 leave frames (frame 22, 4.4 s after frame 0).
        foreach (var y in new[] { 270f, 240, 210, 180, 150, 150, 150 })
        {
            feed.Frame(TrackFeed.PersonAt(450, y));
        }

        var kinds = feed.Events.Select(e => e.Kind).ToArray();
        Assert.Equal([VisionEventKind.ZoneEnter, VisionEventKind.ZoneLeave], kinds);
        Assert.Equal(TimeSpan.FromSeconds(4.4), feed.Events[1].Dwell);
        Assert.Equal(0, monitor.OccupantCount);
    }

    [Fact]
    public void ATrackLostInsideTheZoneLeavesIt()
    {
        var feed = new TrackFeed();
        feed.Add(new ZoneDefinition { Id = "bank", Polygon = River, EnterFrames = 1 });
        feed.Frame(TrackFeed.PersonAt(450, 300));
        for (var i = 0; i < 6; i++)
        {
            feed.Frame();
        }

        Assert.Equal([VisionEventKind.ZoneEnter, VisionEventKind.ZoneLeave], feed.Events.Select(e => e.Kind).ToArray());
    }

    [Fact]
    public void LabelsOutsideTheZoneFilterAreIgnored()
    {
        var feed = new TrackFeed();
        feed.Add(new ZoneDefinition { Id = "bank", Polygon = River, EnterFrames = 1, Labels = ["car"] });
        feed.Frame(TrackFeed.PersonAt(450, 300));
        Assert.Empty(feed.Events);
    }
}
