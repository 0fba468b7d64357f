namespace SmartCommunity.Protocol.Messages;

/// <summary>
/// Something that happened, on <c>sc/v1/dev/{id}/event</c>. <see cref="Type"/> names it (see <see cref="EventTypes"/>);
/// the other fields are those the type uses.
/// </summary>
public sealed record EventMessage : IDeviceMessage
{
    public int V { get; init; } = ProtocolVersion.Current;

    public long Ts { get; init; }

    public long Seq { get; init; }

    public long Boot { get; init; }

    /// <summary>
    /// Set by the gateway, never read from the payload: the device's own <c>ts</c> when it was implausible
    /// (clock_suspect, docs/protocol.md) and <see cref="Ts"/> was replaced by the receive time; null otherwise.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public long? DeviceTs { get; init; }

    /// <summary>Event type, e.g. <c>door_forced</c>, <c>zone_enter</c>, <c>line_cross</c>.</summary>
    public string Type { get; init; } = "";

    /// <summary>Door ID on a door-access unit.</summary>
    public string? Door { get; init; }

    /// <summary><c>in</c> or <c>out</c>, for passages and line crossings.</summary>
    public string? Direction { get; init; }

    /// <summary>Number of people or objects the event stands for (passages, crossings); 1 when left out.</summary>
    public int? Count { get; init; }

    /// <summary>Card number presented at a door unit. Personal data: masked in logs.</summary>
    public string? Card { get; init; }

    /// <summary>Person reference the door unit resolved the card to. Personal data: masked in logs.</summary>
    public string? Person { get; init; }

    /// <summary>Camera zone ID (a danger-water polygon).</summary>
    public string? Zone { get; init; }

    /// <summary>Camera counting line ID.</summary>
    public string? Line { get; init; }

    /// <summary>Object track ID from the camera's tracker.</summary>
    public long? Track { get; init; }

    /// <summary>Object label (<c>person</c>, …).</summary>
    public string? Label { get; init; }

    /// <summary>Detector confidence 0–1.</summary>
    public double? Confidence { get; init; }

    /// <summary>Reference to a snapshot the device or gateway stored (path or URL).</summary>
    public string? Snapshot { get; init; }

    /// <summary>Water level in metres for threshold reports.</summary>
    public double? LevelM { get; init; }

    /// <summary>Free text from the device, e.g. a fault description. Never trusted as markup.</summary>
    public string? Detail { get; init; }
}
