using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace SmartCommunity.Vision.Pipeline;

/// <summary>
/// Analyses many cameras on a fixed number of workers (default: one per core). A camera with a waiting frame is
/// put on a ready list once; a worker takes it, analyses one frame, and puts it back if more are waiting. Cameras
/// thus share the cores round-robin, and no camera is ever analysed by two workers at once.
/// </summary>
public sealed partial class PipelineScheduler
{
    // Holds each pipeline at most once (guarded by CameraPipeline.Scheduled), so its length is bounded by the
    // number of cameras even though the channel type is unbounded.
    private readonly Channel<CameraPipeline> _ready = Channel.CreateUnbounded<CameraPipeline>();
    private readonly ILogger _logger;

    public PipelineScheduler(int workers = 0, ILogger<PipelineScheduler>? logger = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(workers);
        Workers = workers == 0 ? Environment.ProcessorCount : workers;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    public int Workers { get; }

    /// <summary>Starts analysing this camera's frames as they arrive.</summary>
    public void Attach(CameraPipeline pipeline)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        pipeline.FrameReady = Signal;
        if (pipeline.HasPendingFrames)
        {
            Signal(pipeline);
        }
    }

    /// <summary>Runs the workers until cancelled.</summary>
    public Task RunAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(Enumerable.Range(0, Workers).Select(_ => Task.Run(() => WorkAsync(cancellationToken), CancellationToken.None)));

    private void Signal(CameraPipeline pipeline)
    {
        if (Interlocked.Exchange(ref pipeline.Scheduled, 1) == 0)
        {
            _ready.Writer.TryWrite(pipeline);
        }
    }

    private async Task WorkAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (await _ready.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (_ready.Reader.TryRead(out var pipeline))
                {
                    pipeline.AnalyseNext();
                    Volatile.Write(ref pipeline.Scheduled, 0);
                    if (pipeline.HasPendingFrames)
                    {
                        Signal(pipeline); // A frame arrived while this one was analysed.
                    }

                    if (cancellationToken.IsCancellationRequested)
                    {
                        return;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            LogStopped(_logger, Workers);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Vision scheduler with {Workers} workers stopped")]
    private static partial void LogStopped(ILogger logger, int workers);
}
