namespace SmartCommunity.Protocol.Topics;

/// <summary>What a message on the device topic tree is for; decides QoS, retain and whether it may be shed.</summary>
public enum MessageClass : byte
{
    /// <summary>Periodic readings (water level, counters, camera health). QoS 0; the oldest may be shed under overload.</summary>
    Telemetry,

    /// <summary>Something that happened (door forced, person in zone, line crossed). QoS 1; never shed.</summary>
    Event,

    /// <summary>Online/offline and device facts. QoS 1, retained; the broker publishes the last will "offline".</summary>
    Status,

    /// <summary>A command from the gateway to one device (play a voice warning, switch a sign). QoS 1.</summary>
    Command,

    /// <summary>A device's answer to a command. QoS 1; never shed.</summary>
    CommandAck,

    /// <summary>An alert pushed to a person's terminal (guard's phone or radio). QoS 1.</summary>
    PersonAlert,

    /// <summary>A person's acknowledgement sent from their terminal. QoS 1; never shed.</summary>
    PersonAck,
}
