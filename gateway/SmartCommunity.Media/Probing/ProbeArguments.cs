using SmartCommunity.Media.Input;
using SmartCommunity.Media.Running;

namespace SmartCommunity.Media.Probing;

/// <summary>ffprobe command lines. The output options are FFMpegCore's own (<c>FFProbe.AnalyseAsync</c>), so <see cref="MediaProbe.Parse"/> can hand the JSON to <c>FFProbe.FromJson</c>.</summary>
public static class ProbeArguments
{
    // FFMpegCore parses durations in ffprobe's sexagesimal form (0:00:02.900000); plain seconds read as zero.
    private static readonly string[] Output = ["-print_format", "json", "-show_format", "-sexagesimal", "-show_streams"];

    /// <summary>The first video stream of a camera stream (network options and credentials through <see cref="InputArguments"/>).</summary>
    public static MediaCommand Stream(string ffprobe, StreamSource source, TimeSpan ioTimeout) =>
        MediaCommand.With(ffprobe, ["-v", "error"], InputArguments.Build(source, ioTimeout), [.. Output, "-select_streams", "v:0"]);

    /// <summary>A local media file (a segment, a clip): its format and streams.</summary>
    public static MediaCommand File(string ffprobe, string path) =>
        new(ffprobe, ["-v", "error", "-protocol_whitelist", "file", .. Output, path]);
}
