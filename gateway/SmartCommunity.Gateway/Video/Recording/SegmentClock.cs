namespace SmartCommunity.Gateway.Video.Recording;

/// <summary>
/// Puts closed segments on the wall clock. ffmpeg reports each segment's start and end on the stream's timeline
/// when it closes it, which for a live stream is when the next segment's first key frame arrives: never before
/// <c>anchor + end</c>, often a little after (network, buffering) and, at the start of a run, much after — the
/// packets read while ffmpeg analysed the stream come out in one burst. So the anchor (wall time of stream time 0)
/// is the smallest <c>closedAt − end</c> seen over the last <see cref="Window"/> segments (following slow drift of
/// the camera's clock), and segments are held back until one arrives paced in real time (its close comes at least
/// half its length after the previous one), which means the burst is over and the anchor is sound.
/// Segments are placed back to back and never overlap.
/// </summary>
public sealed class SegmentClock
{
    /// <summary>Segments whose offsets make up the anchor.</summary>
    public const int Window = 30;

    /// <summary>Held segments released even without a paced one (a stream that never paces, e.g. a file read too fast).</summary>
    public const int MaxHeld = 8;

    private readonly Queue<long> _offsets = new();
    private readonly List<(string Name, double Start, double End)> _held = [];
    private long? _previousClosedAt;
    private long? _previousEndWall;

    /// <summary>Takes a closed segment; returns the segments that can now be placed (possibly none, possibly several).</summary>
    public List<(string Name, long StartMs, long EndMs)> Add(string name, double startStream, double endStream, DateTimeOffset closedAt)
    {
        var now = closedAt.ToUnixTimeMilliseconds();
        var paced = _previousClosedAt is { } previous && now - previous >= (endStream - startStream) * 500;
        _previousClosedAt = now;
        _offsets.Enqueue(now - (long)Math.Round(endStream * 1000));
        if (_offsets.Count > Window)
        {
            _offsets.Dequeue();
        }

        _held.Add((name, startStream, endStream));
        return paced || _held.Count >= MaxHeld || _previousEndWall is not null ? Release() : [];
    }

    /// <summary>Places whatever is held (the run ended): the best anchor there is.</summary>
    public List<(string Name, long StartMs, long EndMs)> Release()
    {
        var placed = new List<(string, long, long)>();
        if (_offsets.Count == 0)
        {
            return placed;
        }

        var anchor = _offsets.Min();
        foreach (var (name, start, end) in _held)
        {
            var startMs = Math.Max(_previousEndWall ?? long.MinValue, anchor + (long)Math.Round(start * 1000));
            var endMs = Math.Max(startMs + 1, anchor + (long)Math.Round(end * 1000));
            placed.Add((name, startMs, endMs));
            _previousEndWall = endMs;
        }

        _held.Clear();
        return placed;
    }
}
