using System.Globalization;
using System.Text;
using SmartCommunity.TimeSeries.LineProtocol;

namespace SmartCommunity.TimeSeries.Tests.LineProtocol;

/// <summary>
/// The encoder's fast path for floats must write exactly what the general shortest-round-trip formatter writes;
/// these tests compare the two on many values, the fast path's edges and values it must hand on.
/// </summary>
public class ShortDecimalTests
{
    [Theory]
    [InlineData(12.345, "12.345")]
    [InlineData(-0.5, "-0.5")]
    [InlineData(0.001, "0.001")]
    [InlineData(0.012, "0.012")]
    [InlineData(7.0, "7")]
    [InlineData(100.0, "100")]
    [InlineData(999_999_999.999999, "999999999.999999")]
    [InlineData(123456.789, "123456.789")]
    [InlineData(-3.25, "-3.25")]
    public void TypicalValuesAreWrittenByTheFastPathAsTheFormatterWouldWriteThem(double value, string expected)
    {
        Assert.Equal(expected, value.ToString(CultureInfo.InvariantCulture));
        var span = new byte[64];
        Assert.True(ShortDecimal.TryWrite(value, span, out var written));
        Assert.Equal(expected, Encoding.ASCII.GetString(span, 0, written));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.0009)]
    [InlineData(1e9)]
    [InlineData(1e20)]
    [InlineData(5e-324)]
    [InlineData(double.MaxValue)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(0.30000000000000004)]
    [InlineData(1.0000001)]
    [InlineData(3.141592653589793)]
    public void ValuesOutsideTheFastPathAreLeftToTheFormatter(double value)
    {
        Assert.False(ShortDecimal.TryWrite(value, new byte[64], out var written));
        Assert.Equal(0, written);
    }

    [Fact]
    public void NegativeZeroKeepsItsSignThroughTheFormatter()
    {
        Assert.False(ShortDecimal.TryWrite(-0.0, new byte[64], out _));
        Assert.Equal("m v=-0", LineProtocolEncoder.EncodeToString(new Points.Point("m").Field("v", -0.0)));
    }

    [Fact]
    public void ManyRandomValuesEncodeExactlyAsTheGeneralFormatterAndRoundTrip()
    {
        var random = new Random(20261123);
        var span = new byte[64];
        var fast = 0;
        for (var i = 0; i < 200_000; i++)
        {
            var value = (i % 4) switch
            {
                // Sensor-like: a decimal with 0..6 fraction digits, parsed the way a device's JSON would be.
                0 => double.Parse(((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-2, 10))).ToString("F" + random.Next(0, 7), CultureInfo.InvariantCulture), CultureInfo.InvariantCulture),
                // Computed values with long expansions.
                1 => (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-6, 12)),
                // Arbitrary bit patterns (finite ones).
                2 => RandomFinite(random),
                // Near the edges of the fast path.
                _ => Math.BitIncrement(Math.BitDecrement((random.Next(2) == 0 ? 1e-3 : 1e9) * (1 + (random.Next(-3, 4) * 1e-16)))),
            };
            var expected = value.ToString(CultureInfo.InvariantCulture);
            if (ShortDecimal.TryWrite(value, span, out var written))
            {
                fast++;
                var text = Encoding.ASCII.GetString(span, 0, written);
                Assert.True(expected == text, $"{value:R}: fast path wrote {text}, formatter {expected}");
                Assert.Equal(value, double.Parse(text, CultureInfo.InvariantCulture));
            }
        }

        Assert.True(fast > 40_000, $"only {fast} values took the fast path"); // the sensor-like quarter at least
    }

    [Fact]
    public void EncodedPointsCarryTheSameFloatTextEitherWay()
    {
        foreach (var value in new[] { 0.1, 2.5, 12.345, -7.125, 0.30000000000000004, 1e20, 4.35 })
        {
            var line = LineProtocolEncoder.EncodeToString(new Points.Point("m").Field("v", value));
            Assert.Equal("m v=" + value.ToString(CultureInfo.InvariantCulture), line);
        }
    }

    private static double RandomFinite(Random random)
    {
        while (true)
        {
            var value = BitConverter.Int64BitsToDouble(random.NextInt64());
            if (double.IsFinite(value))
            {
                return value;
            }
        }
    }
}
