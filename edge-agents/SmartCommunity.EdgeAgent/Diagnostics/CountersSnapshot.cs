using SmartCommunity.EdgeAgent.Queue;

namespace SmartCommunity.EdgeAgent.Diagnostics;

/// <summary>One device's counters at one moment. Dropped messages are listed by reason.</summary>
public sealed record CountersSnapshot(
    string DeviceId,
    bool Connected,
    long Published,
    long Queued,
    long QueuedBytes,
    long Replayed,
    long Reconnects,
    long DroppedOldestTelemetry,
    long RefusedTelemetry,
    long RefusedEvents,
    long BrokerRejected,
    long CorruptBytesTruncated,
    long WriteFailures,
    long CommandsReceived,
    long CommandsMalformed,
    long CommandsExpired,
    long DriverRestarts)
{
    public static CountersSnapshot From(string deviceId, bool connected, DeviceCounters c, QueueCounters q) => new(
        deviceId, connected, c.Published, q.Pending, q.PendingBytes, c.Replayed, c.Reconnects,
        q.DroppedOldestTelemetry, q.RefusedTelemetry, q.RefusedEvents, c.BrokerRejected, q.CorruptBytesTruncated, q.WriteFailures,
        c.CommandsReceived, c.CommandsMalformed, c.CommandsExpired, c.DriverRestarts);

    public long Dropped => DroppedOldestTelemetry + RefusedTelemetry + RefusedEvents + BrokerRejected + WriteFailures;

    public override string ToString() =>
        $"{DeviceId}: {(Connected ? "connected" : "DISCONNECTED")}, published {Published} (replayed {Replayed}), queued {Queued} ({QueuedBytes} B), " +
        $"reconnects {Reconnects}, dropped {Dropped} (oldest_telemetry {DroppedOldestTelemetry}, refused_telemetry {RefusedTelemetry}, " +
        $"refused_event {RefusedEvents}, broker_rejected {BrokerRejected}, write_failed {WriteFailures}), commands {CommandsReceived} (malformed {CommandsMalformed}, expired {CommandsExpired})";
}
