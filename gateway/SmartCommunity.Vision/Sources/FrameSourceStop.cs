namespace SmartCommunity.Vision.Sources;

public enum FrameSourceStopReason
{
    /// <summary>The stream ended (a file, or a camera that closed cleanly).</summary>
    EndOfStream,

    /// <summary>The consumer stopped reading or cancelled.</summary>
    Cancelled,

    /// <summary>ffmpeg exited with an error: unreachable URL, refused login, corrupt or truncated file.</summary>
    Failed,

    /// <summary>No first frame within the start timeout.</summary>
    StartTimeout,

    /// <summary>Frames stopped arriving for longer than the stall timeout.</summary>
    Stalled,

    /// <summary>The decoder could not be started (e.g. ffmpeg not installed).</summary>
    DecoderMissing,
}

/// <summary>How and why a frame source run ended.</summary>
/// <param name="Detail">ffmpeg's last error lines (credentials masked), or our own explanation.</param>
public sealed record FrameSourceStop(FrameSourceStopReason Reason, long Frames, int? ExitCode, string Detail);

/// <summary>A frame source could not deliver frames; <see cref="Stop"/> says why.</summary>
public sealed class FrameSourceException : Exception
{
    public FrameSourceException()
        : this(new FrameSourceStop(FrameSourceStopReason.Failed, 0, null, "frame source failed"))
    {
    }

    public FrameSourceException(string message)
        : this(new FrameSourceStop(FrameSourceStopReason.Failed, 0, null, message))
    {
    }

    public FrameSourceException(string message, Exception innerException)
        : base(message, innerException) =>
        Stop = new FrameSourceStop(FrameSourceStopReason.Failed, 0, null, message);

    public FrameSourceException(FrameSourceStop stop, Exception? innerException = null)
        : base($"{stop?.Reason}: {stop?.Detail}", innerException) =>
        Stop = stop ?? throw new ArgumentNullException(nameof(stop));

    public FrameSourceStop Stop { get; }
}
