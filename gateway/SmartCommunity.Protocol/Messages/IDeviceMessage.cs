namespace SmartCommunity.Protocol.Messages;

/// <summary>
/// Fields every device-originated payload carries (docs/protocol.md, "Envelope").
/// <c>seq</c> increases by one for every message a device publishes, across all classes, so the gateway can
/// detect loss and duplicates; <c>boot</c> changes when the device restarts and its counter starts again.
/// </summary>
public interface IDeviceMessage
{
    /// <summary>Schema version of the payload (currently <see cref="ProtocolVersion.Current"/>).</summary>
    int V { get; }

    /// <summary>Device time when the reading was taken or the event happened, Unix epoch milliseconds (UTC).</summary>
    long Ts { get; }

    /// <summary>Per-device sequence number, starting at 0 after each boot.</summary>
    long Seq { get; }

    /// <summary>Boot counter (or boot time in epoch seconds); a higher value starts a new sequence.</summary>
    long Boot { get; }

    /// <summary>The device's own timestamp when the gateway judged its clock implausible and stamped the receive time instead.</summary>
    long? DeviceTs { get; }
}

public static class ProtocolVersion
{
    /// <summary>The payload schema version this build writes and fully understands.</summary>
    public const int Current = 1;
}
