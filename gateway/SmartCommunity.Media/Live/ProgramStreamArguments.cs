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

    /// <summary>Output options shared by live and playback: video copied, Annex B, PS packs of <see cref="PackBytes"/>.</summary>
    private static string[] Output => ["-map", "0:v:0", "-c", "copy", "-bsf:v", "h264_mp4toannexb", "-f", "vob",
        "-packetsize", PackBytes.ToString(System.Globalization.CultureInfo.InvariantCulture), "-muxdelay", "0.5", "-muxpreload", "0", "-flush_packets", "1", "pipe:1"];

    /// <summary>
    /// Recorded segments played at their own rate times <paramref name="speed"/> (<c>-readrate</c>), joined by the concat demuxer from the list on stdin
    /// (<paramref name="files"/>: local paths; no list file left behind), from <paramref name="inpoint"/> into the first
    /// to <paramref name="outpoint"/> into the last (the list's <c>inpoint</c>/<c>outpoint</c> directives,
    /// ffmpeg-formats "concat"): a superior platform's playback of footage the gateway stored. Measured on 2 s segments:
    /// <c>-ss</c>/<c>-t</c> around a concat input gave 3.5–4.3 s for a 4 s range depending on the offset; the directives
    /// gave 4 s each time. The paths are given as <c>file:</c> URLs: a list read from <c>pipe:0</c> resolves bare paths
    /// against <c>pipe:</c> (measured).
    /// </summary>
    public static MediaCommand Playback(string ffmpeg, IReadOnlyList<string> files, TimeSpan inpoint, TimeSpan outpoint, double speed = 1)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(speed);
        var seconds = (TimeSpan t) => t.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
        var list = new System.Text.StringBuilder();
        for (var i = 0; i < files.Count; i++)
        {
            list.Append(Clips.ClipArguments.ConcatList(["file:" + files[i]]));
            if (i == 0 && inpoint > TimeSpan.Zero)
            {
                list.Append("inpoint ").Append(seconds(inpoint)).Append('\n');
            }

            if (i == files.Count - 1)
            {
                list.Append("outpoint ").Append(seconds(outpoint)).Append('\n');
            }
        }

        // -readrate 1 is -re; a superior's Scale (GB/T 28181-2016 Appendix B: 0.25 to 4) reads faster or slower.
        return new MediaCommand(ffmpeg, ["-nostdin", "-hide_banner", "-loglevel", "error", "-readrate", speed.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture), "-f", "concat", "-safe", "0", "-protocol_whitelist", "file,pipe",
            "-i", "pipe:0", .. Output], list.ToString(), StandardInputForLog: "list of recorded segments");
    }

    public static MediaCommand Build(string ffmpeg, StreamSource source)
    {
        var input = InputArguments.Build(source, IoTimeout, loopFile: true,
            extraOptions: [("fflags", "nobuffer"), ("analyzeduration", "1000000"), ("probesize", "1000000")]);
        return MediaCommand.With(ffmpeg, ["-nostdin", "-hide_banner", "-loglevel", "error"], input, Output);
    }
}
