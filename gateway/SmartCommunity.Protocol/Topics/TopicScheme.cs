namespace SmartCommunity.Protocol.Topics;

/// <summary>
/// The versioned topic tree (docs/protocol.md): <c>sc/v1/dev/{deviceId}/{telemetry|event|status|command|ack}</c>
/// for devices and <c>sc/v1/person/{personId}/{alert|ack}</c> for people's terminals.
/// Plain MQTT 3.1.1 topics: no MQTT 5 feature is needed to use them.
/// </summary>
public static class TopicScheme
{
    public const string Root = "sc/v1";
    public const string DevicePrefix = Root + "/dev/";
    public const string PersonPrefix = Root + "/person/";
    public const string VideoPrefix = Root + "/video/";

    /// <summary>Every camera's "clip ready" messages, for staff terminals and integrations.</summary>
    public const string AllVideoClips = VideoPrefix + "+/clip";

    /// <summary>Longest ID accepted in a topic; a GB/T 28181 code is 20 digits.</summary>
    public const int MaxIdLength = 64;

    public static string Telemetry(string deviceId) => DevicePrefix + deviceId + "/telemetry";
    public static string Event(string deviceId) => DevicePrefix + deviceId + "/event";
    public static string Status(string deviceId) => DevicePrefix + deviceId + "/status";
    public static string Command(string deviceId) => DevicePrefix + deviceId + "/command";
    public static string CommandAck(string deviceId) => DevicePrefix + deviceId + "/ack";
    public static string PersonAlert(string personId) => PersonPrefix + personId + "/alert";
    public static string PersonAck(string personId) => PersonPrefix + personId + "/ack";
    public static string VideoClip(string cameraId) => VideoPrefix + cameraId + "/clip";

    /// <summary>Topic for a message class, addressed to one device or person.</summary>
    public static string For(MessageClass messageClass, string ownerId) => messageClass switch
    {
        MessageClass.Telemetry => Telemetry(ownerId),
        MessageClass.Event => Event(ownerId),
        MessageClass.Status => Status(ownerId),
        MessageClass.Command => Command(ownerId),
        MessageClass.CommandAck => CommandAck(ownerId),
        MessageClass.PersonAlert => PersonAlert(ownerId),
        MessageClass.PersonAck => PersonAck(ownerId),
        _ => throw new ArgumentOutOfRangeException(nameof(messageClass), messageClass, "Unknown message class."),
    };

    /// <summary>Filters the gateway subscribes to in external-broker mode (everything devices and terminals send).</summary>
    public static IReadOnlyList<string> GatewayInboundFilters { get; } =
    [
        DevicePrefix + "+/telemetry",
        DevicePrefix + "+/event",
        DevicePrefix + "+/status",
        DevicePrefix + "+/ack",
        PersonPrefix + "+/ack",
    ];

    /// <summary>Splits a topic into its class and owner ID; false for anything outside the tree.</summary>
    public static bool TryParse(string topic, out ParsedTopic parsed)
    {
        if (TryParse(topic.AsSpan(), out var messageClass, out var ownerId))
        {
            parsed = new ParsedTopic(messageClass, ownerId.ToString());
            return true;
        }

        parsed = default;
        return false;
    }

    /// <summary>
    /// Allocation-free split for the ingest hot path: the owner ID is a slice of the topic, to be looked up
    /// in the registry without creating a string. False for any topic outside the tree, with an unknown leaf,
    /// extra levels, or an invalid ID.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> topic, out MessageClass messageClass, out ReadOnlySpan<char> ownerId)
    {
        messageClass = default;
        ownerId = default;
        ReadOnlySpan<char> rest;
        bool person;
        if (topic.StartsWith(DevicePrefix, StringComparison.Ordinal))
        {
            rest = topic[DevicePrefix.Length..];
            person = false;
        }
        else if (topic.StartsWith(PersonPrefix, StringComparison.Ordinal))
        {
            rest = topic[PersonPrefix.Length..];
            person = true;
        }
        else
        {
            return false;
        }

        var slash = rest.IndexOf('/');
        if (slash <= 0)
        {
            return false;
        }

        var id = rest[..slash];
        var leaf = rest[(slash + 1)..];
        if (!IsValidId(id))
        {
            return false;
        }

        if (person)
        {
            if (leaf.SequenceEqual("alert")) messageClass = MessageClass.PersonAlert;
            else if (leaf.SequenceEqual("ack")) messageClass = MessageClass.PersonAck;
            else return false;
        }
        else
        {
            if (leaf.SequenceEqual("telemetry")) messageClass = MessageClass.Telemetry;
            else if (leaf.SequenceEqual("event")) messageClass = MessageClass.Event;
            else if (leaf.SequenceEqual("status")) messageClass = MessageClass.Status;
            else if (leaf.SequenceEqual("command")) messageClass = MessageClass.Command;
            else if (leaf.SequenceEqual("ack")) messageClass = MessageClass.CommandAck;
            else return false;
        }

        ownerId = id;
        return true;
    }

    /// <summary>IDs are 1–64 characters of ASCII letters, digits, '-' and '_' (no MQTT wildcards or separators).</summary>
    public static bool IsValidId(ReadOnlySpan<char> id)
    {
        if (id.IsEmpty || id.Length > MaxIdLength)
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_'))
            {
                return false;
            }
        }

        return true;
    }
}
