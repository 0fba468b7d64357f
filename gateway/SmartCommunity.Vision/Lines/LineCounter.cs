using OpenCvSharp;
using SmartCommunity.Vision.Events;
using SmartCommunity.Vision.Geometry;
using SmartCommunity.Vision.Tracking;

namespace SmartCommunity.Vision.Lines;

/// <summary>
/// Counts tracks crossing one line, per direction, with hysteresis: a track's side only changes once its reference
/// point is more than <see cref="CountingLineDefinition.Margin"/> from the line, and a count needs a change of side
/// (out → in or in → out), so a track standing on the line never counts and a track counts once per crossing.
/// </summary>
public sealed class LineCounter
{
    private readonly Dictionary<long, int> _side = [];
    private readonly Point2f _direction;
    private readonly float _length;
    private readonly float _inSign;

    public LineCounter(CountingLineDefinition line)
    {
        ArgumentNullException.ThrowIfNull(line);
        line.Validate();
        Line = line;
        _direction = line.B - line.A;
        _length = MathF.Sqrt((_direction.X * _direction.X) + (_direction.Y * _direction.Y));
        var inSide = Cross(line.InSide - line.A);
        if (MathF.Abs(inSide) < 1e-3f)
        {
            throw new ArgumentException($"Line {line.Id}: the in-side point lies on the line.", nameof(line));
        }

        _inSign = MathF.Sign(inSide);
    }

    public CountingLineDefinition Line { get; }

    public long InCount { get; private set; }

    public long OutCount { get; private set; }

    public void Update(IReadOnlyList<Track> tracks, IReadOnlyList<Track> removed, DateTimeOffset now, string cameraId, List<VisionEvent> events)
    {
        ArgumentNullException.ThrowIfNull(tracks);
        ArgumentNullException.ThrowIfNull(removed);
        ArgumentNullException.ThrowIfNull(events);
        for (var i = 0; i < tracks.Count; i++)
        {
            var track = tracks[i];
            if (track.Updated && (Line.Labels is null || Line.Labels.Contains(track.Label)))
            {
                Observe(track, now, cameraId, events);
            }
        }

        for (var i = 0; i < removed.Count; i++)
        {
            _side.Remove(removed[i].Id);
        }
    }

    /// <summary>Signed distance in pixels from the line, positive on the "in" side.</summary>
    public float DistanceOf(Point2f p) => Cross(p - Line.A) / _length * _inSign;

    private void Observe(Track track, DateTimeOffset now, string cameraId, List<VisionEvent> events)
    {
        var p = BoxPoints.Of(track.Box, Line.ReferencePoint);
        var distance = DistanceOf(p);
        var side = distance > Line.Margin ? 1 : distance < -Line.Margin ? -1 : 0;
        if (side == 0)
        {
            return; // In the hysteresis band: keep the last known side.
        }

        if (!_side.TryGetValue(track.Id, out var previous))
        {
            _side[track.Id] = side; // First sighting: a side to cross from, not a crossing.
            return;
        }

        if (previous == side)
        {
            return;
        }

        _side[track.Id] = side;
        if (!WithinSegment(p))
        {
            return; // Walked round the end of the line.
        }

        var direction = side > 0 ? CrossingDirection.In : CrossingDirection.Out;
        if (direction == CrossingDirection.In)
        {
            InCount++;
        }
        else
        {
            OutCount++;
        }

        events.Add(new VisionEvent(VisionEventKind.LineCross, cameraId, now, Line.Id, track.Id, direction, track.Label, track.Confidence, track.Box));
    }

    private bool WithinSegment(Point2f p)
    {
        var v = p - Line.A;
        var along = ((v.X * _direction.X) + (v.Y * _direction.Y)) / _length;
        return along >= -Line.Margin && along <= _length + Line.Margin;
    }

    private float Cross(Point2f v) => (_direction.X * v.Y) - (_direction.Y * v.X);
}
