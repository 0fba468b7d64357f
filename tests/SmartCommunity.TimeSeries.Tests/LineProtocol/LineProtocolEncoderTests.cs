using System.Buffers;
using System.Text;
using SmartCommunity.TimeSeries.LineProtocol;
using SmartCommunity.TimeSeries.Points;

namespace SmartCommunity.TimeSeries.Tests.LineProtocol;

public class LineProtocolEncoderTests
{
    private static readonly DateTimeOffset T = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123).AddTicks(4567);

    [Fact]
    public void APlainPointIsMeasurementTagsFieldsAndTimestamp()
    {
        var p = new Point("water").Tag("station", "north").Field("level", 1.5).At(T);
        Assert.Equal("water,station=north level=1.5 1700000000123456700", LineProtocolEncoder.EncodeToString(p));
    }

    [Fact]
    public void MeasurementEscapesCommasAndSpacesButNotEqualsSigns()
    {
        var p = new Point("my meas,ure=ment").Field("v", 1L);
        Assert.Equal(@"my\ meas\,ure=ment v=1i", LineProtocolEncoder.EncodeToString(p));
    }

    [Fact]
    public void TagKeysTagValuesAndFieldKeysEscapeCommasEqualsSignsAndSpaces()
    {
        var p = new Point("m").Tag("tag key,=", "tag value,=").Field("field key,=", true);
        Assert.Equal(@"m,tag\ key\,\==tag\ value\,\= field\ key\,\==true", LineProtocolEncoder.EncodeToString(p));
    }

    [Fact]
    public void StringFieldValuesEscapeDoubleQuotesAndBackslashesOnly()
    {
        var p = new Point("m").Field("s", "say \"hi\", C:\\dir =  x\nnext");
        Assert.Equal("m s=\"say \\\"hi\\\", C:\\\\dir =  x\nnext\"", LineProtocolEncoder.EncodeToString(p));
    }

    [Fact]
    public void QuotesInNamesAreLiteralCharacters()
    {
        var p = new Point("\"m\"").Tag("\"k\"", "\"v\"").Field("\"f\"", "x");
        Assert.Equal("\"m\",\"k\"=\"v\" \"f\"=\"x\"", LineProtocolEncoder.EncodeToString(p));
    }

    [Fact]
    public void IntegersGetTheISuffixAndUnsignedTheUSuffix()
    {
        var p = new Point("m").Field("a", long.MinValue).Field("b", ulong.MaxValue).Field("c", 0);
        Assert.Equal("m a=-9223372036854775808i,b=18446744073709551615u,c=0i", LineProtocolEncoder.EncodeToString(p));
    }

    [Fact]
    public void BooleansAreWrittenAsTrueAndFalse()
    {
        var p = new Point("m").Field("on", true).Field("off", false);
        Assert.Equal("m on=true,off=false", LineProtocolEncoder.EncodeToString(p));
    }

    [Theory]
    [InlineData(1.0, "1")]
    [InlineData(-0.5, "-0.5")]
    [InlineData(0.1, "0.1")]
    [InlineData(1e20, "1E+20")]
    [InlineData(5e-324, "5E-324")]
    [InlineData(double.MaxValue, "1.7976931348623157E+308")]
    [InlineData(123456.789, "123456.789")]
    public void FloatsAreShortestRoundTrippableInvariantCulture(double value, string expected)
    {
        var previous = Thread.CurrentThread.CurrentCulture;
        try
        {
            Thread.CurrentThread.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
            var line = LineProtocolEncoder.EncodeToString(new Point("m").Field("v", value));
            Assert.Equal("m v=" + expected, line);
            Assert.Equal(value, double.Parse(expected, System.Globalization.CultureInfo.InvariantCulture));
        }
        finally
        {
            Thread.CurrentThread.CurrentCulture = previous;
        }
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void NaNAndInfinityAreRejectedWithAClearError(double value)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new Point("m").Field("v", value));
        Assert.Contains("NaN or Infinity", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void APointWithoutFieldsCannotBeEncoded()
    {
        var ex = Assert.Throws<ArgumentException>(() => LineProtocolEncoder.EncodeToString(new Point("m").Tag("a", "b")));
        Assert.Contains("no fields", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(WritePrecision.Nanoseconds, "1700000000123456700")]
    [InlineData(WritePrecision.Microseconds, "1700000000123456")]
    [InlineData(WritePrecision.Milliseconds, "1700000000123")]
    [InlineData(WritePrecision.Seconds, "1700000000")]
    public void TimestampsAreTruncatedToTheChosenPrecision(WritePrecision precision, string expected)
    {
        var line = LineProtocolEncoder.EncodeToString(new Point("m").Field("v", 1L).At(T), precision);
        Assert.EndsWith(" " + expected, line, StringComparison.Ordinal);
    }

    [Fact]
    public void TimestampsBefore1970RoundTowardsThePast()
    {
        var p = new Point("m").Field("v", 1L).At(DateTimeOffset.UnixEpoch.AddMilliseconds(-1.5));
        Assert.EndsWith(" -2", LineProtocolEncoder.EncodeToString(p, WritePrecision.Milliseconds), StringComparison.Ordinal);
    }

    [Fact]
    public void TimestampsOutsideInfluxRangeAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Point("m").At(new DateTimeOffset(2300, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Point("m").At(new DateTimeOffset(1600, 1, 1, 0, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void TagsAreSortedByKeyAndAReusedKeyReplacesItsValue()
    {
        var p = new Point("m").Tag("zone", "z").Tag("area", "a").Tag("mid", "1").Tag("area", "b").Field("v", 1L);
        Assert.Equal("m,area=b,mid=1,zone=z v=1i", LineProtocolEncoder.EncodeToString(p));
    }

    [Fact]
    public void ChineseNamesAndValuesAreWrittenAsUtf8()
    {
        var p = new Point("水位 站").Tag("站点", "北门,一号").Field("水位", 2.5).Field("备注", "正常\"好\"");
        var buffer = new ArrayBufferWriter<byte>();
        LineProtocolEncoder.Encode(p, WritePrecision.Nanoseconds, buffer);
        Assert.Equal("水位\\ 站,站点=北门\\,一号 水位=2.5,备注=\"正常\\\"好\\\"\"\n", Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    [Fact]
    public void SurrogatePairsSurviveEncoding()
    {
        var p = new Point("m😀").Tag("k", "a😀b").Field("s", "😀");
        Assert.Equal("m😀,k=a😀b s=\"😀\"", LineProtocolEncoder.EncodeToString(p));
    }

    [Fact]
    public void NamesWithEveryPrintableAsciiCharacterEncodeAndEscapeOnlyWhatTheSpecSays()
    {
        var all = new string(Enumerable.Range(0x20, 0x7f - 0x20).Select(i => (char)i).Where(c => c != '\\').ToArray()) + "\\x";
        var p = new Point(all).Tag(all, all).Field(all, all);
        var line = LineProtocolEncoder.EncodeToString(p);
        var measurement = all.Replace(",", "\\,", StringComparison.Ordinal).Replace(" ", "\\ ", StringComparison.Ordinal);
        var key = measurement.Replace("=", "\\=", StringComparison.Ordinal);
        var str = all.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
        Assert.Equal($"{measurement},{key}={key} {key}=\"{str}\"", line);
    }

    [Theory]
    [InlineData("")]
    [InlineData("ends with backslash\\")]
    [InlineData("backslash\\ before space")]
    [InlineData("backslash\\,before comma")]
    [InlineData("line\nbreak")]
    [InlineData("carriage\rreturn")]
    public void NamesLineProtocolCannotCarryAreRejected(string name)
    {
        Assert.ThrowsAny<ArgumentException>(() => new Point(name));
        Assert.ThrowsAny<ArgumentException>(() => new Point("m").Tag(name, "v"));
        Assert.ThrowsAny<ArgumentException>(() => new Point("m").Tag("k", name));
        Assert.ThrowsAny<ArgumentException>(() => new Point("m").Field(name, 1L));
    }

    [Fact]
    public void TimeCannotBeATagOrFieldKey()
    {
        Assert.Throws<ArgumentException>(() => new Point("m").Tag("time", "x"));
        Assert.Throws<ArgumentException>(() => new Point("m").Field("time", 1L));
    }

    [Fact]
    public void HugeStringsUpToTheInfluxLimitEncodeAndLongerOnesAreRejected()
    {
        var big = new string('"', Point.MaxStringFieldBytes);
        var line = LineProtocolEncoder.EncodeToString(new Point("m").Field("s", big));
        Assert.Equal(5 + (2 * big.Length) + 1, line.Length);

        Assert.Throws<ArgumentException>(() => new Point("m").Field("s", new string('x', Point.MaxStringFieldBytes + 1)));
        Assert.Throws<ArgumentException>(() => new Point("m").Field("s", new string('水', (Point.MaxStringFieldBytes / 3) + 1)));
    }

    [Fact]
    public void ManyPointsAppendToOneBuffer()
    {
        var buffer = new ArrayBufferWriter<byte>(16);
        var total = 0;
        for (var i = 0; i < 1000; i++)
        {
            total += LineProtocolEncoder.Encode(new Point("m").Field("v", i).At(DateTimeOffset.FromUnixTimeSeconds(i)), WritePrecision.Seconds, buffer);
        }

        Assert.Equal(total, buffer.WrittenCount);
        var lines = Encoding.UTF8.GetString(buffer.WrittenSpan).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(1000, lines.Length);
        Assert.Equal("m v=999i 999", lines[^1]);
    }
}

public class LineProtocolEncoderAllocationTests
{
    [Fact]
    public void EncodingAllocatesNothingPerPoint()
    {
        var points = Enumerable.Range(0, 1000)
            .Select(i => new Point("water level").Tag("station", i % 2 == 0 ? "北门" : "south,gate").Field("metres", i * 0.5).Field("seq", i).Field("ok", true).Field("note", "a \"quoted\" note").At(DateTimeOffset.UnixEpoch.AddSeconds(i)))
            .ToList();
        var buffer = new ArrayBufferWriter<byte>(1 << 20);
        foreach (var p in points)
        {
            LineProtocolEncoder.Encode(p, WritePrecision.Milliseconds, buffer); // warm up (JIT, statics)
        }

        buffer.ResetWrittenCount();
        var before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var p in points)
        {
            LineProtocolEncoder.Encode(p, WritePrecision.Milliseconds, buffer);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
