using OpenCvSharp;
using SmartCommunity.Vision.Geometry;

namespace SmartCommunity.Vision.Tracking;

/// <summary>
/// Greedy IoU tracker with a centre-distance fallback. Matching is greedy by best score rather than optimal
/// (Hungarian): with the handful of people a community camera sees the results are the same and it stays simple.
/// Not thread-safe: one tracker per camera.
/// </summary>
public sealed class ObjectTracker
{
    private readonly TrackerOptions _options;
    private readonly List<Track> _tracks = [];
    private readonly List<Track> _removed = [];
    private readonly List<(double Score, int Track, int Detection)> _pairs = [];
    private bool[] _trackMatched = new bool[16];
    private bool[] _detectionMatched = new bool[16];
    private long _nextId = 1;

    public ObjectTracker(TrackerOptions? options = null) => _options = options ?? new TrackerOptions();

    /// <summary>Live tracks, including ones missed in the latest run (see <see cref="Track.Misses"/>).</summary>
    public IReadOnlyList<Track> Tracks => _tracks;

    /// <summary>Tracks dropped by the latest <see cref="Update"/>, so zones and lines can close them.</summary>
    public IReadOnlyList<Track> Removed => _removed;

    /// <summary>Feeds one detector run. Call only for frames the detector actually ran on.</summary>
    public void Update(ReadOnlySpan<Detection.DetectedObject> detections, DateTimeOffset now)
    {
        _removed.Clear();
        EnsureCapacity(detections.Length);
        Array.Clear(_trackMatched, 0, _tracks.Count);
        Array.Clear(_detectionMatched, 0, detections.Length);

        // Pass 1: overlap. Pass 2: nearby centres, for fast movers that no longer overlap at 5 fps.
        Match(detections, now, useIoU: true);
        Match(detections, now, useIoU: false);

        for (var t = _tracks.Count - 1; t >= 0; t--)
        {
            if (!_trackMatched[t] && ++_tracks[t].Misses > _options.MaxMisses)
            {
                _removed.Add(_tracks[t]);
                _tracks.RemoveAt(t);
            }
        }

        for (var d = 0; d < detections.Length; d++)
        {
            if (!_detectionMatched[d])
            {
                _tracks.Add(new Track(_nextId++, detections[d], now));
            }
        }
    }

    private void Match(ReadOnlySpan<Detection.DetectedObject> detections, DateTimeOffset now, bool useIoU)
    {
        _pairs.Clear();
        for (var t = 0; t < _tracks.Count; t++)
        {
            if (_trackMatched[t])
            {
                continue;
            }

            for (var d = 0; d < detections.Length; d++)
            {
                if (_detectionMatched[d] || !string.Equals(detections[d].Label, _tracks[t].Label, StringComparison.Ordinal))
                {
                    continue;
                }

                var score = useIoU ? BoxPoints.IoU(_tracks[t].Box, detections[d].Box) : CentreCloseness(_tracks[t].Box, detections[d].Box);
                if (useIoU ? score >= _options.MinIoU : score > 0)
                {
                    _pairs.Add((score, t, d));
                }
            }
        }

        _pairs.Sort(static (a, b) => b.Score.CompareTo(a.Score));
        foreach (var (_, t, d) in _pairs)
        {
            if (_trackMatched[t] || _detectionMatched[d])
            {
                continue;
            }

            _trackMatched[t] = true;
            _detectionMatched[d] = true;
            var track = _tracks[t];
            track.Box = detections[d].Box;
            track.Confidence = detections[d].Confidence;
            track.LastSeen = now;
            track.Hits++;
            track.Misses = 0;
        }
    }

    /// <summary>1 at the same centre, falling to 0 at <see cref="TrackerOptions.MaxCentreDistance"/> diagonals.</summary>
    private double CentreCloseness(Rect track, Rect detection)
    {
        var a = BoxPoints.Of(track, ReferencePoint.Centre);
        var b = BoxPoints.Of(detection, ReferencePoint.Centre);
        var distance = Math.Sqrt(((a.X - b.X) * (a.X - b.X)) + ((a.Y - b.Y) * (a.Y - b.Y)));
        var limit = _options.MaxCentreDistance * Math.Sqrt((track.Width * track.Width) + (track.Height * track.Height));
        return distance >= limit ? 0 : 1 - (distance / limit);
    }

    private void EnsureCapacity(int detections)
    {
        if (_trackMatched.Length < _tracks.Count + detections)
        {
            _trackMatched = new bool[(_tracks.Count + detections) * 2];
        }

        if (_detectionMatched.Length < detections)
        {
            _detectionMatched = new bool[detections * 2];
        }
    }
}
