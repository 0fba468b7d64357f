using System.Buffers;
using System.Text;
using SmartCommunity.EdgeAgent.Commands;

namespace SmartCommunity.EdgeAgent.Tests.Commands;

public sealed class CommandDecoderTests
{
    private static CommandDecoder.Result Decode(string json) => CommandDecoder.Decode(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(json)));

    [Fact]
    public void AWellFormedCommandDecodes()
    {
        var result = Decode("""{"v":1,"id":"c1","ts":1795400000000,"expires_ts":1795400060000,"type":"siren","duration_s":300,"volume":90,"reason":"discharge-7"}""");
        Assert.Null(result.Error);
        Assert.Equal(("c1", "siren", 300, 1795400060000L), (result.Command!.Id, result.Command.Type, result.Command.DurationS, result.Command.ExpiresTs));
    }

    [Theory]
    [InlineData("", "payload is empty", null)]
    [InlineData("not json", "not a valid command JSON object", null)]
    [InlineData("null", "payload is JSON null", null)]
    [InlineData("""{"v":1,"id":"c1","ts":"yesterday","type":"siren"}""", "not a valid command JSON object ($.ts", null)]
    [InlineData("""{"v":2,"id":"c1","ts":1,"type":"siren"}""", "schema version 2 is not supported", "c1")]
    [InlineData("""{"v":1,"ts":1,"type":"siren"}""", "field 'id' must name the command", null)]
    [InlineData("""{"v":1,"id":"c1","type":"siren"}""", "field 'ts'", "c1")]
    [InlineData("""{"v":1,"id":"c1","ts":1,"type":"fireworks"}""", "field 'type' must be one of play_voice, siren, show_sign, stop", "c1")]
    [InlineData("""{"v":1,"id":"c1","ts":1,"type":"play_voice","volume":101}""", "field 'volume' must be 0–100", "c1")]
    [InlineData("""{"v":1,"id":"c1","ts":1,"type":"siren","duration_s":-1}""", "field 'duration_s' must be 0–3600 seconds", "c1")]
    public void AMalformedCommandIsRefusedWithAReasonAndItsIdWhenItHasOne(string json, string error, string? id)
    {
        var result = Decode(json);
        Assert.Null(result.Command);
        Assert.StartsWith(error, result.Error, StringComparison.Ordinal);
        Assert.Equal(id, result.Id);
    }

    // The ends of the number space (issue 19 audit): each is refused with a reason instead of reaching the dispatcher,
    // whose expiry check subtracts and formats a TimeSpan.
    [Theory]
    [InlineData("9223372036854775807", null, "field 'ts' is past the year 9999")]
    [InlineData("253402300800000", null, "field 'ts' is past the year 9999")]
    [InlineData("1795400000000", "-9223372036854775808", "field 'expires_ts' must be after 'ts'")]
    [InlineData("1795400000000", "-1000000000000000", "field 'expires_ts' must be after 'ts'")]
    [InlineData("1795400000000", "1795400000000", "field 'expires_ts' must be after 'ts'")]
    [InlineData("1795400000000", "9223372036854775807", "field 'expires_ts' must be after 'ts'")]
    public void ATimestampAtTheEndsOfTheNumberSpaceIsRefusedWithAReason(string ts, string? expires, string error)
    {
        var expiry = expires is null ? "" : "\"expires_ts\":" + expires + ",";
        var result = Decode("{\"v\":1,\"id\":\"c9\",\"ts\":" + ts + "," + expiry + "\"type\":\"siren\"}");
        Assert.Null(result.Command);
        Assert.StartsWith(error, result.Error, StringComparison.Ordinal);
        Assert.Equal("c9", result.Id);
    }

    [Fact]
    public void AnOversizedCommandIsRefusedWithoutParsing()
    {
        var result = Decode("{\"text\":\"" + new string('x', 20_000) + "\"}");
        Assert.StartsWith("payload of", result.Error, StringComparison.Ordinal);
    }
}
