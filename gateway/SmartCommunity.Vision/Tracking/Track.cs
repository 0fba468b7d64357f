using OpenCvSharp;

namespace SmartCommunity.Vision.Tracking;

/// <summary>One object followed across frames. Ids are unique per tracker and never reused.</summary>
public sealed class Track
{
    internal Track(long id, Detection.DetectedObject detection, DateTimeOffset now)
    {
        Id = id;
        Box = detection.Box;
        Label = detection.Label;
        Confidence = detection.Confidence;
        FirstSeen = now;
        LastSeen = now;
        Hits = 1;
    }

    public long Id { get; }

    public Rect Box { get; internal set; }

    public string Label { get; }

    public float Confidence { get; internal set; }

    public DateTimeOffset FirstSeen { get; }

    public DateTimeOffset LastSeen { get; internal set; }

    /// <summary>Frames in which a detection was matched to this track.</summary>
    public int Hits { get; internal set; }

    /// <summary>Consecutive detector runs without a match; 0 means the box is from this frame.</summary>
    public int Misses { get; internal set; }

    /// <summary>Seen in the latest detector run (its <see cref="Box"/> is current).</summary>
    public bool Updated => Misses == 0;
}
