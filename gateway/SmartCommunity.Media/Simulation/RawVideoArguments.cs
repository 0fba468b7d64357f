using System.Globalization;
using SmartCommunity.Media.Running;

namespace SmartCommunity.Media.Simulation;

/// <summary>The container a rendered stand-in clip is written in.</summary>
public enum ClipContainer
{
    /// <summary>MP4 with its index in front (<c>+faststart</c>): a file the tests and benchmarks seek in.</summary>
    Mp4,

    /// <summary>MPEG-TS: what a camera's HTTP/RTSP stream carries, and what the demo's streams copy out as they loop.</summary>
    MpegTs,
}

/// <summary>
/// ffmpeg commands that make stand-in camera video: grey frames rendered by the caller, encoded as H.264
/// (<see cref="Encode"/>), and a rendered clip played back as a live camera would send it (<see cref="Replay"/>).
/// The synthetic clips of tests and benchmarks and the demo's cameras share them, so they reach analysis through
/// the same decoder settings a real camera's stream does.
/// </summary>
public static class RawVideoArguments
{
    /// <summary>
    /// Reads <c>gray</c> frames of <paramref name="width"/>×<paramref name="height"/> from stdin and writes H.264 to
    /// <paramref name="output"/>: a keyframe every second and no B-frames, as 雪亮 cameras are usually set (small,
    /// seekable, and cheap to decode at a reduced analysis rate).
    /// </summary>
    public static MediaCommand Encode(string ffmpeg, int width, int height, double fps, ClipContainer container, string output)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fps);
        ArgumentException.ThrowIfNullOrWhiteSpace(output);
        var format = container == ClipContainer.Mp4 ? new[] { "-movflags", "+faststart", "-f", "mp4" } : ["-f", "mpegts"];
        return new MediaCommand(ffmpeg,
        [
            "-hide_banner", "-loglevel", "error", "-y",
            "-f", "rawvideo", "-pix_fmt", "gray", "-s", $"{width.ToString(CultureInfo.InvariantCulture)}x{height.ToString(CultureInfo.InvariantCulture)}",
            "-r", fps.ToString(CultureInfo.InvariantCulture), "-i", "pipe:0",
            "-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-g", Math.Max(1, (int)Math.Round(fps)).ToString(CultureInfo.InvariantCulture),
            "-bf", "0", "-pix_fmt", "yuv420p", .. format, output,
        ], RawStandardInput: true);
    }

    /// <summary>
    /// Plays <paramref name="clip"/> to stdout as MPEG-TS at its own rate (<c>-re</c>), from
    /// <paramref name="offsetSeconds"/> into it and looped, without re-encoding: a live camera's stream.
    /// </summary>
    public static MediaCommand Replay(string ffmpeg, string clip, double offsetSeconds)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(clip);
        ArgumentOutOfRangeException.ThrowIfNegative(offsetSeconds);
        return new MediaCommand(ffmpeg,
        [
            "-hide_banner", "-nostdin", "-loglevel", "error", "-re", "-ss", offsetSeconds.ToString("0.###", CultureInfo.InvariantCulture),
            "-stream_loop", "-1", "-i", clip, "-c", "copy", "-f", "mpegts", "pipe:1",
        ]);
    }
}
