namespace SmartCommunity.Gateway.Video.Snapshots;

/// <summary>
/// Pictures taken from a camera: the latest one per camera (the camera wall) and the ones kept as an event's
/// evidence. The frame path puts them here; the footage API serves them.
/// </summary>
public interface ISnapshotStore
{
    /// <summary>Keeps a JPEG as an event's snapshot; returns the path it is served at (for the event's <c>snapshot</c> field).</summary>
    string Save(string cameraId, DateTimeOffset takenAt, ReadOnlySpan<byte> jpeg);

    /// <summary>Replaces the camera's latest picture.</summary>
    void SetLatest(string cameraId, DateTimeOffset takenAt, ReadOnlySpan<byte> jpeg);
}
