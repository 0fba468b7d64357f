using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenCvSharp;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;
using SmartCommunity.Vision.Pipeline;
using SmartCommunity.Vision.Sources;

namespace SmartCommunity.Vision.Hosting;

/// <summary>
/// Hosts one <see cref="CameraPipeline"/>: decodes on its own task (restarting a failed stream with backoff),
/// analyses on the shared <see cref="PipelineScheduler"/>, and delivers events with a snapshot to an
/// <see cref="IVisionEventSink"/> from a task of its own, so JPEG encoding never runs on an analysis worker. Also
/// refreshes the camera's latest picture at a low rate. Used by the gateway (plain 雪亮 cameras) and by the camera
/// edge agent.
/// </summary>
public sealed partial class CameraAnalysis : IAsyncDisposable
{
    private readonly CameraPipeline _pipeline;
    private readonly PipelineScheduler _scheduler;
    private readonly IVisionEventSink _sink;
    private readonly CameraAnalysisOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _drain = new();
    private Task _source = Task.CompletedTask;
    private Task _pump = Task.CompletedTask;
    private Task _pictures = Task.CompletedTask;
    private long _published, _refused, _snapshotFailures;
    private long _decodedAtStop;
    private int _delivering;
    private FrameSourceStop? _lastStop;
    private DateTimeOffset? _lastStopAt;
    private volatile bool _started;
    private volatile bool _disposed;

    public CameraAnalysis(CameraPipeline pipeline, PipelineScheduler scheduler, IVisionEventSink sink, CameraAnalysisOptions? options = null,
        TimeProvider? time = null, ILogger<CameraAnalysis>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(sink);
        _options = options ?? new CameraAnalysisOptions();
        _options.Validate();
        _pipeline = pipeline;
        _scheduler = scheduler;
        _sink = sink;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    public string CameraId => _pipeline.CameraId;

    public CameraPipeline Pipeline => _pipeline;

    /// <summary>Completes when the source has ended for good (a file analysed to its end) or the analysis was stopped.</summary>
    public Task SourceCompletion => _source;

    public CameraAnalysisStatus Status
    {
        get
        {
            var counters = _pipeline.Counters;
            FrameSourceStop? stop;
            DateTimeOffset? stopAt;
            long decodedAtStop;
            lock (_stop)
            {
                (stop, stopAt, decodedAtStop) = (_lastStop, _lastStopAt, _decodedAtStop);
            }

            var state = _disposed ? CameraAnalysisState.Stopped
                : _started && IsFinished ? CameraAnalysisState.Ended
                : stop is null ? (counters.FramesDecoded > 0 ? CameraAnalysisState.Running : CameraAnalysisState.Starting)
                : counters.FramesDecoded > decodedAtStop ? CameraAnalysisState.Running : CameraAnalysisState.Restarting;
            return new CameraAnalysisStatus(CameraId, state, counters, Interlocked.Read(ref _published), Interlocked.Read(ref _refused),
                Interlocked.Read(ref _snapshotFailures), stop, stopAt);
        }
    }

    /// <summary>A finite source ended, every frame was analysed or dropped, and every event was delivered.</summary>
    private bool IsFinished => _pipeline.Completion.IsCompleted && _pipeline.Events.Count == 0 && Volatile.Read(ref _delivering) == 0;

    /// <summary>Starts decoding, analysis, event delivery and the latest-picture refresh. Call once.</summary>
    public void Start()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_started)
        {
            throw new InvalidOperationException($"Camera {CameraId}: analysis already started.");
        }

        _pipeline.SourceStopped += OnSourceStopped;
        _scheduler.Attach(_pipeline);
        var stop = _stop.Token;
        _source = Task.Run(() => _pipeline.RunSourceAsync(stop), CancellationToken.None);
        _pump = Task.Run(PumpAsync, CancellationToken.None);
        if (_options.LatestPictureInterval is { } interval)
        {
            _pictures = Task.Run(() => RefreshPicturesAsync(interval, stop), CancellationToken.None);
        }

        _started = true;
    }

    /// <summary>
    /// Stops the stream, lets frames already decoded be analysed and their events delivered (up to
    /// <see cref="CameraAnalysisOptions.DrainTimeout"/>; what is left after that is dropped and counted as refused),
    /// then disposes the pipeline.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        await _source.ConfigureAwait(false); // RunSourceAsync swallows its own cancellation.
        await _pictures.ConfigureAwait(false);
        // A safety limit on shutdown, not logic: real time, so a host on a fake clock cannot hang here.
        await Task.WhenAny(_pipeline.Completion, Task.Delay(_options.DrainTimeout, TimeProvider.System, CancellationToken.None)).ConfigureAwait(false);
        _pipeline.SourceStopped -= OnSourceStopped;
        _disposed = true;
        _pipeline.Dispose(); // Completes the event channel: the pump delivers what is left and ends.
        _drain.CancelAfter(_options.DrainTimeout);
        await _pump.ConfigureAwait(false);
        var left = 0;
        while (_pipeline.Events.TryRead(out _))
        {
            left++;
        }

        Interlocked.Add(ref _refused, left);
        _stop.Dispose();
        _drain.Dispose();
    }

    private void OnSourceStopped(object? sender, FrameSourceStop stop)
    {
        lock (_stop)
        {
            _lastStop = stop;
            _lastStopAt = _time.GetUtcNow();
            _decodedAtStop = _pipeline.Counters.FramesDecoded;
        }
    }

    private async Task PumpAsync()
    {
        var events = _pipeline.Events;
        try
        {
            while (await events.WaitToReadAsync(_drain.Token).ConfigureAwait(false))
            {
                // Counted as delivering before it leaves the channel, so "finished" never misses an event in hand.
                Interlocked.Increment(ref _delivering);
                try
                {
                    if (events.TryRead(out var visionEvent))
                    {
                        await DeliverAsync(visionEvent).ConfigureAwait(false);
                    }
                }
                finally
                {
                    Interlocked.Decrement(ref _delivering);
                }
            }
        }
        catch (OperationCanceledException) when (_drain.IsCancellationRequested)
        {
            // Drain time is up; the rest is counted as refused by DisposeAsync.
        }
    }

    private async Task DeliverAsync(Events.VisionEvent visionEvent)
    {
        var jpeg = _options.SnapshotOnEvents ? Snapshot() : null;
        if (_options.SnapshotOnEvents && jpeg is null)
        {
            Interlocked.Increment(ref _snapshotFailures);
        }

        bool delivered;
        try
        {
            delivered = await _sink.PublishAsync(visionEvent, jpeg, _drain.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The sink is the host's code (ingest, outbox); one failing event must not end the camera's events.
            LogSinkFailed(_logger, ex, CameraId, visionEvent.Kind);
            delivered = false;
        }

        Interlocked.Increment(ref delivered ? ref _published : ref _refused);
    }

    private byte[]? Snapshot()
    {
        try
        {
            return _pipeline.SnapshotJpeg(_options.SnapshotQuality);
        }
        catch (OpenCVException ex)
        {
            LogSnapshotFailed(_logger, ex, CameraId);
            return null;
        }
    }

    private static readonly TimeSpan FirstPicturePoll = TimeSpan.FromMilliseconds(100);

    private async Task RefreshPicturesAsync(TimeSpan interval, CancellationToken stop)
    {
        // Until the first picture is kept, look often: a camera wall should not stay blank for a whole interval after
        // a start, and a short recording analysed whole may end before the first interval has passed.
        var wait = interval < FirstPicturePoll ? interval : FirstPicturePoll;
        var lastAnalysed = 0L;
        try
        {
            while (true)
            {
                await Task.Delay(wait, _time, stop).ConfigureAwait(false);
                var analysed = _pipeline.Counters.FramesAnalysed;
                if (analysed == lastAnalysed)
                {
                    continue; // Nothing new (camera down): the last picture stays.
                }

                lastAnalysed = analysed;
                wait = interval;
                if (Snapshot() is { } jpeg)
                {
                    try
                    {
                        _sink.SetLatestPicture(CameraId, _time.GetUtcNow(), jpeg);
                    }
                    catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
                    {
                        LogPictureFailed(_logger, ex, CameraId);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Camera {CameraId}: delivering a {Kind} event failed; it is counted as refused")]
    private static partial void LogSinkFailed(ILogger logger, Exception exception, string cameraId, Events.VisionEventKind kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Camera {CameraId}: encoding a snapshot failed")]
    private static partial void LogSnapshotFailed(ILogger logger, Exception exception, string cameraId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Camera {CameraId}: keeping the latest picture failed")]
    private static partial void LogPictureFailed(ILogger logger, Exception exception, string cameraId);
}
