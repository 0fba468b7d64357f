using System.Globalization;
using SmartCommunity.Media.Input;
using SmartCommunity.Media.Running;
using SmartCommunity.Vision.Frames;

namespace SmartCommunity.Vision.Sources;

/// <summary>
/// Builds the frame pipe's ffmpeg command: the stream opened by the ffmpeg module (<see cref="InputArguments"/>:
/// network options, credentials on stdin), sampled to the detect rate and size, raw frames on stdout. Built here, not
/// with FFMpegCore: the frames are read straight from the pipe into pooled Mats by a blocking reader thread
/// (docs/vision.md), which FFMpegCore's pipe sinks (a named pipe and a copy per read) would not allow. Pure.
/// </summary>
public static class FfmpegArguments
{
    public static MediaCommand Build(FrameSourceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var before = new List<string> { "-hide_banner", "-nostdin", "-loglevel", "error" };
        if (options.DecoderThreads > 0)
        {
            // The filter graph (fps, scale) gets its own thread pool otherwise; one camera, one core's worth of threads.
            before.AddRange(["-filter_threads", options.DecoderThreads.ToString(CultureInfo.InvariantCulture)]);
            // Decoder threads are an input option: before -i.
            before.AddRange(["-threads", options.DecoderThreads.ToString(CultureInfo.InvariantCulture)]);
        }

        var input = InputArguments.Build(new StreamSource(options.Url, options.Username, options.Password), options.StallTimeout, realtime: options.Realtime);
        // Drop frames before scaling, so only the detect rate is scaled; bilinear is plenty for motion at 100 px.
        var filter = string.Create(CultureInfo.InvariantCulture, $"fps={options.Fps},scale={options.Width}:{options.Height}:flags=bilinear");
        return MediaCommand.With(options.FfmpegPath, before, input,
            ["-an", "-sn", "-dn", "-vf", filter, "-pix_fmt", options.PixelFormat == FramePixelFormat.Gray ? "gray" : "yuv420p", "-f", "rawvideo", "pipe:1"]);
    }
}
