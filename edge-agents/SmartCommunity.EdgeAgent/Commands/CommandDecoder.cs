using System.Buffers;
using System.Text.Json;
using SmartCommunity.Protocol.Messages;
using SmartCommunity.Protocol.Serialization;
using SmartCommunity.Protocol.Validation;

namespace SmartCommunity.EdgeAgent.Commands;

/// <summary>
/// Decodes a command payload the way the gateway's <c>MessageDecoder</c> decodes device payloads (the protocol library
/// has no decoder for the gateway-to-device direction). Never throws for bad input.
/// </summary>
internal static class CommandDecoder
{
    /// <summary>Largest command accepted; the protocol's own payload limit (16 KiB).</summary>
    public const int MaxPayloadBytes = 16 * 1024;

    private const int MaxTextLength = 1024;

    /// <summary>A decoded command, or why not; <see cref="Id"/> is set when the payload named one, so it can still be answered.</summary>
    public readonly record struct Result(CommandMessage? Command, string? Id, string? Error);

    public static Result Decode(ReadOnlySequence<byte> payload)
    {
        if (payload.Length > MaxPayloadBytes)
        {
            return new(null, null, $"payload of {payload.Length} bytes exceeds {MaxPayloadBytes}");
        }

        if (payload.IsEmpty)
        {
            return new(null, null, "payload is empty");
        }

        CommandMessage? command;
        try
        {
            var reader = new Utf8JsonReader(payload);
            command = JsonSerializer.Deserialize(ref reader, ProtocolJsonContext.Default.CommandMessage);
        }
        catch (JsonException ex)
        {
            return new(null, null, $"not a valid command JSON object ({ex.Path ?? "$"}, line {ex.LineNumber ?? 0}, byte {ex.BytePositionInLine ?? 0})");
        }

        if (command is null)
        {
            return new(null, null, "payload is JSON null");
        }

        var id = string.IsNullOrEmpty(command.Id) || command.Id.Length > 64 ? null : command.Id;
        var error = Check(command);
        return error is null ? new(command, id, null) : new(null, id, error);
    }

    private static string? Check(CommandMessage c)
    {
        if (c.V != ProtocolVersion.Current)
        {
            return $"schema version {c.V} is not supported (v{ProtocolVersion.Current})";
        }

        if (string.IsNullOrEmpty(c.Id) || c.Id.Length > 64)
        {
            return "field 'id' must name the command (1–64 characters)";
        }

        if (c.Ts <= 0)
        {
            return "field 'ts' (epoch milliseconds) is missing or not positive";
        }

        // Range-checked here so the dispatcher's expiry arithmetic (now - expires_ts, then a TimeSpan for the log)
        // cannot overflow: an expires_ts of -10^15 used to throw out of the receive handler (issue 19 audit).
        if (c.Ts > MessageDecoder.MaxRepresentableTimestampMs)
        {
            return "field 'ts' is past the year 9999 in epoch milliseconds";
        }

        if (c.ExpiresTs is { } expires && (expires <= c.Ts || expires > MessageDecoder.MaxRepresentableTimestampMs))
        {
            return "field 'expires_ts' must be after 'ts' and before the year 10000 (epoch milliseconds)";
        }

        if (!CommandTypes.All.Contains(c.Type))
        {
            return $"field 'type' must be one of {string.Join(", ", CommandTypes.All)}";
        }

        if (c.Volume is < 0 or > 100)
        {
            return "field 'volume' must be 0–100";
        }

        if (c.Repeat is < 1 or > 100)
        {
            return "field 'repeat' must be 1–100";
        }

        if (c.DurationS is < 0 or > 3600)
        {
            return "field 'duration_s' must be 0–3600 seconds";
        }

        if (c.Text is { Length: > MaxTextLength } || c.Reason is { Length: > MaxTextLength } || c.Clip is { Length: > 64 })
        {
            return $"a text field is too long (text and reason {MaxTextLength}, clip 64 characters)";
        }

        return null;
    }
}
