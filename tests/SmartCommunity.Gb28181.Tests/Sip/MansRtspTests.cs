using System.Text;
using SmartCommunity.Gb28181.Sip;

namespace SmartCommunity.Gb28181.Tests.Sip;

/// <summary>MANSRTSP controls as the gateway receives them from a superior (GB/T 28181-2016 §9.8.2, Appendix B).</summary>
public sealed class MansRtspTests
{
    [Fact]
    public void TheBodiesTheGatewaySendsDownwardAreReadBackAsSent()
    {
        Assert.Equal(new MansRtspRequest("PLAY", 7, 95, null), MansRtsp.Parse(MansRtsp.Seek(7, 95), out _));
        Assert.Equal(new MansRtspRequest("PLAY", 8, null, 0.25), MansRtsp.Parse(MansRtsp.Scale(8, 0.25), out _));
        Assert.Equal(new MansRtspRequest("PAUSE", 9, null, null), MansRtsp.Parse(MansRtsp.Pause(9), out _));
        Assert.Equal(new MansRtspRequest("PLAY", 10, null, null), MansRtsp.Parse(MansRtsp.Resume(10), out _));
    }

    [Fact]
    public void HeadersAreReadWhateverTheirCaseAndLineEndingsAndASeekMayCarryASpeed() =>
        Assert.Equal(new MansRtspRequest("PLAY", 3, 12.5, 2), MansRtsp.Parse(Encoding.ASCII.GetBytes("PLAY RTSP/1.0\ncseq: 3\nrange: npt=12.5-30\nscale: 2.0\n\n"), out _));

    [Theory]
    [InlineData("", "bad-request-line")]
    [InlineData("PLAY\r\nCSeq: 1\r\n", "bad-request-line")]
    [InlineData("PLAY RTSP/2.0\r\nCSeq: 1\r\n", "bad-request-line")]
    [InlineData("RECORD RTSP/1.0\r\nCSeq: 1\r\n", "unknown-method")]
    [InlineData("PLAY RTSP/1.0\r\nRange: npt=5-\r\n", "no-cseq")]
    [InlineData("PLAY RTSP/1.0\r\nCSeq: -1\r\n", "no-cseq")]
    [InlineData("PLAY RTSP/1.0\r\nCSeq: 99999999999999999999999\r\n", "no-cseq")]
    [InlineData("PLAY RTSP/1.0\r\nCSeq: 1\r\nRange: clock=20261205T000000Z-\r\n", "bad-range")]
    [InlineData("PLAY RTSP/1.0\r\nCSeq: 1\r\nRange: npt=-5\r\n", "bad-range")]
    [InlineData("PLAY RTSP/1.0\r\nCSeq: 1\r\nRange: npt=1e308-\r\n", "bad-range")]
    [InlineData("PLAY RTSP/1.0\r\nCSeq: 1\r\nRange: npt=NaN-\r\n", "bad-range")]
    [InlineData("PLAY RTSP/1.0\r\nCSeq: 1\r\nRange: npt=86401-\r\n", "bad-range")]
    [InlineData("PLAY RTSP/1.0\r\nCSeq: 1\r\nScale: 3\r\n", "bad-scale")]
    [InlineData("PLAY RTSP/1.0\r\nCSeq: 1\r\nScale: -1\r\n", "bad-scale")]
    [InlineData("PLAY RTSP/1.0\r\nCSeq: 1\r\nScale: Infinity\r\n", "bad-scale")]
    public void AControlThatIsNotOneIsRefusedWithAStableReason(string body, string reason)
    {
        Assert.Null(MansRtsp.Parse(Encoding.ASCII.GetBytes(body), out var why));
        Assert.Equal(reason, why);
    }

    [Fact]
    public void ABodyLargerThanAControlIsNotRead()
    {
        Assert.Null(MansRtsp.Parse(Encoding.ASCII.GetBytes("PLAY RTSP/1.0\r\nCSeq: 1\r\nX: " + new string('a', MansRtsp.MaxBodyBytes) + "\r\n"), out var why));
        Assert.Equal("too-large", why);
    }
}
