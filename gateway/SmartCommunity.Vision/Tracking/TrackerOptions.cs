namespace SmartCommunity.Vision.Tracking;

public sealed class TrackerOptions
{
    /// <summary>Minimum overlap (intersection over union) with a track's predicted box to continue it. Default 0.2.</summary>
    public double MinIoU { get; init; } = 0.2;

    /// <summary>Without overlap, an observation whose centre is within this many box diagonals of a track's predicted
    /// centre continues it: at 5 fps a running person moves more than a body width between frames. The gate widens by
    /// half for every frame the track went unseen. Default 1.0.</summary>
    public double MaxCentreDistance { get; init; } = 1.0;

    /// <summary>Tracker updates a confirmed track may go unmatched before it is dropped. Default 5 (1 s at 5 fps).</summary>
    public int MaxMisses { get; init; } = 5;

    /// <summary>Frames a track must be seen before zones and lines consider it (a blob of noise or a glint on water
    /// lasts one). An unconfirmed track is dropped at its first miss. Default 2.</summary>
    public int ConfirmHits { get; init; } = 2;

    /// <summary>Detector hits on a track before it takes the detector's label (e.g. <c>person</c>): one false
    /// detection on a ripple must not make a person. Default 2.</summary>
    public int ClassifyHits { get; init; } = 2;

    /// <summary>A motion region that touches a track's box grown by this fraction, and would keep the union
    /// person-shaped (<see cref="MaxAbsorbAspect"/>), is a part of that object (a swinging arm, a shadow), not a
    /// newcomer. Default 0.25.</summary>
    public double AbsorbMargin { get; init; } = 0.25;

    /// <summary>Widest union (width / height) a fragment may be absorbed into; two people side by side are wider.
    /// Default 0.75.</summary>
    public double MaxAbsorbAspect { get; init; } = 0.75;

    /// <summary>Speed, in box heights per frame, below which a track the detector has seen before counts as standing
    /// still; a still track is then kept only by detections, because motion where someone stood stays for seconds
    /// after they leave. Default 0.01 (1.3 px a frame for a person 130 px tall; a walker makes 10–20).</summary>
    public double StillSpeed { get; init; } = 0.01;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(MinIoU);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxCentreDistance);
        ArgumentOutOfRangeException.ThrowIfNegative(MaxMisses);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ConfirmHits);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ClassifyHits);
        ArgumentOutOfRangeException.ThrowIfNegative(StillSpeed);
    }
}
