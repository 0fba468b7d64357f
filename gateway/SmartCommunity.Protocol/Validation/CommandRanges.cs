using SmartCommunity.Protocol.Messages;

namespace SmartCommunity.Protocol.Validation;

/// <summary>
/// What a well-formed command looks like (docs/protocol.md, "Commands"): the gateway checks what it sends and
/// devices check what they receive with the same rules.
/// </summary>
public static class CommandRanges
{
    public const int MaxIdLength = 64;
    public const int MaxRepeat = 100;
    public const int MaxDurationSeconds = 3600;
    public const int MaxTextLength = 500;

    /// <summary>Null when valid, else the reason in words.</summary>
    public static string? Check(CommandMessage m)
    {
        if (m.V != ProtocolVersion.Current)
        {
            return $"Schema version {m.V} is not supported.";
        }

        if (string.IsNullOrEmpty(m.Id) || m.Id.Length > MaxIdLength)
        {
            return $"Field 'id' must have 1–{MaxIdLength} characters.";
        }

        // The JSON source generator leaves a missing or null "type" as null despite the non-null declaration.
        if (m.Type is not { } type || !CommandTypes.All.Contains(type))
        {
            return m.Type is null
                ? $"Field 'type' is missing; it must be one of {string.Join(", ", CommandTypes.All)}."
                : $"Command type '{(m.Type.Length > 32 ? m.Type[..32] : m.Type)}' is not one of {string.Join(", ", CommandTypes.All)}.";
        }

        if (m.Type == CommandTypes.PlayVoice && string.IsNullOrEmpty(m.Clip) && string.IsNullOrEmpty(m.Text))
        {
            return "A play_voice command needs 'clip' or 'text'.";
        }

        if (m.Type == CommandTypes.ShowSign && string.IsNullOrEmpty(m.Text))
        {
            return "A show_sign command needs 'text'.";
        }

        if (m.Repeat is < 1 or > MaxRepeat)
        {
            return $"Field 'repeat' must be 1–{MaxRepeat}.";
        }

        if (m.Volume is < 0 or > 100)
        {
            return "Field 'volume' must be 0–100.";
        }

        if (m.DurationS is < 0 or > MaxDurationSeconds)
        {
            return $"Field 'duration_s' must be 0–{MaxDurationSeconds}.";
        }

        if (m.Text is { Length: > MaxTextLength } || m.Clip is { Length: > MaxIdLength } || m.Reason is { Length: > MaxIdLength })
        {
            return $"Text is at most {MaxTextLength} characters; 'clip' and 'reason' at most {MaxIdLength}.";
        }

        if (m.ExpiresTs is { } expires && expires <= m.Ts)
        {
            return "Field 'expires_ts' must be after 'ts'.";
        }

        return null;
    }
}
