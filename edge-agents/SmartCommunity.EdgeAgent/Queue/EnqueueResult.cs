namespace SmartCommunity.EdgeAgent.Queue;

/// <summary>What happened to a message offered to a <see cref="DiskOutbox"/>.</summary>
public enum EnqueueResult
{
    /// <summary>Stored; it will be delivered unless it is telemetry later dropped to make room (counted).</summary>
    Stored,

    /// <summary>Refused because the queue is full and holds no telemetry to drop (counted).</summary>
    RefusedFull,

    /// <summary>Not stored because the disk write failed (disk full, I/O error); counted and logged.</summary>
    WriteFailed,
}
