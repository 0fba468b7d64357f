using OpenCvSharp;
using SmartCommunity.Vision.Tests.Support;

namespace SmartCommunity.Vision.Tests.Tracking;

public sealed class ObjectTrackerTests
{
    [Fact]
    public void TwoPeopleWalkingSideBySideKeepTheirOwnIdsAcrossFrames()
    {
        var feed = new TrackFeed();
        long? left = null, right = null;
        for (var i = 0; i < 25; i++)
        {
            feed.Frame(TrackFeed.PersonAt(100 + (i * 8), 300), TrackFeed.PersonAt(400 - (i * 6), 250));
            var tracks = feed.Tracker.Tracks.OrderBy(t => t.Box.Y).ToArray();
            Assert.Equal(2, tracks.Length);
            right ??= tracks[0].Id;
            left ??= tracks[1].Id;
            Assert.Equal(right, tracks[0].Id);
            Assert.Equal(left, tracks[1].Id);
        }

        Assert.NotEqual(left, right);
    }

    [Fact]
    public void AFastRunnerWhoseBoxesNoLongerOverlapKeepsTheSameId()
    {
        var feed = new TrackFeed();
        for (var i = 0; i < 10; i++)
        {
            feed.Frame(TrackFeed.PersonAt(50 + (i * 45), 300)); // 45 px per frame, boxes are 40 px wide.
        }

        Assert.Single(feed.Tracker.Tracks);
        Assert.Equal(10, feed.Tracker.Tracks[0].Hits);
    }

    [Fact]
    public void ATrackSurvivesAFewMissedFramesThenExpiresAndANewcomerGetsANewId()
    {
        var feed = new TrackFeed();
        feed.Frame(TrackFeed.PersonAt(200, 300));
        var id = feed.Tracker.Tracks[0].Id;
        for (var i = 0; i < 5; i++)
        {
            feed.Frame();
        }

        feed.Frame(TrackFeed.PersonAt(205, 300));
        Assert.Equal(id, feed.Tracker.Tracks[0].Id);

        for (var i = 0; i < 6; i++)
        {
            feed.Frame();
        }

        Assert.Empty(feed.Tracker.Tracks);
        Assert.Equal(id, Assert.Single(feed.Tracker.Removed).Id);
        feed.Frame(TrackFeed.PersonAt(205, 300));
        Assert.NotEqual(id, feed.Tracker.Tracks[0].Id);
    }

    [Fact]
    public void OverlapWinsOverDistanceWhenTwoDetectionsCompeteForOneTrack()
    {
        var feed = new TrackFeed();
        feed.Frame(new Rect(100, 100, 40, 100));
        var id = feed.Tracker.Tracks[0].Id;
        feed.Frame(new Rect(160, 100, 40, 100), new Rect(105, 100, 40, 100));
        Assert.Equal(new Rect(105, 100, 40, 100), feed.Tracker.Tracks.Single(t => t.Id == id).Box);
    }
}
