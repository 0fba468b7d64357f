using System.Globalization;
using System.Text;

namespace SmartCommunity.Gb28181.Sip;

/// <summary>What a GB/T 28181 media SDP says (RFC 4566 plus the <c>y=</c> SSRC and <c>f=</c> lines of GB/T 28181-2016 Appendix F).</summary>
public sealed record SdpMedia(string SessionName, string Address, int Port, string Transport, string? Ssrc, string? Setup)
{
    /// <summary>The <c>t=</c> line's start and stop as GB/T 28181 writes them (seconds since 1970; 0 0 for live), when both are numbers.</summary>
    public (long Start, long End)? Time { get; init; }

    /// <summary>A download's <c>a=downloadspeed:</c> (GB/T 28181-2016 §9.9, Appendix F), as written; null when absent.</summary>
    public string? DownloadSpeed { get; init; }
}

/// <summary>Reading and writing the SDP of GB/T 28181 INVITEs.</summary>
public static class Sdp
{
    /// <summary>Reads the session name, connection address, first video port, transport, y= and a=setup; null when one is missing.</summary>
    public static SdpMedia? Parse(ReadOnlySpan<byte> body)
    {
        if (body.Length > 8_192)
        {
            return null;
        }

        string? session = null, address = null, transport = null, ssrc = null, setup = null, downloadSpeed = null;
        (long, long)? time = null;
        var port = -1;
        foreach (var raw in Encoding.UTF8.GetString(body).Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length < 2 || line[1] != '=')
            {
                continue;
            }

            var value = line[2..];
            switch (line[0])
            {
                case 's':
                    session = value;
                    break;
                case 'c':
                    var parts = value.Split(' ');
                    address = parts.Length == 3 ? parts[2] : null;
                    break;
                case 'm' when value.StartsWith("video ", StringComparison.Ordinal) && port < 0:
                    var media = value.Split(' ');
                    if (media.Length >= 3 && int.TryParse(media[1], NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is > 0 and < 65536)
                    {
                        port = p;
                        transport = media[2];
                    }

                    break;
                case 'y':
                    ssrc = value.Trim();
                    break;
                case 't':
                    var times = value.Split(' ');
                    time = times.Length == 2 && long.TryParse(times[0], NumberStyles.None, CultureInfo.InvariantCulture, out var start)
                        && long.TryParse(times[1], NumberStyles.None, CultureInfo.InvariantCulture, out var end) ? (start, end) : null;
                    break;
                case 'a' when value.StartsWith("setup:", StringComparison.Ordinal):
                    setup = value[6..].Trim();
                    break;
                case 'a' when value.StartsWith("downloadspeed:", StringComparison.Ordinal):
                    downloadSpeed = value[14..].Trim();
                    break;
            }
        }

        return session is not null && address is not null && port > 0 && transport is not null ? new SdpMedia(session, address, port, transport, ssrc, setup) { Time = time, DownloadSpeed = downloadSpeed } : null;
    }

    /// <summary>
    /// The offer of a live INVITE (GB/T 28181-2016 §9.2.2.1 and Appendix F): receive PS/90000 on <paramref name="port"/>,
    /// SSRC <paramref name="ssrc"/>, over RTP/UDP, or over TCP with the gateway listening (<c>TCP/RTP/AVP</c>,
    /// <c>a=setup:passive</c>, RFC 4145; the device connects and frames packets as RFC 4571).
    /// </summary>
    /// <param name="setup">With <paramref name="tcp"/>: <c>passive</c> (the gateway listens on <paramref name="port"/>) or
    /// <c>active</c> (it connects to the port the device answers; <paramref name="port"/> is then 9, discard, RFC 4145 §4.1).</param>
    public static string PlayOffer(string channelId, string address, int port, string ssrc, bool tcp = false, string setup = "passive") =>
        $"v=0\r\no={channelId} 0 0 IN IP4 {address}\r\ns=Play\r\nc=IN IP4 {address}\r\nt=0 0\r\n" +
        $"m=video {port.ToString(CultureInfo.InvariantCulture)} {(tcp ? "TCP/RTP/AVP" : "RTP/AVP")} 96\r\na=recvonly\r\na=rtpmap:96 PS/90000\r\n" +
        (tcp ? $"a=setup:{setup}\r\na=connection:new\r\n" : "") + $"y={ssrc}\r\n";

    /// <summary>
    /// The offer of a playback INVITE (GB/T 28181-2016 §9.8.2 and Appendix F): as <see cref="PlayOffer"/> with
    /// <c>s=Playback</c>, <c>u=</c> naming the channel's recordings (<c>channel:0</c>) and <c>t=</c> the range to play in
    /// seconds since 1970 (the standard's convention; RFC 4566's NTP epoch is not used by GB/T 28181 peers).
    /// </summary>
    /// <param name="setup">With <paramref name="tcp"/>: <c>passive</c> (the gateway listens on <paramref name="port"/>) or
    /// <c>active</c> (it connects to the port the device answers; <paramref name="port"/> is then 9, discard, RFC 4145 §4.1).</param>
    public static string PlaybackOffer(string channelId, string address, int port, string ssrc, long startUnix, long endUnix, bool tcp = false, string setup = "passive") =>
        $"v=0\r\no={channelId} 0 0 IN IP4 {address}\r\ns=Playback\r\nu={channelId}:0\r\nc=IN IP4 {address}\r\n" +
        $"t={startUnix.ToString(CultureInfo.InvariantCulture)} {endUnix.ToString(CultureInfo.InvariantCulture)}\r\n" +
        $"m=video {port.ToString(CultureInfo.InvariantCulture)} {(tcp ? "TCP/RTP/AVP" : "RTP/AVP")} 96\r\na=recvonly\r\na=rtpmap:96 PS/90000\r\n" +
        (tcp ? $"a=setup:{setup}\r\na=connection:new\r\n" : "") + $"y={ssrc}\r\n";

    /// <summary>
    /// The answer of a media sender to a superior's INVITE (级联 media upward, GB/T 28181-2016 §9.2.2.1 and Appendix F):
    /// send PS/90000 from <paramref name="port"/> with SSRC <paramref name="ssrc"/>, over RTP/UDP, or over TCP with the
    /// sender connecting (<c>a=setup:active</c>, RFC 4145) to the port the superior offered.
    /// </summary>
    public static string SendAnswer(string senderId, string sessionName, string address, int port, string ssrc, bool tcp) =>
        $"v=0\r\no={senderId} 0 0 IN IP4 {address}\r\ns={sessionName}\r\nc=IN IP4 {address}\r\nt=0 0\r\n" +
        $"m=video {port.ToString(CultureInfo.InvariantCulture)} {(tcp ? "TCP/RTP/AVP" : "RTP/AVP")} 96\r\na=sendonly\r\na=rtpmap:96 PS/90000\r\n" +
        (tcp ? "a=setup:active\r\na=connection:new\r\n" : "") + $"y={ssrc}\r\n";

    /// <summary>
    /// The 10-digit SSRC of GB/T 28181-2016 Appendix F: 0 for live (1 playback), digits 4–8 of the SIP domain, and a
    /// 4-digit sequence.
    /// </summary>
    public static string Ssrc(bool playback, string domain, int sequence) =>
        (playback ? "1" : "0") + domain.PadRight(8, '0')[3..8] + (sequence % 10_000).ToString("D4", CultureInfo.InvariantCulture);
}
