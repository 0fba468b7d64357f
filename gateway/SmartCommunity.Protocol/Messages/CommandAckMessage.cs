namespace SmartCommunity.Protocol.Messages;

/// <summary>A device's answer to a command, on <c>sc/v1/dev/{id}/ack</c>.</summary>
public sealed record CommandAckMessage : IDeviceMessage
{
    public const string Accepted = "accepted";
    public const string Done = "done";
    public const string Failed = "failed";
    public const string Expired = "expired";

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

    /// <summary>The <see cref="CommandMessage.Id"/> this answers.</summary>
    public string Id { get; init; } = "";

    /// <summary><c>accepted</c>, <c>done</c>, <c>failed</c> or <c>expired</c>.</summary>
    public string Status { get; init; } = "";

    public string? Detail { get; init; }
}
