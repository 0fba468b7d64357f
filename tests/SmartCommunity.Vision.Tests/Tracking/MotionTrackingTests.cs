using OpenCvSharp;
using SmartCommunity.Vision.Detection;
using SmartCommunity.Vision.Events;
using SmartCommunity.Vision.Lines;
using SmartCommunity.Vision.Tracking;
using SmartCommunity.Vision.Tests.Support;
using SmartCommunity.Vision.Zones;

namespace SmartCommunity.Vision.Tests.Tracking;

/// <summary>Tracks start from motion; the detector classifies them; lines count what crossed.</summary>
public sealed class MotionTrackingTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 4, 0, 0, TimeSpan.Zero);

    private static readonly CountingLineDefinition Door = new() { Id = "door", A = new Point2f(0, 200), B = new Point2f(640, 200), InSide = new Point2f(320, 340) };

    [Fact]
    public void ACrossingMadeBeforeTheDetectorClassifiesTheTrackIsCountedOnceItIsWithTheTimeItHappened()
    {
        var tracker = new ObjectTracker();
        var counter = new LineCounter(Door);
        var events = new List<VisionEvent>();
        for (var i = 0; i < 12; i++)
        {
            var now = Start + TimeSpan.FromMilliseconds(200 * i);
            var box = TrackFeed.PersonAt(300, 120 + (i * 15)); // Feet at 120 + 15·i: past the 10 px margin at frame 7.
            DetectedObject[] detections = i is 9 or 10 ? [new DetectedObject(box, "person", 1.2f)] : [];
            tracker.Update([box], detections, now);
            counter.Update(tracker.Tracks, tracker.Removed, now, "cam", events);
            Assert.Equal(i < 10 ? 0 : 1, counter.InCount); // Classified by its second detection, at frame 10.
        }

        var crossing = Assert.Single(events);
        Assert.Equal(CrossingDirection.In, crossing.Direction);
        Assert.Equal("person", crossing.Label);
        Assert.Equal(Start + TimeSpan.FromMilliseconds(200 * 7), crossing.Timestamp); // Feet 10 px past the line (the margin) at frame 7.
    }

    [Fact]
    public void AnUnclassifiedTrackNeverCountsOnAPersonLineButDoesOnAMotionOnlyLine()
    {
        var tracker = new ObjectTracker();
        var people = new LineCounter(Door);
        var anything = new LineCounter(new CountingLineDefinition { Id = "any", A = Door.A, B = Door.B, InSide = Door.InSide, MotionOnly = true });
        var events = new List<VisionEvent>();
        for (var i = 0; i < 20; i++)
        {
            var now = Start + TimeSpan.FromMilliseconds(200 * i);
            Rect[] regions = i < 12 ? [TrackFeed.PersonAt(300, 120 + (i * 15))] : [];
            tracker.Update(regions, [], now);
            people.Update(tracker.Tracks, tracker.Removed, now, "cam", events);
            anything.Update(tracker.Tracks, tracker.Removed, now, "cam", events);
        }

        Assert.Empty(tracker.Tracks);
        Assert.Equal(0, people.InCount);
        Assert.Equal(1, people.UnclassifiedCrossings);
        Assert.Equal(1, anything.InCount);
        Assert.Equal(Track.Unclassified, Assert.Single(events).Label);
    }

    [Fact]
    public void ATrackWaitsThroughRecalibrationAndIsFoundAgainWhereItWent()
    {
        var tracker = new ObjectTracker();
        var counter = new LineCounter(Door);
        var events = new List<VisionEvent>();
        void Frame(int i, bool calibrating)
        {
            var now = Start + TimeSpan.FromMilliseconds(200 * i);
            if (calibrating)
            {
                tracker.Coast();
                return;
            }

            var box = TrackFeed.PersonAt(300, 80 + (i * 14));
            tracker.Update([box], [new DetectedObject(box, "person", 1f)], now);
            counter.Update(tracker.Tracks, tracker.Removed, now, "cam", events);
        }

        for (var i = 0; i < 20; i++)
        {
            Frame(i, calibrating: i is >= 5 and < 15); // The feet cross y = 200 at frame 9, while motion relearns.
        }

        Assert.Single(tracker.Tracks);
        Assert.Equal(1, counter.InCount);
    }

    [Fact]
    public void PiecesOfOneWalkerAreOneObjectAndTwoWalkersWithAGapStayTwo()
    {
        // Head and body stacked with a small gap; legs touching the body; a second walker 20 px to the right.
        Rect[] regions = [new(100, 100, 20, 20), new(95, 125, 30, 50), new(97, 176, 26, 60), new(146, 100, 30, 136)];
        var count = MotionGrouping.Group(regions);
        Assert.Equal(2, count);
        Assert.Contains(new Rect(95, 100, 30, 136), regions[..count]);
        Assert.Contains(new Rect(146, 100, 30, 136), regions[..count]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void APersonWhoStoodInTheWaterLeavesTheZoneWhenTheDetectorLosesThemThoughMotionLingersWhereTheyStood(bool detectorKeepsSeeingThem)
    {
        // Walks in (10 frames), stands 20 frames, then is gone: the spot stays motion (a "ghost" in the background
        // average) for the rest of the clip. With detectorKeepsSeeingThem the person stays instead and is detected.
        var feed = new TrackFeed();
        var zone = feed.Add(ZoneDefinition.Water("river", [new(300, 150), new(640, 150), new(640, 360), new(300, 360)]));
        for (var i = 0; i < 30; i++)
        {
            var box = TrackFeed.PersonAt(Math.Min(200 + (i * 20), 400), 300);
            feed.Frame([box], [box]);
        }

        var id = Assert.Single(feed.Tracker.Tracks).Id;
        Assert.Equal(id, Assert.Single(feed.Events, e => e.Kind == VisionEventKind.ZoneEnter).TrackId);
        var ghost = TrackFeed.PersonAt(400, 300);
        for (var i = 0; i < 20; i++)
        {
            feed.Frame([ghost], detectorKeepsSeeingThem ? [ghost] : []);
        }

        if (detectorKeepsSeeingThem)
        {
            Assert.Equal(id, Assert.Single(feed.Tracker.Tracks).Id);
            Assert.Equal(1, zone.OccupantCount);
            Assert.DoesNotContain(feed.Events, e => e.Kind == VisionEventKind.ZoneLeave);
        }
        else
        {
            Assert.DoesNotContain(feed.Tracker.Tracks, t => t.Id == id);
            Assert.Equal(0, zone.OccupantCount);
            Assert.Equal(id, Assert.Single(feed.Events, e => e.Kind == VisionEventKind.ZoneLeave).TrackId);
            Assert.DoesNotContain(feed.Events, e => e.Kind == VisionEventKind.ZoneEnter && e.TrackId != id); // The ghost is no person.
        }
    }

    [Fact]
    public void AnObjectTheDetectorNeverSawIsKeptByMotionWhileItStandsStill()
    {
        var tracker = new ObjectTracker();
        for (var i = 0; i < 30; i++)
        {
            tracker.Update([TrackFeed.PersonAt(300, Math.Min(100 + (i * 15), 250))], [], Start.AddMilliseconds(200 * i));
            Assert.Equal(0, Assert.Single(tracker.Tracks).Misses);
        }
    }

    [Fact]
    public void AWalkerLeavingThroughTheBottomEdgeIsNotTakenBackToWhereTheyStoodAndCountedAgain()
    {
        // Walks down across the door (y = 200) and out at the bottom; the spot where they stood above the line stays
        // motion (a ghost) after they have gone.
        var tracker = new ObjectTracker { Frame = new Rect(0, 0, 640, 360) };
        var counter = new LineCounter(Door);
        var events = new List<VisionEvent>();
        var ghost = TrackFeed.PersonAt(300, 170);
        for (var i = 0; i < 30; i++)
        {
            var now = Start + TimeSpan.FromMilliseconds(200 * i);
            var feet = 170 + (i * 14);
            Rect[] regions = feet <= 360 ? [TrackFeed.PersonAt(300, feet)] : [ghost];
            DetectedObject[] people = feet <= 360 ? [new DetectedObject(regions[0], "person", 1f)] : [];
            tracker.Update(regions, people, now);
            counter.Update(tracker.Tracks, tracker.Removed, now, "cam", events);
        }

        Assert.Equal((1L, 0L), (counter.InCount, counter.OutCount));
        Assert.Single(events);
    }

    [Fact]
    public void ASpeckNextToAWalkerDoesNotStealItsTrack()
    {
        var tracker = new ObjectTracker();
        tracker.Update([TrackFeed.PersonAt(300, 200)], [], Start);
        tracker.Update([TrackFeed.PersonAt(300, 210)], [], Start.AddMilliseconds(200));
        var id = Assert.Single(tracker.Tracks).Id;
        tracker.Update([new Rect(420, 150, 8, 8), TrackFeed.PersonAt(300, 220)], [], Start.AddMilliseconds(400));
        Assert.Equal(TrackFeed.PersonAt(300, 220), tracker.Tracks.Single(t => t.Id == id).Box);
    }
}
