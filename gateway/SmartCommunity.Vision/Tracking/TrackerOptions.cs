namespace SmartCommunity.Vision.Tracking;

public sealed class TrackerOptions
{
    /// <summary>Minimum overlap (intersection over union) to continue a track with a detection. Default 0.2.</summary>
    public double MinIoU { get; init; } = 0.2;

    /// <summary>Without overlap, a detection whose centre is within this many box diagonals of a track's centre
    /// continues it: at 5 fps a running person moves more than a body width between frames. Default 1.0.</summary>
    public double MaxCentreDistance { get; init; } = 1.0;

    /// <summary>Detector runs a track may go unmatched before it is dropped. Default 5 (1 s at 5 fps).</summary>
    public int MaxMisses { get; init; } = 5;
}
