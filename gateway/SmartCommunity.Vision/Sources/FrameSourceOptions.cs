using SmartCommunity.Vision.Frames;

namespace SmartCommunity.Vision.Sources;

/// <summary>What to decode and how: a camera's sub stream, sampled at the detect rate and resolution.</summary>
public sealed class FrameSourceOptions
{
    /// <summary>rtsp://, rtsps://, http(s):// or a file path / file:// URL; without credentials (see <see cref="Username"/>).</summary>
    public required string Url { get; init; }

    /// <summary>The camera's user name, if it needs one. Kept apart from the URL: ffmpeg reads both from its stdin, never its command line.</summary>
    public string? Username { get; init; }

    /// <summary>The camera's password, if it needs one (see <see cref="Username"/>).</summary>
    public string? Password { get; init; }

    /// <summary>Detect width in pixels. Default 640.</summary>
    public int Width { get; init; } = 640;

    /// <summary>Detect height in pixels. Default 360.</summary>
    public int Height { get; init; } = 360;

    /// <summary>Frames per second handed to analysis. Default 5 (Frigate's detect rate).</summary>
    public double Fps { get; init; } = 5;

    /// <summary>Default <see cref="FramePixelFormat.Gray"/>: motion needs only luma and it is a third less to move.</summary>
    public FramePixelFormat PixelFormat { get; init; } = FramePixelFormat.Gray;

    /// <summary>Path of the ffmpeg binary. Default <c>ffmpeg</c> (from PATH; Debian package <c>ffmpeg</c>).</summary>
    public string FfmpegPath { get; init; } = "ffmpeg";

    /// <summary>Decoder threads per camera; 0 lets ffmpeg choose. Default 1: with dozens of cameras, one thread
    /// each avoids oversubscribing the cores, and a 5 fps sub stream needs no more.</summary>
    public int DecoderThreads { get; init; } = 1;

    /// <summary>Time allowed for the first frame (connect, probe, decode). Default 20 s.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Time without a byte from ffmpeg, once frames flowed, before it is killed as stalled. Default 10 s.</summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Read files at their own frame rate (<c>-re</c>) instead of as fast as possible. Default false;
    /// set it to replay a recording as if it were a live camera.</summary>
    public bool Realtime { get; init; }

    /// <summary>
    /// When the footage began, for a recording analysed faster than real time: frame times are this plus the
    /// stream's own time, so events carry the times they were filmed (issue 16). Null: the time decoding started
    /// (a live stream, or a file replayed in real time).
    /// </summary>
    public DateTimeOffset? RecordedAt { get; init; }

    internal int FrameBytes => PixelFormat == FramePixelFormat.Gray ? Width * Height : Width * Height * 3 / 2;

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Url);
        ArgumentOutOfRangeException.ThrowIfLessThan(Width, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(Height, 2);
        if (PixelFormat == FramePixelFormat.Yuv420P && (Width % 2 != 0 || Height % 2 != 0))
        {
            throw new ArgumentException("yuv420p needs an even width and height.", nameof(PixelFormat));
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Fps);
        ArgumentOutOfRangeException.ThrowIfNegative(DecoderThreads);
    }
}
