using SmartCommunity.Sl651.Framing;
using SmartCommunity.Sl651.Reports;
using SmartCommunity.Sl651.Tests.Support;

namespace SmartCommunity.Sl651.Tests.Reports;

public sealed class Sl651AcknowledgementTests
{
    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);

    [Fact]
    public void TheAckForTheWorkedExampleMatchesTheHandBuiltBytes()
    {
        var report = Decode(Examples.TimedReport);

        var ack = Sl651Acknowledgement.Build(report, serial: 7, new DateTimeOffset(2025, 7, 15, 8, 0, 9, Beijing));

        Assert.Equal(Examples.TimedReportAck, Convert.ToHexString(ack));
    }

    [Fact]
    public void TheAckFieldsEchoTheReportWithTheDownFlagAndAValidCrc()
    {
        var report = Decode(Examples.TimedReport);

        var ack = Sl651Acknowledgement.Build(report, serial: 7, new DateTimeOffset(2025, 7, 15, 8, 0, 9, Beijing), Sl651ControlChars.Esc);

        Assert.Equal(FrameBuilder.Crc16Modbus(ack.AsSpan(0, ack.Length - 2)), (ack[^2] << 8) | ack[^1]);
        Assert.True(Sl651FrameDecoder.TryDecode(ack, out var frame, out _));
        Assert.Equal(Sl651Direction.Down, frame.Direction);
        Assert.Equal(0x80, ack[Sl651FrameLayout.LengthOffset]);
        Assert.Equal(report.StationAddress, frame.StationAddress);
        Assert.Equal(report.CentreAddress, frame.CentreAddress);
        Assert.Equal(report.Password, frame.Password);
        Assert.Equal(Sl651FunctionCode.TimedReport, frame.FunctionCode);
        Assert.Equal(FrameBuilder.Hex("0007 250715080009"), frame.Body.ToArray());
        Assert.Equal(Sl651ControlChars.Esc, frame.EndChar);
    }

    [Fact]
    public void TheAckForThePublishedTestReportMatchesThePublishedAck()
    {
        var report = Decode(Examples.PublishedTestReport);

        var ack = Sl651Acknowledgement.Build(report, serial: 3, new DateTimeOffset(2059, 10, 11, 15, 49, 47, Beijing), Sl651ControlChars.Esc);

        Assert.Equal(Examples.PublishedTestReportAck, Convert.ToHexString(ack));
    }

    private static Sl651Frame Decode(string hex)
    {
        Assert.True(Sl651FrameDecoder.TryDecode(FrameBuilder.Hex(hex), out var frame, out var rejection), rejection.ToString());
        return frame;
    }
}
