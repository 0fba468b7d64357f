namespace SmartCommunity.Gateway.DoorAccess.Events;

/// <summary>
/// One event of a door-access unit as stored. <see cref="Card"/> and <see cref="Person"/> are personal data:
/// masked in logs always, and in API answers for roles that may not see them (<see cref="ReferenceMask"/>).
/// </summary>
/// <param name="At">Device time (where it happened); the log is ordered by it, so a late replay lands in its place.</param>
/// <param name="ReceivedAt">Gateway time of receipt.</param>
public sealed record DoorEvent(
    string DeviceId,
    long Boot,
    long Seq,
    DateTimeOffset At,
    DateTimeOffset ReceivedAt,
    string Type,
    string? Door,
    string? Direction,
    int Count,
    string? Card,
    string? Person,
    string? CellId,
    string? Detail);
