namespace SmartCommunity.Vision.Hosting;

/// <summary>How a hosted camera's events and pictures leave the pipeline.</summary>
public sealed class CameraAnalysisOptions
{
    /// <summary>JPEG quality of event snapshots and latest pictures. Default 80.</summary>
    public int SnapshotQuality { get; init; } = 80;

    /// <summary>Encode a snapshot for every event. Default true. Encoding happens on the event task, never on the
    /// analysis worker, and only when an event happened.</summary>
    public bool SnapshotOnEvents { get; init; } = true;

    /// <summary>How often the camera's latest picture is refreshed; null for never. Default 5 s: a camera wall
    /// needs no more, and the encoding (a few ms) stays off the per-frame path.</summary>
    public TimeSpan? LatestPictureInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>At stop, how long queued frames and events may take to drain before they are dropped. Default 5 s.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(5);

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(SnapshotQuality, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(SnapshotQuality, 100);
        if (LatestPictureInterval is { } interval)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(DrainTimeout, TimeSpan.Zero);
    }
}
