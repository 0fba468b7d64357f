namespace SmartCommunity.Protocol.Topics;

/// <summary>The delivery rules of one message class, as documented in docs/protocol.md.</summary>
/// <param name="QualityOfService">MQTT QoS level the sender uses (0 or 1).</param>
/// <param name="Retain">Whether the broker keeps the last message for new subscribers.</param>
/// <param name="MayBeShed">Whether the gateway may drop it (counted) when it is overloaded.</param>
/// <param name="FromDevice">True when devices or terminals publish it, false when the gateway does.</param>
public readonly record struct MessageClassPolicy(int QualityOfService, bool Retain, bool MayBeShed, bool FromDevice)
{
    public static MessageClassPolicy For(MessageClass messageClass) => messageClass switch
    {
        MessageClass.Telemetry => new(0, Retain: false, MayBeShed: true, FromDevice: true),
        MessageClass.Event => new(1, Retain: false, MayBeShed: false, FromDevice: true),
        MessageClass.Status => new(1, Retain: true, MayBeShed: false, FromDevice: true),
        MessageClass.Command => new(1, Retain: false, MayBeShed: false, FromDevice: false),
        MessageClass.CommandAck => new(1, Retain: false, MayBeShed: false, FromDevice: true),
        MessageClass.PersonAlert => new(1, Retain: false, MayBeShed: false, FromDevice: false),
        MessageClass.PersonAck => new(1, Retain: false, MayBeShed: false, FromDevice: true),
        _ => throw new ArgumentOutOfRangeException(nameof(messageClass), messageClass, "Unknown message class."),
    };
}
