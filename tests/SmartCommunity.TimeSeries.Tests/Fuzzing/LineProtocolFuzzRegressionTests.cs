using SmartCommunity.TimeSeries.LineProtocol;
using SmartCommunity.TimeSeries.Points;

namespace SmartCommunity.TimeSeries.Tests.Fuzzing;

/// <summary>Inputs the fuzzer found that once crashed the encoder; each is now refused where the point is built.</summary>
public sealed class LineProtocolFuzzRegressionTests
{
    // The surrogate goes in as a number: xUnit passes theory strings through UTF-8, which would replace it with U+FFFD.
    [Theory]
    [InlineData("a", 0xDC00, "")]
    [InlineData("", 0xD800, "")]
    [InlineData("Z\"", 0xD800, "\"")]
    public void ALoneSurrogateIsRefusedWhereThePointIsBuiltNotInTheEncoder(string before, int surrogate, string after)
    {
        var text = before + (char)surrogate + after;
        Assert.Throws<ArgumentException>(() => new Point(text));
        Assert.Throws<ArgumentException>(() => new Point("m").Tag("device", text));
        Assert.Throws<ArgumentException>(() => new Point("m").Tag(text, "v"));
        Assert.Throws<ArgumentException>(() => new Point("m").Field(text, 1L));
        var error = Assert.Throws<ArgumentException>(() => new Point("m").Field("detail", text));
        Assert.Contains("lone surrogate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ASurrogatePairIsKeptWhole() =>
        Assert.Equal("m,k=\ud83d\ude00 v=\"\ud83d\ude00\"", LineProtocolEncoder.EncodeToString(new Point("m").Tag("k", "\ud83d\ude00").Field("v", "\ud83d\ude00")));
}
