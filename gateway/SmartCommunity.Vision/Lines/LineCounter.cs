using OpenCvSharp;
using SmartCommunity.Vision.Events;
using SmartCommunity.Vision.Geometry;
using SmartCommunity.Vision.Tracking;

namespace SmartCommunity.Vision.Lines;

/// <summary>
/// Counts tracks crossing one line, per direction, with hysteresis: a track's side only changes once its reference
/// point is more than <see cref="CountingLineDefinition.Margin"/> from the line, and a count needs a change of side
/// (out → in or in → out), so a track standing on the line never counts and a track counts once per crossing.
/// Tracks start from motion; a crossing by a track the detector has not classified yet is held, and counted (with the
/// time it happened) once the track is of a counted kind, or never if it is dropped unclassified. A
/// <see cref="CountingLineDefinition.MotionOnly"/> line counts every confirmed track at once.
/// </summary>
public sealed class LineCounter
{
    private readonly Dictionary<long, LineState> _state = [];
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

    /// <summary>Crossings made by tracks the detector never classified (dropped unclassified), for diagnostics.</summary>
    public long UnclassifiedCrossings { get; private set; }

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
            if (_state.Remove(removed[i].Id, out var state) && state.Pending is { Count: > 0 } pending)
            {
                UnclassifiedCrossings += pending.Count;
            }
        }
    }

    /// <summary>Signed distance in pixels from the line, positive on the "in" side.</summary>
    public float DistanceOf(Point2f p) => Cross(p - Line.A) / _length * _inSign;

    private void Observe(Track track, DateTimeOffset now, string cameraId, List<VisionEvent> events)
    {
        var p = BoxPoints.Of(track.Box, Line.ReferencePoint);
        var distance = DistanceOf(p);
        var side = distance > Line.Margin ? 1 : distance < -Line.Margin ? -1 : 0;
        _state.TryGetValue(track.Id, out var state);
        if (side != 0 && state is null)
        {
            _state[track.Id] = state = new LineState { Side = side }; // First sighting: a side to cross from, not a crossing.
        }
        else if (side != 0 && state!.Side != side && !MovingAway(track, p, side))
        {
            state.Side = side;
            if (WithinSegment(p)) // Otherwise it walked round the end of the line.
            {
                var direction = side > 0 ? CrossingDirection.In : CrossingDirection.Out;
                var crossing = new VisionEvent(VisionEventKind.LineCross, cameraId, now, Line.Id, track.Id, direction, track.Label, track.Confidence, track.Box);
                (state.Pending ??= []).Add(crossing);
            }
        }

        // In the hysteresis band the last known side stands. Crossings wait until the track is of a counted kind.
        if (state?.Pending is { Count: > 0 } pending && Line.Counts(track.Label))
        {
            foreach (var crossing in pending)
            {
                if (crossing.Direction == CrossingDirection.In)
                {
                    InCount++;
                }
                else
                {
                    OutCount++;
                }

                events.Add(crossing with { Label = track.Label, Confidence = track.Confidence });
            }

            pending.Clear();
        }
    }

    /// <summary>
    /// The track's own motion points away from the side its reference point just reached: the box changed shape (a
    /// trail or a neighbour's fragment grew it past the line), the walker did not cross. Not a crossing; the side
    /// stays until the track truly moves over (issue 16: in crowds boxes grew behind walkers and their feet jumped
    /// back and forth over the line, counted each time).
    /// </summary>
    private bool MovingAway(Track track, Point2f p, int side)
    {
        var v = track.Velocity;
        var towards = (DistanceOf(p + v) - DistanceOf(p)) * side;
        return towards < -MinAwaySpeed;
    }

    /// <summary>Pixels per frame against the crossing below which a track counts as not moving away (a turning or
    /// standing walker).</summary>
    private const float MinAwaySpeed = 1f;

    private sealed class LineState
    {
        public int Side;
        public List<VisionEvent>? Pending;
    }

    private bool WithinSegment(Point2f p)
    {
        var v = p - Line.A;
        var along = ((v.X * _direction.X) + (v.Y * _direction.Y)) / _length;
        return along >= -Line.Margin && along <= _length + Line.Margin;
    }

    private float Cross(Point2f v) => (_direction.X * v.Y) - (_direction.Y * v.X);
}
