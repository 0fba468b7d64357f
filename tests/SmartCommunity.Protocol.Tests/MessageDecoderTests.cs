using System.Text;
using System.Text.Json;
using SmartCommunity.Protocol.Messages;
using SmartCommunity.Protocol.Serialization;
using SmartCommunity.Protocol.Validation;

namespace SmartCommunity.Protocol.Tests;

public class MessageDecoderTests
{
    private static readonly DateTimeOffset Now = new(2026, 7, 15, 16, 30, 0, TimeSpan.FromHours(8));
    private static readonly long NowMs = Now.ToUnixTimeMilliseconds();
    private static readonly ValidationLimits Limits = ValidationLimits.Default;

    private static byte[] Utf8(string json) => Encoding.UTF8.GetBytes(json);

    [Fact]
    public void TelemetrySerialisedBySourceGenerationDecodesToTheSameMessage()
    {
        var original = new TelemetryMessage { Ts = NowMs, Seq = 42, Boot = 3, LevelM = 12.345, FlowM3s = 850, BatteryV = 12.6, SignalDbm = -71 };
        var bytes = JsonSerializer.SerializeToUtf8Bytes(original, ProtocolJsonContext.Default.TelemetryMessage);

        var result = MessageDecoder.DecodeTelemetry(bytes, DeviceKind.WaterLevelStation, Now, Limits);

        Assert.True(result.IsSuccess, result.Error);
        Assert.Equal(original, result.Message);
        Assert.Contains("\"level_m\":12.345", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
        Assert.DoesNotContain("rain_mm", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
    }

    [Fact]
    public void EventCommandAckAndPersonMessagesRoundTrip()
    {
        var ev = new EventMessage { Ts = NowMs, Seq = 7, Type = EventTypes.LineCross, Line = "gate-in", Direction = "in", Count = 2, Track = 17, Snapshot = "snap/1.jpg" };
        var evResult = MessageDecoder.DecodeEvent(JsonSerializer.SerializeToUtf8Bytes(ev, ProtocolJsonContext.Default.EventMessage), DeviceKind.Camera, Now, Limits);
        Assert.True(evResult.IsSuccess, evResult.Error);
        Assert.Equal(ev, evResult.Message);

        var ack = new CommandAckMessage { Ts = NowMs, Seq = 8, Id = "cmd-1", Status = CommandAckMessage.Done };
        var ackResult = MessageDecoder.DecodeCommandAck(JsonSerializer.SerializeToUtf8Bytes(ack, ProtocolJsonContext.Default.CommandAckMessage), Now, Limits);
        Assert.Equal(ack, ackResult.Message);

        var personAck = new PersonAckMessage { Ts = NowMs, AlertId = "al-1", Note = "已到现场" };
        var personResult = MessageDecoder.DecodePersonAck(JsonSerializer.SerializeToUtf8Bytes(personAck, ProtocolJsonContext.Default.PersonAckMessage), Now, Limits);
        Assert.Equal(personAck, personResult.Message);

        var status = MessageDecoder.DecodeStatus(Utf8("""{"v":1,"state":"offline"}"""), Now, Limits);
        Assert.True(status.IsSuccess, status.Error);
        Assert.Equal(StatusMessage.Offline, status.Message!.State);
    }

    [Theory]
    [InlineData("not json", RejectReason.MalformedJson)]
    [InlineData("{\"v\":1,", RejectReason.MalformedJson)]
    [InlineData("", RejectReason.MalformedJson)]
    [InlineData("null", RejectReason.MalformedJson)]
    [InlineData("{\"v\":1,\"ts\":1,\"seq\":1,\"level_m\":1.0,}", RejectReason.MalformedJson)]
    [InlineData("{\"v\":1 /* comment */,\"ts\":1,\"seq\":1}", RejectReason.MalformedJson)]
    [InlineData("[1,2,3]", RejectReason.InvalidField)]
    [InlineData("{\"v\":1,\"ts\":\"yesterday\",\"seq\":1,\"level_m\":1}", RejectReason.InvalidField)]
    [InlineData("{\"v\":1,\"ts\":@NOW,\"seq\":1,\"level_m\":\"1.5\"}", RejectReason.InvalidField)]
    [InlineData("{\"v\":1,\"ts\":@NOW,\"seq\":1.5,\"level_m\":1}", RejectReason.InvalidField)]
    [InlineData("{\"v\":1,\"ts\":@NOW,\"seq\":1,\"level_m\":1e400}", RejectReason.OutOfRange)]
    [InlineData("{\"v\":1,\"seq\":1,\"level_m\":1}", RejectReason.InvalidField)]
    [InlineData("{\"v\":1,\"ts\":@NOW,\"seq\":1}", RejectReason.InvalidField)]
    [InlineData("{\"v\":2,\"ts\":@NOW,\"seq\":1,\"level_m\":1}", RejectReason.UnsupportedVersion)]
    [InlineData("{\"v\":1,\"ts\":@NOW,\"seq\":-1,\"level_m\":1}", RejectReason.OutOfRange)]
    [InlineData("{\"v\":1,\"ts\":@NOW,\"seq\":1,\"level_m\":-1000}", RejectReason.OutOfRange)]
    [InlineData("{\"v\":1,\"ts\":@NOW,\"seq\":1,\"level_m\":99999}", RejectReason.OutOfRange)]
    [InlineData("{\"v\":1,\"ts\":@NOW,\"seq\":1,\"level_m\":1,\"flow_m3s\":-3}", RejectReason.OutOfRange)]
    [InlineData("{\"v\":1,\"ts\":@NOW,\"seq\":1,\"level_m\":1,\"battery_v\":1000}", RejectReason.OutOfRange)]
    [InlineData("{\"v\":1,\"ts\":9223372036854775807,\"seq\":1,\"level_m\":1}", RejectReason.TimestampInFuture)]
    public void BadTelemetryIsRefusedWithItsReason(string json, RejectReason expected)
    {
        var payload = json.Replace("@NOW", NowMs.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

        var result = MessageDecoder.DecodeTelemetry(Utf8(payload), DeviceKind.WaterLevelStation, Now, Limits);

        Assert.False(result.IsSuccess);
        Assert.Equal(expected, result.Reason);
        Assert.False(string.IsNullOrWhiteSpace(result.Error));
    }

    [Theory]
    [InlineData(3_600_000L)]
    [InlineData(33L * 365 * 86_400_000)]
    [InlineData(-15L * 86_400_000)]
    public void ATimestampOutsideThePlausibleWindowIsKeptWithTheReceiveTimeAndFlagged(long offsetMs)
    {
        // Issue 16: the reading is real and the device believes it delivered it; only its clock is wrong.
        var deviceTs = NowMs + offsetMs;
        var result = MessageDecoder.DecodeEvent(Utf8($$"""{"v":1,"ts":{{deviceTs}},"seq":1,"type":"duress","door":"east"}"""), DeviceKind.DoorAccess, Now, Limits);

        Assert.True(result.IsSuccess, result.Error);
        Assert.Equal(NowMs, result.Message!.Ts);
        Assert.Equal(deviceTs, result.Message.DeviceTs);
    }

    [Fact]
    public void ATimestampWithinTheWindowIsNotFlagged()
    {
        var result = MessageDecoder.DecodeTelemetry(Utf8($$"""{"v":1,"ts":{{NowMs + 60_000}},"seq":1,"level_m":1}"""), DeviceKind.WaterLevelStation, Now, Limits);
        Assert.Equal(NowMs + 60_000, result.Message!.Ts);
        Assert.Null(result.Message.DeviceTs);
    }

    [Fact]
    public void AnOversizedPayloadIsRefusedBeforeParsing()
    {
        var payload = Utf8("{\"v\":1,\"detail\":\"" + new string('x', 20_000) + "\"}");
        var result = MessageDecoder.DecodeEvent(payload, DeviceKind.DoorAccess, Now, Limits);
        Assert.Equal(RejectReason.Oversized, result.Reason);
    }

    [Fact]
    public void DeeplyNestedJsonIsRefusedNotCrashing()
    {
        var payload = Utf8(new string('[', 10_000) + new string(']', 10_000));
        var result = MessageDecoder.DecodeTelemetry(payload, DeviceKind.Camera, Now, Limits with { MaxPayloadBytes = 1_000_000 });
        Assert.False(result.IsSuccess);
    }

    [Fact]
    public void UnknownFieldsAreIgnoredSoNewerDevicesStillWork()
    {
        var result = MessageDecoder.DecodeTelemetry(Utf8($$"""{"v":1,"ts":{{NowMs}},"seq":1,"level_m":2.5,"humidity_pct":80}"""), DeviceKind.WaterLevelStation, Now, Limits);
        Assert.True(result.IsSuccess, result.Error);
    }

    [Theory]
    [InlineData(DeviceKind.Camera, "door_forced", RejectReason.InvalidField)]
    [InlineData(DeviceKind.DoorAccess, "zone_enter", RejectReason.InvalidField)]
    [InlineData(DeviceKind.DoorAccess, "", RejectReason.InvalidField)]
    [InlineData(DeviceKind.DoorAccess, "passage", RejectReason.InvalidField)]
    [InlineData(DeviceKind.Camera, "line_cross", RejectReason.InvalidField)]
    [InlineData(DeviceKind.Camera, "zone_enter", RejectReason.InvalidField)]
    public void EventsMustBeOfTheirDeviceKindAndCarryTheirFields(DeviceKind kind, string type, RejectReason expected)
    {
        var result = MessageDecoder.DecodeEvent(Utf8($$"""{"v":1,"ts":{{NowMs}},"seq":1,"type":"{{type}}"}"""), kind, Now, Limits);
        Assert.Equal(expected, result.Reason);
    }

    [Fact]
    public void EventFieldsOutOfRangeAreRefused()
    {
        Assert.Equal(RejectReason.InvalidField, MessageDecoder.DecodeEvent(Utf8($$"""{"v":1,"ts":{{NowMs}},"seq":1,"type":"passage","direction":"sideways"}"""), DeviceKind.DoorAccess, Now, Limits).Reason);
        Assert.Equal(RejectReason.OutOfRange, MessageDecoder.DecodeEvent(Utf8($$"""{"v":1,"ts":{{NowMs}},"seq":1,"type":"passage","direction":"in","count":0}"""), DeviceKind.DoorAccess, Now, Limits).Reason);
        Assert.Equal(RejectReason.OutOfRange, MessageDecoder.DecodeEvent(Utf8($$"""{"v":1,"ts":{{NowMs}},"seq":1,"type":"zone_enter","zone":"z","confidence":1.5}"""), DeviceKind.Camera, Now, Limits).Reason);
        Assert.Equal(RejectReason.OutOfRange, MessageDecoder.DecodeEvent(Utf8($$"""{"v":1,"ts":{{NowMs}},"seq":1,"type":"door_forced","door":"{{new string('d', 65)}}"}"""), DeviceKind.DoorAccess, Now, Limits).Reason);
    }

    [Fact]
    public void StatusMustSayOnlineOrOffline()
    {
        Assert.Equal(RejectReason.InvalidField, MessageDecoder.DecodeStatus(Utf8("""{"v":1,"state":"maybe"}"""), Now, Limits).Reason);
        Assert.Equal(RejectReason.UnsupportedVersion, MessageDecoder.DecodeStatus(Utf8("""{"v":9,"state":"online"}"""), Now, Limits).Reason);
    }

    [Fact]
    public void CommandAcksNeedAnIdAndAKnownStatus()
    {
        Assert.Equal(RejectReason.InvalidField, MessageDecoder.DecodeCommandAck(Utf8($$"""{"v":1,"ts":{{NowMs}},"seq":1,"status":"done"}"""), Now, Limits).Reason);
        Assert.Equal(RejectReason.InvalidField, MessageDecoder.DecodeCommandAck(Utf8($$"""{"v":1,"ts":{{NowMs}},"seq":1,"id":"c","status":"meh"}"""), Now, Limits).Reason);
    }

    [Fact]
    public void RandomBytesNeverThrow()
    {
        var random = new Random(651);
        for (var i = 0; i < 2_000; i++)
        {
            var bytes = new byte[random.Next(0, 300)];
            random.NextBytes(bytes);
            if (i % 3 == 0 && bytes.Length > 2)
            {
                bytes[0] = (byte)'{';
            }

            foreach (var kind in Enum.GetValues<DeviceKind>())
            {
                Assert.False(MessageDecoder.DecodeTelemetry(bytes, kind, Now, Limits).IsSuccess && bytes.Length == 0);
                _ = MessageDecoder.DecodeEvent(bytes, kind, Now, Limits);
            }

            _ = MessageDecoder.DecodeStatus(bytes, Now, Limits);
            _ = MessageDecoder.DecodeCommandAck(bytes, Now, Limits);
            _ = MessageDecoder.DecodePersonAck(bytes, Now, Limits);
        }
    }
}
