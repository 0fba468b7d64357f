namespace SmartCommunity.TimeSeries;

/// <summary>
/// A snapshot of the writer's counters, named after Telegraf's <c>internal_write</c> metrics so dashboards read the same.
/// Counts since the writer started; gauges are the value at the moment of the snapshot.
/// </summary>
public sealed record TimeSeriesCounters
{
    /// <summary>Gauge: points in memory waiting to be sent (queue plus the batch being filled).</summary>
    public long BufferSize { get; init; }

    /// <summary>Gauge: the in-memory limit (<see cref="InfluxOptions.BufferLimit"/>).</summary>
    public long BufferLimit { get; init; }

    /// <summary>Points accepted by <c>TryWrite</c>/<c>WriteAsync</c>.</summary>
    public long PointsAdded { get; init; }

    /// <summary>Points the server acknowledged (2xx, or the good part of a 400 partial write).</summary>
    public long PointsWritten { get; init; }

    /// <summary>Telemetry refused because the in-memory buffer was full.</summary>
    public long DroppedBufferFull { get; init; }

    /// <summary>Telemetry evicted from (or refused by) the full spool.</summary>
    public long DroppedSpoolFull { get; init; }

    /// <summary>Points the server rejected for good (400 partial write / unable to parse, other non-retryable 4xx).</summary>
    public long DroppedRejected { get; init; }

    /// <summary>Durable points refused by <c>TryWrite</c> because the buffer was full (the caller got false and still holds them).</summary>
    public long DurableRefused { get; init; }

    /// <summary>Sum of all Dropped counters.</summary>
    public long Dropped => DroppedBufferFull + DroppedSpoolFull + DroppedRejected;

    /// <summary>Write requests that failed and will be retried.</summary>
    public long Retries { get; init; }

    /// <summary>Failed write requests of any kind (including config errors and rejections).</summary>
    public long Errors { get; init; }

    /// <summary>Failed requests answered 401/403/404: credentials, database or bucket are wrong.</summary>
    public long ConfigErrors { get; init; }

    /// <summary>Gauge: bytes in the spool folder.</summary>
    public long SpoolBytes { get; init; }

    /// <summary>Gauge: points in the spool folder.</summary>
    public long SpoolPoints { get; init; }

    /// <summary>Gauge: files in the spool folder.</summary>
    public long SpoolFiles { get; init; }

    /// <summary>Counter: spool files set aside as damaged (planted, edited or truncated; kept as <c>*.lp.damaged</c>).</summary>
    public long SpoolDamagedFiles { get; init; }

    /// <summary>Gauge: the last error, for a status page (never holds credentials). Null after a success.</summary>
    public string? LastError { get; init; }
}
