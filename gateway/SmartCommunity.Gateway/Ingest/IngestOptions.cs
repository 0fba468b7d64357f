using System.ComponentModel.DataAnnotations;

namespace SmartCommunity.Gateway.Ingest;

/// <summary>The inbound pipeline's sizes and limits. Section <c>Ingest</c>.</summary>
public sealed class IngestOptions
{
    public const string Section = "Ingest";

    /// <summary>Worker count; each owns a hash-partition of devices so per-device order holds. Default: processor count.</summary>
    [Range(1, 64)]
    public int Workers { get; set; } = Environment.ProcessorCount;

    /// <summary>Telemetry queued per worker before the oldest is shed (counted). Default 20 000.</summary>
    [Range(16, 1_000_000)]
    public int TelemetryQueueCapacity { get; set; } = 20_000;

    /// <summary>
    /// Events, statuses and acknowledgements queued per worker. They are never shed: when full, the publisher's
    /// connection waits (MQTT flow control pushes back). Default 20 000.
    /// </summary>
    [Range(16, 1_000_000)]
    public int ReliableQueueCapacity { get; set; } = 20_000;

    /// <summary>Largest payload accepted, bytes. Default 16 384. A larger one is refused and the connection closed.</summary>
    [Range(256, 1_048_576)]
    public int MaxPayloadBytes { get; set; } = 16 * 1024;

    /// <summary>How far ahead of gateway time a device timestamp may be. Default 5 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan MaxFutureSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Oldest device timestamp accepted (store-and-forward replays after long outages). Default 14 days.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromDays(14);

    /// <summary>A device silent this long is marked offline. Default 5 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "7.00:00:00")]
    public TimeSpan SilenceTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How often the ingest journal is checkpointed: features flush what reliable messages caused, and journal
    /// records older than that are deleted. A shorter interval replays less after a crash. Default 1 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan JournalCheckpointInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>At most one log line per device and reason in this interval. Default 30 s.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan RejectLogInterval { get; set; } = TimeSpan.FromSeconds(30);
}
