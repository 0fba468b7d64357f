using System.Globalization;
using System.Text;
using SmartCommunity.Protocol.Messages;
using SmartCommunity.Protocol.Validation;

namespace SmartCommunity.Protocol.Tests;

/// <summary>
/// The ends of the number space in every numeric field the decoder reads (issue 19: a <c>ts</c> of 2^62 threw
/// from the skew message and killed an ingest worker). Each must be refused with a reason and words, or accepted.
/// </summary>
public class NumberExtremesTests
{
    private static readonly DateTimeOffset Now = new(2026, 7, 15, 16, 30, 0, TimeSpan.FromHours(8));
    private static readonly string NowMs = Now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
    private static readonly ValidationLimits Limits = ValidationLimits.Default;

    /// <summary>JSON number texts (and a few non-numbers) at the edges of long, int and double.</summary>
    public static readonly string[] Extremes =
    [
        "9223372036854775807", "-9223372036854775808", "9223372036854775808", "-9223372036854775809",
        "4611686018427387904", "18446744073709551616", "2147483647", "-2147483648", "2147483648", "-1", "0", "-0", "1",
        "1e308", "-1e308", "1e309", "-1e400", "1.7976931348623157e308", "4.9e-324", "9.2233720368547758e18",
        "0.5", "1e2", "NaN", "Infinity", "-Infinity", "\"NaN\"", "null", "true", "\"1\"", "[]", "{}",
        "253402300799999", "253402300800000",
    ];

    public static TheoryData<string> TimestampExtremes() => new(Extremes);

    [Fact]
    public void TheIssue19ReproIsRefusedAsTimestampInFutureWithAReadableReason()
    {
        var payload = Utf8("""{"v":1,"ts":4611686018427387904,"seq":1}""");

        var result = MessageDecoder.DecodeTelemetry(payload, DeviceKind.DoorAccess, Now, Limits);

        Assert.Equal(RejectReason.TimestampInFuture, result.Reason);
        Assert.Contains("4611686018427387904", result.Error, StringComparison.Ordinal);
        Assert.Contains("9999", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("9223372036854775807", RejectReason.TimestampInFuture)]
    [InlineData("4611686018427387904", RejectReason.TimestampInFuture)]
    [InlineData("253402300800000", RejectReason.TimestampInFuture)]
    [InlineData("-9223372036854775808", RejectReason.InvalidField)]
    [InlineData("-1", RejectReason.InvalidField)]
    [InlineData("0", RejectReason.InvalidField)]
    [InlineData("-0", RejectReason.InvalidField)]
    [InlineData("1e308", RejectReason.InvalidField)]
    [InlineData("9.2233720368547758e18", RejectReason.InvalidField)]
    [InlineData("18446744073709551616", RejectReason.InvalidField)]
    [InlineData("NaN", RejectReason.MalformedJson)]
    [InlineData("\"NaN\"", RejectReason.InvalidField)]
    public void ExtremeTimestampsAreRefusedWithTheirReasonInEveryTimedClass(string ts, RejectReason expected)
    {
        foreach (var result in DecodeEveryTimedClass($$"""{"v":1,"ts":{{ts}},"seq":1,"boot":0,"level_m":1,"type":"tamper","id":"c","status":"done","alert_id":"a","state":"online"}"""))
        {
            Assert.Equal(expected, result.Reason);
            Assert.False(string.IsNullOrWhiteSpace(result.Error));
        }
    }

    [Theory]
    [InlineData("1")]
    [InlineData("253402300799999")]
    public void RepresentableButImplausibleTimestampsAreKeptWithTheReceiveTimeInEveryTimedClass(string ts)
    {
        foreach (var result in DecodeEveryTimedClass($$"""{"v":1,"ts":{{ts}},"seq":1,"boot":0,"level_m":1,"type":"tamper","id":"c","status":"done","alert_id":"a","state":"online"}"""))
        {
            Assert.Equal(RejectReason.None, result.Reason);
        }

        var telemetry = MessageDecoder.DecodeTelemetry(Utf8($$"""{"v":1,"ts":{{ts}},"seq":1,"level_m":1}"""), DeviceKind.WaterLevelStation, Now, Limits);
        Assert.Equal(Now.ToUnixTimeMilliseconds(), telemetry.Message!.Ts);
        Assert.Equal(long.Parse(ts, CultureInfo.InvariantCulture), telemetry.Message.DeviceTs);
    }

    [Theory]
    [MemberData(nameof(TimestampExtremes))]
    public void NoExtremeTimestampThrowsAndEveryRefusalSaysWhy(string ts)
    {
        foreach (var result in DecodeEveryTimedClass($$"""{"v":1,"ts":{{ts}},"seq":1,"level_m":1,"type":"tamper","id":"c","status":"done","alert_id":"a","state":"online"}"""))
        {
            Assert.True(result.Reason == RejectReason.None || !string.IsNullOrWhiteSpace(result.Error), $"ts {ts}: {result.Reason} without words");
        }
    }

    [Theory]
    [InlineData("seq")]
    [InlineData("boot")]
    public void ExtremeSequenceAndBootValuesAreRefusedOrAcceptedNeverThrown(string field)
    {
        foreach (var value in Extremes)
        {
            var json = $$"""{"v":1,"ts":{{NowMs}},"seq":1,"boot":0,"level_m":1,"{{field}}":{{value}}}""";
            var result = MessageDecoder.DecodeTelemetry(Utf8(json), DeviceKind.WaterLevelStation, Now, Limits);

            var expected = value switch
            {
                "9223372036854775807" or "4611686018427387904" or "2147483647" or "2147483648" or "0" or "-0" or "1"
                    or "253402300799999" or "253402300800000" => RejectReason.None,
                "-9223372036854775808" or "-2147483648" or "-1" => RejectReason.OutOfRange,
                "NaN" or "Infinity" or "-Infinity" => RejectReason.MalformedJson,
                _ => RejectReason.InvalidField,
            };
            Assert.True(expected == result.Reason, $"{field} = {value}: expected {expected}, got {result.Reason} ({result.Error})");
        }
    }

    [Theory]
    [InlineData("v")]
    [InlineData("level_m")]
    [InlineData("flow_m3s")]
    [InlineData("rain_mm")]
    [InlineData("battery_v")]
    [InlineData("signal_dbm")]
    [InlineData("temperature_c")]
    [InlineData("fps")]
    [InlineData("bitrate_kbps")]
    [InlineData("in_total")]
    [InlineData("out_total")]
    public void ExtremeTelemetryValuesAreRefusedWithWordsOrAccepted(string field)
    {
        foreach (var value in Extremes)
        {
            foreach (var kind in Enum.GetValues<DeviceKind>())
            {
                var json = $$"""{"v":1,"ts":{{NowMs}},"seq":1,"level_m":1,"{{field}}":{{value}}}""";
                var result = MessageDecoder.DecodeTelemetry(Utf8(json), kind, Now, Limits);

                AssertRefusedWithWordsOrInRange(result, field, value);
            }
        }
    }

    [Theory]
    [InlineData("count")]
    [InlineData("track")]
    [InlineData("confidence")]
    [InlineData("level_m")]
    public void ExtremeEventValuesAreRefusedWithWordsOrAccepted(string field)
    {
        foreach (var value in Extremes)
        {
            var json = $$"""{"v":1,"ts":{{NowMs}},"seq":1,"type":"tamper","{{field}}":{{value}}}""";
            foreach (var kind in new[] { DeviceKind.DoorAccess, DeviceKind.Camera, DeviceKind.WaterLevelStation })
            {
                AssertRefusedWithWordsOrInRange(MessageDecoder.DecodeEvent(Utf8(json), kind, Now, Limits), field, value);
            }
        }
    }

    [Theory]
    [InlineData("ts")]
    [InlineData("expires_ts")]
    [InlineData("repeat")]
    [InlineData("volume")]
    [InlineData("duration_s")]
    public void ExtremeCommandValuesAreRefusedWithWordsOrAccepted(string field)
    {
        foreach (var value in Extremes)
        {
            var json = $$"""{"v":1,"id":"c1","ts":{{NowMs}},"type":"siren","{{field}}":{{value}}}""";
            var result = MessageDecoder.DecodeCommand(Utf8(json), Limits);
            Assert.True(result.IsSuccess || !string.IsNullOrWhiteSpace(result.Error), $"{field} = {value}: {result.Reason} without words");
        }
    }

    private static void AssertRefusedWithWordsOrInRange<T>(DecodeResult<T> result, string field, string value)
        where T : class
    {
        if (!result.IsSuccess)
        {
            Assert.False(string.IsNullOrWhiteSpace(result.Error), $"{field} = {value}: {result.Reason} without words");
            return;
        }

        // Accepted: only finite numbers (or null, an absent optional field) may get through; an infinity or NaN
        // in a stored reading is a bug.
        if (value == "null")
        {
            return;
        }

        var parsed = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number);
        Assert.True(parsed && double.IsFinite(number), $"{field} = {value} was accepted");
    }

    private static IEnumerable<(RejectReason Reason, string? Error)> DecodeEveryTimedClass(string json)
    {
        var payload = Utf8(json);
        var telemetry = MessageDecoder.DecodeTelemetry(payload, DeviceKind.WaterLevelStation, Now, Limits);
        yield return (telemetry.Reason, telemetry.Error);
        var ev = MessageDecoder.DecodeEvent(payload, DeviceKind.DoorAccess, Now, Limits);
        yield return (ev.Reason, ev.Error);
        var ack = MessageDecoder.DecodeCommandAck(payload, Now, Limits);
        yield return (ack.Reason, ack.Error);
        var person = MessageDecoder.DecodePersonAck(payload, Now, Limits);
        yield return (person.Reason, person.Error);
        var status = MessageDecoder.DecodeStatus(payload, Now, Limits);
        yield return (status.Reason, status.Error);
    }

    private static byte[] Utf8(string json) => Encoding.UTF8.GetBytes(json);
}
