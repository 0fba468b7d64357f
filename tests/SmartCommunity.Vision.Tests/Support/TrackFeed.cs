using OpenCvSharp;
using SmartCommunity.Vision.Detection;
using SmartCommunity.Vision.Events;
using SmartCommunity.Vision.Lines;
using SmartCommunity.Vision.Tracking;
using SmartCommunity.Vision.Zones;

namespace SmartCommunity.Vision.Tests.Support;

/// <summary>Drives a tracker plus zones/lines frame by frame at 5 fps with boxes the test scripts.</summary>
internal sealed class TrackFeed
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 4, 0, 0, TimeSpan.Zero);
    private readonly List<ZoneMonitor> _zones = [];
    private readonly List<LineCounter> _lines = [];

    public ObjectTracker Tracker { get; } = new();

    public List<VisionEvent> Events { get; } = [];

    public int FrameIndex { get; private set; }

    public DateTimeOffset Now => Start + TimeSpan.FromMilliseconds(200 * FrameIndex);

    public ZoneMonitor Add(ZoneDefinition zone)
    {
        var monitor = new ZoneMonitor(zone);
        _zones.Add(monitor);
        return monitor;
    }

    public LineCounter Add(CountingLineDefinition line)
    {
        var counter = new LineCounter(line);
        _lines.Add(counter);
        return counter;
    }

    /// <summary>One frame with these person boxes (each also a motion region); returns the events it raised.</summary>
    public List<VisionEvent> Frame(params Rect[] people) => Frame(people, people);

    /// <summary>One frame with these motion regions and person detections; returns the events it raised.</summary>
    public List<VisionEvent> Frame(Rect[] regions, Rect[] people)
    {
        var detections = people.Select(b => new DetectedObject(b, "person", 1f)).ToArray();
        Tracker.Update(regions, detections, Now);
        var raised = new List<VisionEvent>();
        foreach (var zone in _zones)
        {
            zone.Update(Tracker.Tracks, Tracker.Removed, Now, "cam-1", raised);
        }

        foreach (var line in _lines)
        {
            line.Update(Tracker.Tracks, Tracker.Removed, Now, "cam-1", raised);
        }

        Events.AddRange(raised);
        FrameIndex++;
        return raised;
    }

    /// <summary>A 40×100 person box whose feet (bottom-centre) are at (x, y).</summary>
    public static Rect PersonAt(float x, float y) => new((int)x - 20, (int)y - 100, 40, 100);
}
