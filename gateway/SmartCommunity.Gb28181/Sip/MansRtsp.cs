using System.Globalization;
using System.Text;

namespace SmartCommunity.Gb28181.Sip;

/// <summary>
/// Playback control bodies (GB/T 28181-2016 §9.8.2 and Appendix B, MANSRTSP: RTSP 1.0 request lines carried in an
/// <c>INFO</c> of the playback dialog with <c>Content-Type: Application/MANSRTSP</c>). Seek is PLAY with
/// <c>Range: npt=</c> seconds from the start of the played range; speed is PLAY with <c>Scale</c> (Appendix B lists
/// 0.25, 0.5, 1, 2 and 4); pause is PAUSE with <c>PauseTime: now</c>; resume is PLAY with <c>Range: npt=now-</c>.
/// </summary>
public static class MansRtsp
{
    /// <summary>The speeds GB/T 28181-2016 Appendix B names.</summary>
    public static readonly IReadOnlyList<double> Scales = [0.25, 0.5, 1, 2, 4];

    public static byte[] Seek(long cseq, long seconds) =>
        Body("PLAY", cseq, "Range: npt=" + seconds.ToString(CultureInfo.InvariantCulture) + "-");

    public static byte[] Scale(long cseq, double scale) =>
        Body("PLAY", cseq, "Scale: " + scale.ToString("0.0#", CultureInfo.InvariantCulture));

    public static byte[] Pause(long cseq) => Body("PAUSE", cseq, "PauseTime: now");

    public static byte[] Resume(long cseq) => Body("PLAY", cseq, "Range: npt=now-");

    private static byte[] Body(string method, long cseq, string line) =>
        Encoding.ASCII.GetBytes($"{method} RTSP/1.0\r\nCSeq: {cseq.ToString(CultureInfo.InvariantCulture)}\r\n{line}\r\n\r\n");
}
