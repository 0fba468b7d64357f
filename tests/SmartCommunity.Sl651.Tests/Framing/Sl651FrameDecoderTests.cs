using SmartCommunity.Sl651.Framing;
using SmartCommunity.Sl651.Tests.Support;

namespace SmartCommunity.Sl651.Tests.Framing;

public sealed class Sl651FrameDecoderTests
{
    [Fact]
    public void TheWorkedExampleDecodesWithItsHeaderFields()
    {
        var bytes = FrameBuilder.Hex(Examples.TimedReport);

        Assert.True(Sl651FrameDecoder.TryDecode(bytes, out var frame, out _));

        Assert.Equal(Sl651Direction.Up, frame.Direction);
        Assert.Equal(0x01, frame.CentreAddress);
        Assert.Equal("0012345678", frame.StationAddress.ToString());
        Assert.Equal(0x1234, frame.Password);
        Assert.Equal(Sl651FunctionCode.TimedReport, frame.FunctionCode);
        Assert.Equal(Sl651ControlChars.Stx, frame.StartChar);
        Assert.Equal(Sl651ControlChars.Etx, frame.EndChar);
        Assert.Null(frame.Packet);
        Assert.Equal(0x2D, frame.Body.Length);
    }

    [Fact]
    public void TheTestBuilderProducesTheWorkedExampleByteForByte() =>
        Assert.Equal(Examples.TimedReport, Convert.ToHexString(Examples.TimedReportBuilder().Build()));

    [Fact]
    public void ADownlinkFrameReadsTheStationAddressBeforeTheCentreAddress()
    {
        Assert.True(Sl651FrameDecoder.TryDecode(FrameBuilder.Hex(Examples.PublishedTestReportAck), out var frame, out _));

        Assert.Equal(Sl651Direction.Down, frame.Direction);
        Assert.Equal("0012345678", frame.StationAddress.ToString());
        Assert.Equal(0x01, frame.CentreAddress);
        Assert.Equal(Sl651ControlChars.Esc, frame.EndChar);
    }

    [Fact]
    public void AnUnknownFunctionCodeIsStillAValidFrame()
    {
        Assert.True(Sl651FrameDecoder.TryDecode(FrameBuilder.Report(function: 0x37).Build(), out var frame, out _));

        Assert.Equal(0x37, (int)frame.FunctionCode);
    }

    [Fact]
    public void ACorruptCrcIsRejectedAsCrcMismatch() =>
        AssertRejected(Sl651RejectReason.CrcMismatch, Examples.TimedReportBuilder().CorruptCrc().Build());

    [Fact]
    public void AFlippedBodyBitIsRejectedAsCrcMismatch()
    {
        var bytes = Examples.TimedReportBuilder().Build();
        bytes[30] ^= 0x01;

        AssertRejected(Sl651RejectReason.CrcMismatch, bytes);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(13)]
    [InlineData(14)]
    [InlineData(40)]
    [InlineData(61)]
    public void AFrameCutShortIsRejectedAsTruncated(int keep) =>
        AssertRejected(Sl651RejectReason.Truncated, Examples.TimedReportBuilder().Build()[..keep]);

    [Fact]
    public void ALengthFieldSmallerThanTheBodyIsRejectedAsLengthMismatch()
    {
        // Length says 8 (serial + time) but 9 body bytes follow; end char and CRC are still correct for the bytes.
        AssertRejected(Sl651RejectReason.LengthMismatch, FrameBuilder.KeepAlive().Body("00").LengthField(8).Build());
    }

    [Fact]
    public void ALengthFieldLargerThanTheBodyIsRejectedAsTruncated() =>
        AssertRejected(Sl651RejectReason.Truncated, FrameBuilder.KeepAlive().LengthField(9).Build());

    [Fact]
    public void AWrongEndCharIsRejectedAsBadEndChar() =>
        AssertRejected(Sl651RejectReason.BadEndChar, Examples.TimedReportBuilder().EndChar(0x99).Build());

    [Fact]
    public void AWrongStartCharIsRejectedAsBadStartChar() =>
        AssertRejected(Sl651RejectReason.BadStartChar, Examples.TimedReportBuilder().StartChar(0x01).Build());

    [Fact]
    public void BytesNotStartingWith7E7EAreRejectedAsBadStart() =>
        AssertRejected(Sl651RejectReason.BadStart, [0x7E, 0x7D, .. Examples.TimedReportBuilder().Build()[2..]]);

    [Fact]
    public void ADirectionNibbleOtherThanUpOrDownIsRejected()
    {
        var bytes = Examples.TimedReportBuilder().Build();
        bytes[Sl651FrameLayout.LengthOffset] |= 0x30;

        AssertRejected(Sl651RejectReason.BadDirectionFlag, bytes);
    }

    [Fact]
    public void ALengthAboveTheConfiguredMaximumIsRejectedBeforeTheBodyArrives()
    {
        var header = FrameBuilder.KeepAlive().LengthField(0xFFF).Build()[..Sl651FrameLayout.HeaderSize];

        var result = Sl651FrameDecoder.Scan(header, maxFrameSize: 256);

        Assert.Equal(Sl651ScanStatus.Rejected, result.Status);
        Assert.Equal(Sl651RejectReason.FrameTooLarge, result.Rejection.Reason);
    }

    [Fact]
    public void AMultiPacketFrameExposesItsPacketTotalAndNumber()
    {
        var bytes = FrameBuilder.Report().MultiPacket(total: 300, number: 2).EndChar(Sl651ControlChars.Etb).Build();

        Assert.True(Sl651FrameDecoder.TryDecode(bytes, out var frame, out _));

        Assert.Equal(new Sl651PacketInfo(300, 2), frame.Packet);
        Assert.Equal(0x00, frame.Body.Span[0]);
        Assert.Equal(0x07, frame.Body.Span[1]);
    }

    [Fact]
    public void APacketNumberAboveThePacketTotalIsRejected() =>
        AssertRejected(Sl651RejectReason.BadPacketInfo, FrameBuilder.Report().MultiPacket(total: 2, number: 3).Build());

    [Fact]
    public void RandomBytesNeverThrow()
    {
        var random = new Random(651);
        var valid = Examples.TimedReportBuilder().Build();
        for (var i = 0; i < 5000; i++)
        {
            var bytes = (byte[])valid.Clone();
            bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            bytes = bytes[..random.Next(bytes.Length + 1)];

            Sl651FrameDecoder.TryDecode(bytes, out _, out _);
        }
    }

    private static void AssertRejected(Sl651RejectReason expected, byte[] bytes)
    {
        Assert.False(Sl651FrameDecoder.TryDecode(bytes, out var frame, out var rejection));
        Assert.Null(frame);
        Assert.Equal(expected, rejection.Reason);
        Assert.False(string.IsNullOrWhiteSpace(rejection.Message));
    }
}
