using OpenCvSharp;

namespace SmartCommunity.Vision.Tracking;

/// <summary>
/// One object followed across frames, from its first motion region (or detection). Starts as
/// <see cref="Track.Unclassified"/>; the person detector classifies it (<see cref="Label"/> becomes its label after
/// <see cref="TrackerOptions.ClassifyHits"/> hits). Ids are unique per tracker and never reused.
/// </summary>
public sealed class Track
{
    /// <summary>Label of a track no detector has classified yet: something that moves.</summary>
    public const string Unclassified = "object";

    internal Track(long id, Rect box, DateTimeOffset now, long frame)
    {
        Id = id;
        Box = box;
        FirstSeen = now;
        LastSeen = now;
        LastFrame = frame;
        Hits = 1;
    }

    public long Id { get; }

    public Rect Box { get; internal set; }

    public string Label { get; internal set; } = Unclassified;

    /// <summary>Best detector score seen on this track; 0 before any detection.</summary>
    public float Confidence { get; internal set; }

    public DateTimeOffset FirstSeen { get; }

    public DateTimeOffset LastSeen { get; internal set; }

    /// <summary>Frames in which a motion region or a detection was matched to this track.</summary>
    public int Hits { get; internal set; }

    /// <summary>Detector hits matched to this track.</summary>
    public int DetectorHits { get; internal set; }

    /// <summary>Consecutive tracker updates without a match; 0 means the box is from this frame.</summary>
    public int Misses { get; internal set; }

    /// <summary>Seen in the latest update (its <see cref="Box"/> is current).</summary>
    public bool Updated => Misses == 0;

    /// <summary>Seen often enough to be an object rather than noise (<see cref="TrackerOptions.ConfirmHits"/>).</summary>
    public bool Confirmed { get; internal set; }

    /// <summary>Centre displacement per frame, smoothed; predicts where an unseen track went.</summary>
    internal Point2f Velocity { get; set; }

    /// <summary>Tracker frame number of the latest match.</summary>
    internal long LastFrame { get; set; }

    internal bool MatchedNow { get; set; }

    /// <summary>Centre of the box before this frame's match, and the frames since it (0: no step pending).</summary>
    internal Point2f StepFrom { get; set; }

    internal long StepGap { get; set; }

    /// <summary>The box before this frame's match.</summary>
    internal Rect StepBox { get; set; }

    /// <summary>Shares this frame's motion region with another track (people together in the picture): its box is
    /// its prediction.</summary>
    internal bool Shared { get; set; }

    /// <summary>A detection was matched to it in the latest update.</summary>
    internal bool DetectedNow { get; set; }
}
