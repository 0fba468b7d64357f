using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using FsCheck;
using FsCheck.Fluent;
using SmartCommunity.Protocol.Messages;
using SmartCommunity.Protocol.Serialization;
using SmartCommunity.Protocol.Validation;
using SmartCommunity.Testing.Fuzzing;

namespace SmartCommunity.Protocol.Tests.Fuzzing;

/// <summary>
/// The protocol's <see cref="MessageDecoder"/>, one target per message class. Property: the decoder answers (never
/// throws); a refusal has a reason and words; a success carries a timestamp inside the accepted window and
/// round-trips through the protocol's own serializer to an equal message. Also compiled into ./bench.sh fuzz.
/// </summary>
public static class ProtocolFuzzTargets
{
    /// <summary>Gateway time of every run: fixed, so a seed reproduces the same verdicts.</summary>
    public static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly ValidationLimits Limits = ValidationLimits.Default;
    private static readonly long NowMs = Now.ToUnixTimeMilliseconds();
    private static readonly DeviceKind[] Kinds = Enum.GetValues<DeviceKind>();

    public static IFuzzTarget Named(string name) => All.Single(t => t.Name == name);

    private delegate DecodeResult<T> Decode<T>(ReadOnlySpan<byte> payload, DeviceKind kind)
        where T : class;

    private static FuzzTarget<(DeviceKind Kind, byte[] Payload)> Device<T>(
        string name, Gen<JsonTemplate> templates, Decode<T> decode, JsonTypeInfo<T> json, Func<T, long?> timestamp)
        where T : class
    {
        var inputs = Gen.Zip(Gen.Elements(Kinds), HostileJson.Documents(templates));
        return new(name, inputs, input => Check(input.Kind, input.Payload, decode, json, timestamp),
            input => $"{input.Kind.ToWireName()} {HostileBytes.Describe(input.Payload)}");
    }

    private static FuzzOutcome Check<T>(DeviceKind kind, byte[] payload, Decode<T> decode, JsonTypeInfo<T> json, Func<T, long?> timestamp)
        where T : class
    {
        var result = decode(payload, kind);
        if (!result.IsSuccess)
        {
            return FuzzOutcome.RefusedUnless(result.Message is not null ? "a refusal carried a message"
                : string.IsNullOrWhiteSpace(result.Error) ? $"refused as {result.Reason.Label()} without a reason in words"
                : null);
        }

        if (result.Message is not { } message)
        {
            return FuzzOutcome.Violation("a success carried no message");
        }

        if (timestamp(message) is { } ts && (ts < NowMs - (long)Limits.MaxAge.TotalMilliseconds || ts > NowMs + (long)Limits.MaxFutureSkew.TotalMilliseconds))
        {
            return FuzzOutcome.Violation($"accepted timestamp {ts.ToString(CultureInfo.InvariantCulture)} outside the window");
        }

        // What the gateway stores or forwards it writes with the protocol's own serializer: it must read back the same.
        var written = JsonSerializer.SerializeToUtf8Bytes(message, json);
        var reread = decode(written, kind);
        // A message kept as clock_suspect carries the device's own ts in DeviceTs, which is gateway-side and never
        // written: what was written must then read back to the same bytes.
        var same = reread.IsSuccess && (message is IDeviceMessage { DeviceTs: not null }
            ? JsonSerializer.SerializeToUtf8Bytes(reread.Message!, json).AsSpan().SequenceEqual(written)
            : Equals(reread.Message, message));
        return FuzzOutcome.AcceptedUnless(same ? null : $"did not round-trip: {reread.Reason.Label()} {reread.Error}");
    }

    private static Gen<long> TsGen { get; } = Gen.Choose(0, 3_600_000).Select(back => NowMs - back);

    private static Gen<string> Num(int min, int max) => Gen.Choose(min, max).Select(v => v.ToString(CultureInfo.InvariantCulture));

    private static Gen<string> Real(int min, int max) => Gen.Choose(min * 1000, max * 1000).Select(v => (v / 1000.0).ToString("R", CultureInfo.InvariantCulture));

    private static Gen<string> Str(params string[] values) => Gen.Elements(values.Select(v => JsonSerializer.Serialize(v)).ToArray());

    private static Gen<JsonTemplate> Telemetry { get; } =
        from ts in TsGen
        from seq in Num(0, int.MaxValue)
        from level in Real(-100, 9000)
        from flow in Real(0, 500_000)
        from rain in Real(0, 2000)
        from volts in Real(0, 100)
        from signal in Num(-120, 0)
        from temp in Real(-60, 120)
        from fps in Real(0, 240)
        from counts in Num(0, int.MaxValue)
        select JsonTemplate.Of(("v", "1"), ("ts", ts.ToString(CultureInfo.InvariantCulture)), ("seq", seq), ("boot", "3"), ("level_m", level), ("flow_m3s", flow),
            ("rain_mm", rain), ("battery_v", volts), ("signal_dbm", signal), ("temperature_c", temp), ("fps", fps), ("bitrate_kbps", "4096"),
            ("in_total", counts), ("out_total", counts));

    private static Gen<JsonTemplate> Event { get; } =
        from ts in TsGen
        from seq in Num(0, int.MaxValue)
        from type in Str(EventTypes.Duress, EventTypes.DoorForced, EventTypes.Passage, EventTypes.LineCross, EventTypes.ZoneEnter, EventTypes.ThresholdReport, EventTypes.Tamper, EventTypes.Fault)
        from direction in Str(EventTypes.DirectionIn, EventTypes.DirectionOut)
        from count in Num(1, 10_000)
        from confidence in Gen.Choose(0, 1000).Select(v => (v / 1000.0).ToString("R", CultureInfo.InvariantCulture))
        from level in Real(-100, 9000)
        select JsonTemplate.Of(("v", "1"), ("ts", ts.ToString(CultureInfo.InvariantCulture)), ("seq", seq), ("boot", "1"), ("type", type), ("door", "\"d1\""),
            ("direction", direction), ("count", count), ("card", "\"0012345678\""), ("person", "\"p-1\""), ("zone", "\"z1\""), ("line", "\"l1\""),
            ("track", seq), ("label", "\"person\""), ("confidence", confidence), ("snapshot", "\"snap/1.jpg\""), ("level_m", level), ("detail", "\"水位\""));

    private static Gen<JsonTemplate> Status { get; } =
        from ts in TsGen
        from state in Str(StatusMessage.Online, StatusMessage.Offline)
        from kind in Str([.. DeviceKinds.WireNames])
        select JsonTemplate.Of(("v", "1"), ("ts", ts.ToString(CultureInfo.InvariantCulture)), ("seq", "0"), ("boot", "7"), ("state", state), ("kind", kind), ("firmware", "\"1.2.3\""));

    private static Gen<JsonTemplate> CommandAck { get; } =
        from ts in TsGen
        from status in Str(CommandAckMessage.Accepted, CommandAckMessage.Done, CommandAckMessage.Failed, CommandAckMessage.Expired)
        select JsonTemplate.Of(("v", "1"), ("ts", ts.ToString(CultureInfo.InvariantCulture)), ("seq", "12"), ("boot", "2"), ("id", "\"cmd-7\""), ("status", status), ("detail", "\"played\""));

    private static Gen<JsonTemplate> PersonAck { get; } =
        from ts in TsGen
        select JsonTemplate.Of(("v", "1"), ("ts", ts.ToString(CultureInfo.InvariantCulture)), ("alert_id", "\"a-42\""), ("note", "\"on my way\""));

    private static Gen<JsonTemplate> Command { get; } =
        from ts in TsGen
        from type in Str([.. CommandTypes.All])
        from repeat in Num(1, CommandRanges.MaxRepeat)
        from volume in Num(0, 100)
        from duration in Num(0, CommandRanges.MaxDurationSeconds)
        select JsonTemplate.Of(("v", "1"), ("id", "\"cmd-1\""), ("ts", ts.ToString(CultureInfo.InvariantCulture)), ("expires_ts", (ts + 60_000).ToString(CultureInfo.InvariantCulture)),
            ("type", type), ("text", "\"危险水域，请速离开\""), ("clip", "\"danger_leave\""), ("repeat", repeat), ("volume", volume), ("duration_s", duration), ("reason", "\"alert-1\""));

    // Last: static fields initialise in order, and these use the generators above.
    public static IReadOnlyList<IFuzzTarget> All { get; } =
    [
        Device("protocol.telemetry", Telemetry, (p, k) => MessageDecoder.DecodeTelemetry(p, k, Now, Limits), ProtocolJsonContext.Default.TelemetryMessage, m => m.Ts),
        Device("protocol.event", Event, (p, k) => MessageDecoder.DecodeEvent(p, k, Now, Limits), ProtocolJsonContext.Default.EventMessage, m => m.Ts),
        Device("protocol.status", Status, (p, _) => MessageDecoder.DecodeStatus(p, Now, Limits), ProtocolJsonContext.Default.StatusMessage, m => m.Ts),
        Device("protocol.command_ack", CommandAck, (p, _) => MessageDecoder.DecodeCommandAck(p, Now, Limits), ProtocolJsonContext.Default.CommandAckMessage, m => m.Ts),
        Device("protocol.person_ack", PersonAck, (p, _) => MessageDecoder.DecodePersonAck(p, Now, Limits), ProtocolJsonContext.Default.PersonAckMessage, m => m.Ts),
        Device("protocol.command", Command, (p, _) => MessageDecoder.DecodeCommand(p, Limits), ProtocolJsonContext.Default.CommandMessage, _ => null),
    ];
}
