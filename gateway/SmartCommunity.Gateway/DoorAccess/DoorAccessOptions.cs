using System.ComponentModel.DataAnnotations;

namespace SmartCommunity.Gateway.DoorAccess;

/// <summary>Section <c>DoorAccess</c>. Every default is stated here and in docs/shelters.md.</summary>
public sealed class DoorAccessOptions
{
    public const string Section = "DoorAccess";

    /// <summary>Denied presentations at one unit within <see cref="DeniedBurstWindow"/> that make a burst alert. Default 5.</summary>
    [Range(2, 1000)]
    public int DeniedBurstThreshold { get; set; } = 5;

    /// <summary>Window (device time) of <see cref="DeniedBurstThreshold"/>. Default 2 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "1.00:00:00")]
    public TimeSpan DeniedBurstWindow { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Door events waiting for the writer before new ones are refused and counted. Default 100 000.</summary>
    [Range(1_000, 10_000_000)]
    public int QueueCapacity { get; set; } = 100_000;

    /// <summary>Door events are kept this long. At least 15 days (ingest accepts replays up to 14). Default 180 days.</summary>
    [Range(typeof(TimeSpan), "15.00:00:00", "3650.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(180);
}
