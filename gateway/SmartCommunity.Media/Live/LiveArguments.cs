using SmartCommunity.Media.Input;
using SmartCommunity.Media.Running;

namespace SmartCommunity.Media.Live;

/// <summary>
/// Live view's ffmpeg: the camera read with as little buffering as it allows, its first video stream copied into
/// fragmented MP4 on stdout (empty moov, one fragment per frame, moof-relative offsets as Media Source Extensions
/// expect). Built here, not with FFMpegCore: like the recorder it runs as long as someone watches and its stdout is
/// read as it comes.
/// </summary>
public static class LiveArguments
{
    private static readonly TimeSpan IoTimeout = TimeSpan.FromSeconds(10);

    public static MediaCommand Build(string ffmpeg, StreamSource source)
    {
        // Low-latency opening options go to the stream itself (through the input list too when it has credentials).
        var input = InputArguments.Build(source, IoTimeout, loopFile: true,
            extraOptions: [("fflags", "nobuffer"), ("analyzeduration", "1000000"), ("probesize", "1000000")]);
        return MediaCommand.With(ffmpeg, ["-nostdin", "-hide_banner", "-loglevel", "error", "-flags", "low_delay"], input,
            ["-map", "0:v:0", "-c", "copy", "-f", "mp4", "-movflags", "empty_moov+default_base_moof+frag_every_frame", "-flush_packets", "1", "pipe:1"]);
    }
}
