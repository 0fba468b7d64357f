using System.Globalization;
using SmartCommunity.Media.Input;
using SmartCommunity.Media.Running;

namespace SmartCommunity.Media.Recording;

/// <summary>
/// The recorder's ffmpeg: the main stream copied (no re-encoding) into MPEG-TS segments, each closed segment
/// announced as a CSV line on stdout (<c>name,start,end</c>). Built here, not with FFMpegCore: FFMpegCore runs a
/// job to its end and has no segment-muxer or segment-list options, while a recorder runs for days and is
/// read line by line (docs/video.md).
/// </summary>
public static class RecordingArguments
{
    /// <summary>The socket timeout that ends a silent camera's run (ffmpeg then exits and the recorder restarts it).</summary>
    public static readonly TimeSpan IoTimeout = TimeSpan.FromSeconds(10);

    public static MediaCommand Build(string ffmpeg, StreamSource source, int segmentSeconds, string pattern)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(segmentSeconds);
        // A local clip (demo, tests) stands in for a live camera: read at its own rate, looped.
        var input = InputArguments.Build(source, IoTimeout, loopFile: true);
        return MediaCommand.With(ffmpeg, ["-nostdin", "-hide_banner", "-loglevel", "warning"], input,
        [
            // Video only, stream copy: audio (G.711 on most cameras) does not go into MPEG-TS without re-encoding.
            "-map", "0:v:0", "-c", "copy", "-f", "segment", "-segment_time", segmentSeconds.ToString(CultureInfo.InvariantCulture),
            // Every packet written through at once: a killed ffmpeg leaves a file playable up to its last frame.
            "-segment_format", "mpegts", "-segment_format_options", "flush_packets=1", "-segment_list", "pipe:1", "-segment_list_type", "csv", pattern,
        ]);
    }

    /// <summary>One line of the segment list: <c>{file},{start s},{end s}</c> (ffmpeg-formats, "segment", <c>csv</c>).</summary>
    public static bool TryParseListLine(string line, out string file, out double start, out double end)
    {
        ArgumentNullException.ThrowIfNull(line);
        var parts = line.Split(',');
        file = parts[0];
        start = end = 0;
        return parts.Length == 3 && file.Length > 0
            && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out start)
            && double.TryParse(parts[2], NumberStyles.Float, CultureInfo.InvariantCulture, out end)
            && end > start;
    }
}
