using OpenCvSharp;
using SmartCommunity.Vision.Events;
using SmartCommunity.Vision.Geometry;
using SmartCommunity.Vision.Tracking;

namespace SmartCommunity.Vision.Zones;

/// <summary>
/// Decides which tracks are in one zone, with inertia and a persistence window, and raises enter/leave events
/// with dwell time. Only tracks updated by the latest frame give evidence; a missed frame changes nothing. Tracks start
/// from motion, so inertia and the persistence window count from the object's first frame inside, and an object of a
/// label the zone does not react to yet (not classified as a person) enters as soon as it is classified.
/// </summary>
public sealed class ZoneMonitor
{
    private readonly Point2f[] _polygon;
    private readonly Dictionary<long, Presence> _presence = [];

    public ZoneMonitor(ZoneDefinition zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        zone.Validate();
        Zone = zone;
        _polygon = [.. zone.Polygon];
    }

    public ZoneDefinition Zone { get; }

    /// <summary>Tracks currently counted as in the zone.</summary>
    public IEnumerable<long> Occupants => _presence.Where(p => p.Value.Entered).Select(p => p.Key);

    public int OccupantCount => _presence.Values.Count(p => p.Entered);

    /// <summary>How long a track has been in the zone (from its first frame inside), or null if it is not in.</summary>
    public TimeSpan? DwellOf(long trackId, DateTimeOffset now) =>
        _presence.TryGetValue(trackId, out var p) && p.Entered ? now - p.InsideSince : null;

    public void Update(IReadOnlyList<Track> tracks, IReadOnlyList<Track> removed, DateTimeOffset now, string cameraId, List<VisionEvent> events)
    {
        ArgumentNullException.ThrowIfNull(tracks);
        ArgumentNullException.ThrowIfNull(removed);
        ArgumentNullException.ThrowIfNull(events);
        for (var i = 0; i < tracks.Count; i++)
        {
            var track = tracks[i];
            if (track.Updated && track.Confirmed)
            {
                Observe(track, now, cameraId, events);
            }
        }

        for (var i = 0; i < removed.Count; i++)
        {
            if (_presence.Remove(removed[i].Id, out var p) && p.Entered)
            {
                events.Add(Leave(removed[i], p, now, cameraId));
            }
        }
    }

    private void Observe(Track track, DateTimeOffset now, string cameraId, List<VisionEvent> events)
    {
        var inside = BoxPoints.InPolygon(_polygon, BoxPoints.Of(track.Box, Zone.ReferencePoint));
        if (!_presence.TryGetValue(track.Id, out var p))
        {
            if (!inside)
            {
                return; // Only remember tracks that have touched the zone.
            }

            p = new Presence();
            _presence[track.Id] = p;
        }

        if (inside)
        {
            if (p.InsideRun++ == 0 && !p.Entered)
            {
                p.InsideSince = now;
            }

            p.OutsideRun = 0;
            if (!p.Entered && p.InsideRun >= Zone.FramesToEnter && now - p.InsideSince >= Zone.PersistenceTime && Applies(track.Label))
            {
                p.Entered = true;
                events.Add(new VisionEvent(VisionEventKind.ZoneEnter, cameraId, now, Zone.Id, track.Id, null, track.Label, track.Confidence, track.Box));
            }

            return;
        }

        p.InsideRun = 0;
        if (++p.OutsideRun >= Zone.LeaveFrames)
        {
            if (p.Entered)
            {
                events.Add(Leave(track, p, now, cameraId));
            }

            _presence.Remove(track.Id);
        }
    }

    private VisionEvent Leave(Track track, Presence p, DateTimeOffset now, string cameraId) =>
        new(VisionEventKind.ZoneLeave, cameraId, now, Zone.Id, track.Id, null, track.Label, track.Confidence, track.Box, now - p.InsideSince);

    private bool Applies(string label) => Zone.Labels is null || Zone.Labels.Contains(label);

    private sealed class Presence
    {
        public int InsideRun;
        public int OutsideRun;
        public DateTimeOffset InsideSince;
        public bool Entered;
    }
}
