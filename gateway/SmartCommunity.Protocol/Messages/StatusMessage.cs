namespace SmartCommunity.Protocol.Messages;

/// <summary>
/// A device's state on <c>sc/v1/dev/{id}/status</c>, published retained. The device sets the same topic with
/// <c>{"v":1,"state":"offline"}</c> as its MQTT last will, so the broker announces it when the connection dies.
/// <c>ts</c> and <c>seq</c> are optional here because a last will is written before it is sent.
/// </summary>
public sealed record StatusMessage
{
    public const string Online = "online";
    public const string Offline = "offline";

    public int V { get; init; } = ProtocolVersion.Current;

    public long? Ts { get; init; }

    public long? Seq { get; init; }

    public long? Boot { get; init; }

    /// <summary><c>online</c> or <c>offline</c>.</summary>
    public string State { get; init; } = "";

    /// <summary>Device kind wire name, for information (the registry is authoritative).</summary>
    public string? Kind { get; init; }

    /// <summary>Firmware or agent version.</summary>
    public string? Firmware { get; init; }
}
