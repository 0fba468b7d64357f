using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using SmartCommunity.Protocol.Messages;
using SmartCommunity.Protocol.Serialization;

namespace SmartCommunity.Protocol.Validation;

/// <summary>
/// Turns payload bytes into validated messages. Every refusal names a <see cref="RejectReason"/> and says,
/// in words an installer can act on, what was wrong. Never throws for bad input.
/// </summary>
public static class MessageDecoder
{
    public static DecodeResult<TelemetryMessage> DecodeTelemetry(ReadOnlySpan<byte> payload, DeviceKind kind, DateTimeOffset now, ValidationLimits limits)
    {
        var result = Deserialize(payload, ProtocolJsonContext.Default.TelemetryMessage, limits);
        if (!result.IsSuccess)
        {
            return result;
        }

        var m = result.Message!;
        var error = CheckEnvelope(m.V, m.Ts, m.Seq, m.Boot, now, limits);
        if (error.Reason != RejectReason.None)
        {
            return DecodeResult<TelemetryMessage>.Fail(error.Reason, error.Text!);
        }

        if (error.ClockSuspect)
        {
            m = m with { Ts = now.ToUnixTimeMilliseconds(), DeviceTs = m.Ts };
            result = DecodeResult<TelemetryMessage>.Ok(m);
        }

        var range = MessageRanges.CheckTelemetry(m, kind);
        return range is null ? result : DecodeResult<TelemetryMessage>.Fail(range.Value.Reason, range.Value.Text);
    }

    public static DecodeResult<EventMessage> DecodeEvent(ReadOnlySpan<byte> payload, DeviceKind kind, DateTimeOffset now, ValidationLimits limits)
    {
        var result = Deserialize(payload, ProtocolJsonContext.Default.EventMessage, limits);
        if (!result.IsSuccess)
        {
            return result;
        }

        var m = result.Message!;
        var error = CheckEnvelope(m.V, m.Ts, m.Seq, m.Boot, now, limits);
        if (error.Reason != RejectReason.None)
        {
            return DecodeResult<EventMessage>.Fail(error.Reason, error.Text!);
        }

        if (error.ClockSuspect)
        {
            m = m with { Ts = now.ToUnixTimeMilliseconds(), DeviceTs = m.Ts };
            result = DecodeResult<EventMessage>.Ok(m);
        }

        var range = MessageRanges.CheckEvent(m, kind, limits);
        return range is null ? result : DecodeResult<EventMessage>.Fail(range.Value.Reason, range.Value.Text);
    }

    public static DecodeResult<StatusMessage> DecodeStatus(ReadOnlySpan<byte> payload, DateTimeOffset now, ValidationLimits limits)
    {
        var result = Deserialize(payload, ProtocolJsonContext.Default.StatusMessage, limits);
        if (!result.IsSuccess)
        {
            return result;
        }

        var m = result.Message!;
        if (m.V != ProtocolVersion.Current)
        {
            return DecodeResult<StatusMessage>.Fail(RejectReason.UnsupportedVersion, $"Schema version {m.V} is not supported; this gateway speaks v{ProtocolVersion.Current}.");
        }

        if (m.State is not (StatusMessage.Online or StatusMessage.Offline))
        {
            return DecodeResult<StatusMessage>.Fail(RejectReason.InvalidField, "Field 'state' must be \"online\" or \"offline\".");
        }

        if (m.Ts is { } ts)
        {
            var time = CheckTimestamp(ts, now, limits);
            if (time.Reason != RejectReason.None)
            {
                return DecodeResult<StatusMessage>.Fail(time.Reason, time.Text!);
            }

            if (time.ClockSuspect)
            {
                result = DecodeResult<StatusMessage>.Ok(m with { Ts = now.ToUnixTimeMilliseconds() });
            }
        }

        if (m.Seq is < 0 || m.Boot is < 0)
        {
            return DecodeResult<StatusMessage>.Fail(RejectReason.OutOfRange, "Fields 'seq' and 'boot' must not be negative.");
        }

        return result;
    }

    public static DecodeResult<CommandAckMessage> DecodeCommandAck(ReadOnlySpan<byte> payload, DateTimeOffset now, ValidationLimits limits)
    {
        var result = Deserialize(payload, ProtocolJsonContext.Default.CommandAckMessage, limits);
        if (!result.IsSuccess)
        {
            return result;
        }

        var m = result.Message!;
        var error = CheckEnvelope(m.V, m.Ts, m.Seq, m.Boot, now, limits);
        if (error.Reason != RejectReason.None)
        {
            return DecodeResult<CommandAckMessage>.Fail(error.Reason, error.Text!);
        }

        if (error.ClockSuspect)
        {
            m = m with { Ts = now.ToUnixTimeMilliseconds(), DeviceTs = m.Ts };
            result = DecodeResult<CommandAckMessage>.Ok(m);
        }

        if (string.IsNullOrEmpty(m.Id) || m.Id.Length > 64)
        {
            return DecodeResult<CommandAckMessage>.Fail(RejectReason.InvalidField, "Field 'id' must name the command (1–64 characters).");
        }

        if (m.Status is not (CommandAckMessage.Accepted or CommandAckMessage.Done or CommandAckMessage.Failed or CommandAckMessage.Expired))
        {
            return DecodeResult<CommandAckMessage>.Fail(RejectReason.InvalidField, "Field 'status' must be accepted, done, failed or expired.");
        }

        return m.Detail is { Length: var n } && n > limits.MaxTextLength
            ? DecodeResult<CommandAckMessage>.Fail(RejectReason.OutOfRange, $"Field 'detail' is longer than {limits.MaxTextLength} characters.")
            : result;
    }

    /// <summary>Decodes a command as a device receives it; <see cref="CommandRanges"/> holds the rules.</summary>
    public static DecodeResult<CommandMessage> DecodeCommand(ReadOnlySpan<byte> payload, ValidationLimits limits)
    {
        var result = Deserialize(payload, ProtocolJsonContext.Default.CommandMessage, limits);
        if (!result.IsSuccess)
        {
            return result;
        }

        var problem = CommandRanges.Check(result.Message!);
        return problem is null ? result : DecodeResult<CommandMessage>.Fail(RejectReason.InvalidField, problem);
    }

    public static DecodeResult<PersonAckMessage> DecodePersonAck(ReadOnlySpan<byte> payload, DateTimeOffset now, ValidationLimits limits)
    {
        var result = Deserialize(payload, ProtocolJsonContext.Default.PersonAckMessage, limits);
        if (!result.IsSuccess)
        {
            return result;
        }

        var m = result.Message!;
        if (m.V != ProtocolVersion.Current)
        {
            return DecodeResult<PersonAckMessage>.Fail(RejectReason.UnsupportedVersion, $"Schema version {m.V} is not supported; this gateway speaks v{ProtocolVersion.Current}.");
        }

        var time = CheckTimestamp(m.Ts, now, limits);
        if (time.Reason != RejectReason.None)
        {
            return DecodeResult<PersonAckMessage>.Fail(time.Reason, time.Text!);
        }

        if (time.ClockSuspect)
        {
            // A guard's phone with a wrong clock still acknowledged the alert; the receive time is when it did.
            m = m with { Ts = now.ToUnixTimeMilliseconds() };
            result = DecodeResult<PersonAckMessage>.Ok(m);
        }

        if (string.IsNullOrEmpty(m.AlertId) || m.AlertId.Length > 64)
        {
            return DecodeResult<PersonAckMessage>.Fail(RejectReason.InvalidField, "Field 'alert_id' must name the alert (1–64 characters).");
        }

        return m.Note is { Length: var n } && n > limits.MaxTextLength
            ? DecodeResult<PersonAckMessage>.Fail(RejectReason.OutOfRange, $"Field 'note' is longer than {limits.MaxTextLength} characters.")
            : result;
    }

    private static DecodeResult<T> Deserialize<T>(ReadOnlySpan<byte> payload, JsonTypeInfo<T> typeInfo, ValidationLimits limits)
        where T : class
    {
        if (payload.Length > limits.MaxPayloadBytes)
        {
            return DecodeResult<T>.Fail(RejectReason.Oversized, $"Payload of {payload.Length} bytes exceeds the limit of {limits.MaxPayloadBytes}.");
        }

        if (payload.IsEmpty)
        {
            return DecodeResult<T>.Fail(RejectReason.MalformedJson, "Payload is empty; a JSON object was expected.");
        }

        try
        {
            var message = JsonSerializer.Deserialize(payload, typeInfo);
            return message is null
                ? DecodeResult<T>.Fail(RejectReason.MalformedJson, "Payload is JSON null; a JSON object was expected.")
                : DecodeResult<T>.Ok(message);
        }
        catch (JsonException ex)
        {
            // Should be rare: tell syntax errors from well-formed JSON with fields of the wrong type.
            return IsWellFormedJson(payload)
                ? DecodeResult<T>.Fail(RejectReason.InvalidField, $"A field has the wrong type at {ex.Path ?? "$"}.")
                : DecodeResult<T>.Fail(RejectReason.MalformedJson, $"Payload is not valid JSON (line {ex.LineNumber ?? 0}, byte {ex.BytePositionInLine ?? 0}).");
        }
    }

    private static bool IsWellFormedJson(ReadOnlySpan<byte> payload)
    {
        try
        {
            var reader = new Utf8JsonReader(payload, new JsonReaderOptions { MaxDepth = 64 });
            while (reader.Read())
            {
            }

            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static TimeCheck CheckEnvelope(int version, long ts, long seq, long boot, DateTimeOffset now, ValidationLimits limits)
    {
        if (version != ProtocolVersion.Current)
        {
            return new(RejectReason.UnsupportedVersion, $"Schema version {version} is not supported; this gateway speaks v{ProtocolVersion.Current}.");
        }

        if (seq < 0 || boot < 0)
        {
            return new(RejectReason.OutOfRange, "Fields 'seq' and 'boot' must not be negative.");
        }

        return CheckTimestamp(ts, now, limits);
    }

    /// <summary>
    /// The last millisecond of 9999-12-31 UTC, the end of <see cref="DateTimeOffset"/> (and of ISO 8601's four-digit
    /// years). A larger <c>ts</c> is not a time at all, so it is refused rather than compared or formatted.
    /// </summary>
    public static readonly long MaxRepresentableTimestampMs = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

    /// <summary>A refusal (Reason and Text), or None, possibly with the clock judged implausible.</summary>
    private readonly record struct TimeCheck(RejectReason Reason, string? Text, bool ClockSuspect = false);

    /// <summary>
    /// Where the line is drawn (docs/protocol.md, "Device clocks"): a <c>ts</c> that is not a time at all (not
    /// positive, or past the year 9999) is refused; a representable one outside the plausible window (more than
    /// MaxFutureSkew ahead, or older than MaxAge) is kept and flagged, because the reading itself is real and the
    /// device believes it delivered it (issue 16).
    /// </summary>
    private static TimeCheck CheckTimestamp(long ts, DateTimeOffset now, ValidationLimits limits)
    {
        if (ts <= 0)
        {
            return new(RejectReason.InvalidField, "Field 'ts' (epoch milliseconds) is missing or not positive.");
        }

        // Checked before any arithmetic: ts comes from the device and may be anything up to long.MaxValue, and
        // TimeSpan.FromMilliseconds throws beyond ±922 337 203 685 477 ms (issue 19: 2^62 killed an ingest worker).
        if (ts > MaxRepresentableTimestampMs)
        {
            return new(RejectReason.TimestampInFuture, $"Field 'ts' is {ts}, past the year 9999 in epoch milliseconds: not a time. Check the device clock and that 'ts' is in milliseconds.");
        }

        // Both ts and now lie in 1970…9999 here, so neither comparison can overflow.
        var nowMs = now.ToUnixTimeMilliseconds();
        var suspect = ts > nowMs + (long)limits.MaxFutureSkew.TotalMilliseconds || ts < nowMs - (long)limits.MaxAge.TotalMilliseconds;
        return new(RejectReason.None, null, suspect);
    }

    /// <summary>How far a device clock is off, in words an installer reads at a glance; both times in 1970…9999.</summary>
    public static string DescribeSkew(long deviceTs, long receivedMs)
    {
        var ahead = deviceTs >= receivedMs;
        var span = TimeSpan.FromMilliseconds(ahead ? deviceTs - receivedMs : receivedMs - deviceTs);
        var amount = span.TotalDays >= 1
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{span.TotalDays:0.#} days")
            : span.ToString(@"hh\:mm\:ss", System.Globalization.CultureInfo.InvariantCulture);
        return amount + (ahead ? " ahead of" : " behind") + " gateway time";
    }
}
