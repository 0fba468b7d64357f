using System.Runtime.CompilerServices;
using OpenCvSharp;
using SmartCommunity.Vision.Frames;
using SmartCommunity.Media;

namespace SmartCommunity.Vision.Sources;

/// <summary>
/// The alternative to <see cref="FfmpegFrameSource"/>: OpenCV's VideoCapture (its FFmpeg backend) in-process.
/// Every source frame is grabbed, only frames on the detect-rate grid are retrieved (converted to BGR by OpenCV),
/// scaled and turned to luma. Measured slower than the ffmpeg process (see docs/vision.md), and a stuck network
/// read blocks a thread, so the gateway uses <see cref="FfmpegFrameSource"/>; this stays for comparison and for
/// files when spawning processes is not wanted. Grey frames only.
/// </summary>
public sealed class OpenCvFrameSource(FrameSourceOptions options) : IFrameSource
{
    private readonly FrameSourceOptions _options = Validated(options);

    public (int Width, int Height, FramePixelFormat Format) Shape => (_options.Width, _options.Height, FramePixelFormat.Gray);

    public FrameSourceStop? LastStop { get; private set; }

    public async IAsyncEnumerable<Frame> ReadFramesAsync(FramePool pool, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pool);
        await Task.Yield(); // VideoCapture blocks; never on the caller's thread.
        LastStop = null;
        using var capture = new VideoCapture(_options.Url, VideoCaptureAPIs.FFMPEG);
        if (!capture.IsOpened())
        {
            LastStop = new FrameSourceStop(FrameSourceStopReason.Failed, 0, null, $"OpenCV could not open {MediaUrl.MaskCredentials(_options.Url)}");
            throw new FrameSourceException(LastStop);
        }

        using var bgr = new Mat();
        using var small = new Mat();
        var interval = 1000.0 / _options.Fps;
        var nextMs = 0.0;
        long sequence = 0;
        var start = DateTimeOffset.UtcNow;
        while (!cancellationToken.IsCancellationRequested && capture.Grab())
        {
            var ms = capture.Get(VideoCaptureProperties.PosMsec);
            if (ms + 0.5 < nextMs)
            {
                continue; // Between detect-rate ticks: grabbed (decoded) but not converted.
            }

            nextMs += interval;
            if (!capture.Retrieve(bgr) || bgr.Empty())
            {
                break;
            }

            Cv2.Resize(bgr, small, new Size(_options.Width, _options.Height), 0, 0, InterpolationFlags.Linear);
            var frame = pool.Rent();
            Cv2.CvtColor(small, frame.Luma, ColorConversionCodes.BGR2GRAY);
            frame.Sequence = sequence++;
            frame.Timestamp = start + TimeSpan.FromMilliseconds(ms);
            yield return frame;
        }

        cancellationToken.ThrowIfCancellationRequested();
        LastStop = sequence == 0
            ? new FrameSourceStop(FrameSourceStopReason.Failed, 0, null, "no decodable video frames")
            : new FrameSourceStop(FrameSourceStopReason.EndOfStream, sequence, null, "");
        if (sequence == 0)
        {
            throw new FrameSourceException(LastStop);
        }
    }

    private static FrameSourceOptions Validated(FrameSourceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return options;
    }
}
