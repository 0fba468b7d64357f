namespace SmartCommunity.Protocol.Messages;

/// <summary>
/// A command from the gateway to a device on <c>sc/v1/dev/{id}/command</c>. The device answers with a
/// <see cref="CommandAckMessage"/> carrying the same <see cref="Id"/>; a device that does not answer in time
/// is reported by the gateway.
/// </summary>
public sealed record CommandMessage
{
    public int V { get; init; } = ProtocolVersion.Current;

    /// <summary>Unique command ID chosen by the gateway; the device echoes it in its acknowledgement.</summary>
    public string Id { get; init; } = "";

    /// <summary>Gateway time the command was issued, epoch milliseconds.</summary>
    public long Ts { get; init; }

    /// <summary>Epoch milliseconds after which the device must not execute the command.</summary>
    public long? ExpiresTs { get; init; }

    /// <summary>What to do: see <see cref="CommandTypes"/>.</summary>
    public string Type { get; init; } = "";

    /// <summary>Text to speak (TTS) or to show on a sign.</summary>
    public string? Text { get; init; }

    /// <summary>ID of a recorded clip stored on the device, e.g. <c>danger_leave</c> ("危险水域，请速离开").</summary>
    public string? Clip { get; init; }

    /// <summary>How many times to play; 1 when left out.</summary>
    public int? Repeat { get; init; }

    /// <summary>Volume 0–100.</summary>
    public int? Volume { get; init; }

    /// <summary>How long a siren sounds or a sign shows the message, seconds.</summary>
    public int? DurationS { get; init; }

    /// <summary>Why the gateway sent it (an alert ID or a discharge notice ID), for the device's log.</summary>
    public string? Reason { get; init; }
}

public static class CommandTypes
{
    public const string PlayVoice = "play_voice";
    public const string Siren = "siren";
    public const string ShowSign = "show_sign";
    public const string Stop = "stop";

    public static IReadOnlyList<string> All { get; } = [PlayVoice, Siren, ShowSign, Stop];
}
