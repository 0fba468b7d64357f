using SmartCommunity.Sl651.Framing;
using SmartCommunity.Sl651.Tests.Support;

namespace SmartCommunity.Sl651.Tests.Framing;

public sealed class Sl651FrameAssemblerTests
{
    [Fact]
    public void GarbageBeforeAFrameIsSkippedAndTheFrameIsFound()
    {
        var assembler = new Sl651FrameAssembler(Sl651FrameLayout.MaxFrameSize);
        byte[] garbage = [0x00, 0x7E, 0x41, 0x7E, 0xFF, 0x13];

        assembler.Write([.. garbage, .. Examples.TimedReportBuilder().Build()]);

        var results = Drain(assembler);
        var frame = Assert.Single(results);
        Assert.Equal(Sl651ScanStatus.Frame, frame.Status);
        Assert.Equal(garbage.Length, assembler.SkippedBytes);
        Assert.Equal(0, assembler.Pending);
    }

    [Fact]
    public void TwoFramesInOneReadYieldTwoFrames()
    {
        var assembler = new Sl651FrameAssembler(Sl651FrameLayout.MaxFrameSize);

        assembler.Write([.. Examples.TimedReportBuilder().Build(), .. FrameBuilder.KeepAlive().Build()]);

        var results = Drain(assembler);
        Assert.Equal(2, results.Count);
        Assert.Equal(Sl651FunctionCode.TimedReport, results[0].Frame!.FunctionCode);
        Assert.Equal(Sl651FunctionCode.LinkKeepAlive, results[1].Frame!.FunctionCode);
    }

    [Fact]
    public void AFrameSplitIntoSingleBytesYieldsOneFrameAfterTheLastByte()
    {
        var assembler = new Sl651FrameAssembler(Sl651FrameLayout.MaxFrameSize);
        var bytes = Examples.TimedReportBuilder().Build();
        var found = new List<Sl651ScanResult>();

        for (var i = 0; i < bytes.Length; i++)
        {
            assembler.Write(bytes.AsSpan(i, 1));
            found.AddRange(Drain(assembler));
            Assert.Equal(i == bytes.Length - 1 ? 1 : 0, found.Count);
        }

        Assert.Equal(Sl651ScanStatus.Frame, found[0].Status);
    }

    [Fact]
    public void AnOversizedLengthIsRejectedWithoutWaitingAndTheNextFrameIsStillFound()
    {
        var assembler = new Sl651FrameAssembler(maxFrameSize: 128);
        var oversizedHeader = FrameBuilder.KeepAlive().LengthField(0x800).Build()[..Sl651FrameLayout.HeaderSize];

        assembler.Write([.. oversizedHeader, .. FrameBuilder.KeepAlive().Build()]);

        var results = Drain(assembler);
        Assert.Equal(Sl651RejectReason.FrameTooLarge, results[0].Rejection.Reason);
        Assert.Equal(Sl651ScanStatus.Frame, results[^1].Status);
    }

    [Fact]
    public void ACorruptFrameIsRejectedAndTheFollowingFrameIsFound()
    {
        var assembler = new Sl651FrameAssembler(Sl651FrameLayout.MaxFrameSize);

        assembler.Write([.. Examples.TimedReportBuilder().CorruptCrc().Build(), .. FrameBuilder.KeepAlive().Build()]);

        var results = Drain(assembler);
        Assert.Equal(Sl651RejectReason.CrcMismatch, results[0].Rejection.Reason);
        Assert.Equal(Sl651FunctionCode.LinkKeepAlive, results[^1].Frame!.FunctionCode);
    }

    [Fact]
    public void ALengthFieldTooSmallInAStreamIsRejectedAtTheMisplacedEndChar()
    {
        var assembler = new Sl651FrameAssembler(Sl651FrameLayout.MaxFrameSize);

        assembler.Write(Examples.TimedReportBuilder().LengthField(0x20).Build());

        Assert.Equal(Sl651RejectReason.BadEndChar, Drain(assembler)[0].Rejection.Reason);
    }

    [Fact]
    public void AnUnfinishedFrameStaysPending()
    {
        var assembler = new Sl651FrameAssembler(Sl651FrameLayout.MaxFrameSize);
        var bytes = Examples.TimedReportBuilder().Build();

        assembler.Write(bytes.AsSpan(0, 20));

        Assert.Empty(Drain(assembler));
        Assert.Equal(20, assembler.Pending);
    }

    [Fact]
    public void TheBufferKeepsAcceptingAfterManyFrames()
    {
        var assembler = new Sl651FrameAssembler(maxFrameSize: 128, readChunk: 64);
        var bytes = FrameBuilder.KeepAlive().Build();
        var frames = 0;

        for (var i = 0; i < 1000; i++)
        {
            Assert.Equal(bytes.Length, assembler.Write(bytes));
            frames += Drain(assembler).Count;
        }

        Assert.Equal(1000, frames);
    }

    private static List<Sl651ScanResult> Drain(Sl651FrameAssembler assembler)
    {
        var results = new List<Sl651ScanResult>();
        while (assembler.TryRead(out var result))
        {
            results.Add(result);
        }

        return results;
    }
}
