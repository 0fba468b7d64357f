using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SmartCommunity.Vision.Frames;
using SmartCommunity.Media;

namespace SmartCommunity.Vision.Sources;

/// <summary>
/// Runs <c>ffmpeg … -f rawvideo pipe:1</c> and cuts its stdout into frames of exactly one frame's bytes, read
/// straight into pooled Mats by a dedicated reader thread with blocking reads: async pipe reads cost a thread-pool
/// hop per 64 KiB and measured 3× the CPU of blocking ones (docs/vision.md). A watchdog kills ffmpeg when the first frame is late or frames stop; the reason is
/// in <see cref="LastStop"/> and in the <see cref="FrameSourceException"/> thrown.
/// </summary>
public sealed partial class FfmpegFrameSource : IFrameSource
{
    private readonly FrameSourceOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public FfmpegFrameSource(FrameSourceOptions options, TimeProvider? time = null, ILogger<FfmpegFrameSource>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    public (int Width, int Height, FramePixelFormat Format) Shape => (_options.Width, _options.Height, _options.PixelFormat);

    public FrameSourceStop? LastStop { get; private set; }

    public async IAsyncEnumerable<Frame> ReadFramesAsync(FramePool pool, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pool);
        if (pool.Width != _options.Width || pool.Height != _options.Height || pool.Format != _options.PixelFormat)
        {
            throw new ArgumentException("The pool's frame shape differs from the source's.", nameof(pool));
        }

        LastStop = null;
        using var run = new FramePipe(_options, _time, _logger);
        run.Start(pool);
        using var cancel = cancellationToken.Register(static r => ((FramePipe)r!).Kill(FrameSourceStopReason.Cancelled), run);
        var completed = false;
        try
        {
            while (await run.Frames.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                while (run.Frames.TryRead(out var frame))
                {
                    yield return frame;
                }
            }

            completed = true;
        }
        finally
        {
            // Also runs when the consumer stops early: the process must not outlive the enumeration.
            if (!completed)
            {
                run.Kill(FrameSourceStopReason.Cancelled);
            }

            LastStop = await run.FinishAsync().ConfigureAwait(false);
            LogStopped(_logger, MediaUrl.MaskCredentials(_options.Url), LastStop.Reason, LastStop.Frames, LastStop.Detail);
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (LastStop.Reason != FrameSourceStopReason.EndOfStream)
        {
            throw new FrameSourceException(LastStop);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Frame source {Url} stopped: {Reason} after {Frames} frames. {Detail}")]
    internal static partial void LogStopped(ILogger logger, string url, FrameSourceStopReason reason, long frames, string detail);
}
