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

    /// <summary>At most this many bytes of MANSRTSP are read (a control is four short lines).</summary>
    public const int MaxBodyBytes = 1_024;

    /// <summary>
    /// Reads a control the gateway received (it plays footage to a superior platform): PLAY, PAUSE or TEARDOWN with
    /// its CSeq, PLAY's <c>Range: npt=</c> start in seconds (null for <c>now</c> or none, i.e. resume where it was) and
    /// its <c>Scale</c>, which must be one of <see cref="Scales"/>. Null with a stable reason (<c>too-large</c>,
    /// <c>bad-request-line</c>, <c>unknown-method</c>, <c>no-cseq</c>, <c>bad-range</c>, <c>bad-scale</c>) otherwise.
    /// </summary>
    public static MansRtspRequest? Parse(ReadOnlySpan<byte> body, out string reason)
    {
        reason = "";
        if (body.Length > MaxBodyBytes)
        {
            reason = "too-large";
            return null;
        }

        var lines = Encoding.ASCII.GetString(body).Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var first = lines.Length == 0 ? [] : lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (first.Length != 2 || first[1] != "RTSP/1.0")
        {
            reason = "bad-request-line";
            return null;
        }

        if (first[0] is not ("PLAY" or "PAUSE" or "TEARDOWN"))
        {
            reason = "unknown-method";
            return null;
        }

        string? Header(string name) => lines.Skip(1).Select(l => l.Split(':', 2)).Where(h => h.Length == 2 && h[0].Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
            .Select(h => h[1].Trim()).FirstOrDefault();
        if (!long.TryParse(Header("CSeq"), NumberStyles.None, CultureInfo.InvariantCulture, out var cseq))
        {
            reason = "no-cseq";
            return null;
        }

        double? start = null;
        if (Header("Range") is { } range)
        {
            // npt=now- resumes; npt=12- or npt=12.5-30 seeks (RFC 2326 §3.6); anything else, or beyond a day, is refused
            // (double.TryParse takes "NaN" and "Infinity" whatever the styles).
            if (!range.StartsWith("npt=", StringComparison.OrdinalIgnoreCase) || range[4..].Split('-')[0] is not { Length: > 0 } from)
            {
                reason = "bad-range";
                return null;
            }

            if (from != "now")
            {
                if (!double.TryParse(from, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds) || !double.IsFinite(seconds) || seconds is < 0 or > 86_400)
                {
                    reason = "bad-range";
                    return null;
                }

                start = seconds;
            }
        }

        double? scale = null;
        if (Header("Scale") is { } text)
        {
            if (!double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) || !Scales.Contains(value))
            {
                reason = "bad-scale";
                return null;
            }

            scale = value;
        }

        return new MansRtspRequest(first[0], cseq, start, scale);
    }

    private static byte[] Body(string method, long cseq, string line) =>
        Encoding.ASCII.GetBytes($"{method} RTSP/1.0\r\nCSeq: {cseq.ToString(CultureInfo.InvariantCulture)}\r\n{line}\r\n\r\n");
}

/// <summary>A MANSRTSP control as received: the method, its CSeq, the seek target in seconds (null: where it is) and the speed (null: unchanged).</summary>
public sealed record MansRtspRequest(string Method, long CSeq, double? StartSeconds, double? Scale);
