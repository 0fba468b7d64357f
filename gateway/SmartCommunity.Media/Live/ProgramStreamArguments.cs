using SmartCommunity.Media.Input;
using SmartCommunity.Media.Running;

namespace SmartCommunity.Media.Live;

/// <summary>
/// The ffmpeg that feeds a superior GB/T 28181 platform (级联 media upward): the camera read as for live view, its
/// first video stream copied, not re-encoded, into an MPEG-2 program stream on stdout (<c>vob</c> is ffmpeg's plain
/// MPEG-2 PS muxer), in packs of at most 1 400 bytes so that a pack fits one RTP packet. H.264 only: the video is put
/// in Annex B form (<c>h264_mp4toannexb</c>; an MP4 source's length-prefixed units are otherwise not found by a PS
/// reader, measured: ffprobe took them for MP3) and ffmpeg's PS muxer carries no H.265. The mux delay is 0.5 s: at 0
/// ffmpeg reports a buffer underflow for every pack (measured with ffmpeg 5.1), and 0.5 s keeps live video within the
/// 2 s glass-to-glass target. Long-running, read as it comes, like <see cref="LiveArguments"/>.
/// </summary>
public static class ProgramStreamArguments
{
    /// <summary>Pack size: the RTP payload that, with RTP, UDP and IP headers, stays under a 1 500-byte Ethernet MTU.</summary>
    public const int PackBytes = 1_400;

    private static readonly TimeSpan IoTimeout = TimeSpan.FromSeconds(10);

    public static MediaCommand Build(string ffmpeg, StreamSource source)
    {
        var input = InputArguments.Build(source, IoTimeout, loopFile: true,
            extraOptions: [("fflags", "nobuffer"), ("analyzeduration", "1000000"), ("probesize", "1000000")]);
        return MediaCommand.With(ffmpeg, ["-nostdin", "-hide_banner", "-loglevel", "error"], input,
            ["-map", "0:v:0", "-c", "copy", "-bsf:v", "h264_mp4toannexb", "-f", "vob", "-packetsize", PackBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "-muxdelay", "0.5", "-muxpreload", "0", "-flush_packets", "1", "pipe:1"]);
    }
}
