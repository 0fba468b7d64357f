namespace SmartCommunity.EdgeAgent.Queue;

/// <summary>A queue's state and what it has had to drop, at one moment.</summary>
/// <param name="Pending">Messages stored and not yet acknowledged by the broker.</param>
/// <param name="PendingBytes">Payload bytes of those messages.</param>
/// <param name="DroppedOldestTelemetry">Stored telemetry dropped to make room for newer messages.</param>
/// <param name="RefusedTelemetry">New telemetry refused because the queue held only events and acks.</param>
/// <param name="RefusedEvents">New events or acks refused because the queue held only events and acks.</param>
/// <param name="CorruptBytesTruncated">Bytes cut from segment tails that failed their length or CRC check on open.</param>
/// <param name="WriteFailures">Messages not stored because writing to disk failed (disk full, I/O error).</param>
public readonly record struct QueueCounters(
    int Pending,
    long PendingBytes,
    long DroppedOldestTelemetry,
    long RefusedTelemetry,
    long RefusedEvents,
    long CorruptBytesTruncated,
    long WriteFailures);
