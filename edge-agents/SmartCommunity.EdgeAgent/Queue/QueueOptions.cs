using System.ComponentModel.DataAnnotations;

namespace SmartCommunity.EdgeAgent.Queue;

/// <summary>
/// Bounds and durability of one device's store-and-forward queue (<see cref="DiskOutbox"/>).
/// Bound to <c>Agent:Queue</c>; every device gets its own queue with these limits.
/// </summary>
public sealed class QueueOptions
{
    /// <summary>
    /// Most messages held per device. Default 100 000: a water-level station reporting every 10 s
    /// fills this in about 11 days, beyond the gateway's 7-day replay window.
    /// </summary>
    [Range(10, 10_000_000)]
    public int MaxMessages { get; set; } = 100_000;

    /// <summary>Most payload bytes held per device (live records, not counting dead space in old segments). Default 64 MiB.</summary>
    [Range(64 * 1024, long.MaxValue)]
    public long MaxBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>A segment file is closed and a new one started past this size. Default 4 MiB.</summary>
    [Range(4 * 1024, 1024L * 1024 * 1024)]
    public long SegmentBytes { get; set; } = 4L * 1024 * 1024;

    /// <summary>
    /// When <see langword="true"/> (default), every event and command acknowledgement is fsync'd before the driver
    /// is told it is stored, so it survives a power cut. Telemetry is always written to the OS before the driver is
    /// told (survives an agent crash) and reaches the disk with the next fsync (next event, segment roll or shutdown).
    /// </summary>
    public bool FsyncEvents { get; set; } = true;
}
