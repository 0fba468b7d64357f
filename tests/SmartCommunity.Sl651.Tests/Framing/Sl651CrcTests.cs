using SmartCommunity.Sl651.Framing;
using SmartCommunity.Sl651.Tests.Support;

namespace SmartCommunity.Sl651.Tests.Framing;

public sealed class Sl651CrcTests
{
    [Fact]
    public void CrcOfTheStandardCheckStringIsTheModbusCheckValue() =>
        Assert.Equal(0x4B37, Sl651Crc.Compute("123456789"u8));

    [Fact]
    public void CrcOfThePublishedTestReportIsSentHighByteFirst()
    {
        var frame = FrameBuilder.Hex(Examples.PublishedTestReport);

        var crc = Sl651Crc.Compute(frame.AsSpan(0, frame.Length - 2));

        Assert.Equal(0x20FA, crc);
        Assert.Equal([0x20, 0xFA], frame[^2..]);
        Assert.Equal(crc, Sl651Crc.Read(frame.AsSpan(frame.Length - 2)));
    }

    [Fact]
    public void TableCrcAgreesWithTheBitwiseTestCrcOnEveryExample()
    {
        foreach (var hex in new[] { Examples.PublishedTestReport, Examples.PublishedTestReportAck, Examples.TimedReport, Examples.TimedReportAck })
        {
            var bytes = FrameBuilder.Hex(hex);
            Assert.Equal(FrameBuilder.Crc16Modbus(bytes.AsSpan(0, bytes.Length - 2)), Sl651Crc.Compute(bytes.AsSpan(0, bytes.Length - 2)));
        }
    }
}
