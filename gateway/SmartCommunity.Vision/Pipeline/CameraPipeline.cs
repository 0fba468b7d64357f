using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenCvSharp;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;
using SmartCommunity.Resilience;
using SmartCommunity.Vision.Detection;
using SmartCommunity.Vision.Events;
using SmartCommunity.Vision.Frames;
using SmartCommunity.Vision.Lines;
using SmartCommunity.Vision.Motion;
using SmartCommunity.Vision.Sources;
using SmartCommunity.Vision.Tracking;
using SmartCommunity.Vision.Zones;

namespace SmartCommunity.Vision.Pipeline;

/// <summary>
/// One camera: source → queue of 2 → motion → (on motion) detector → tracker → zones and lines → events.
/// <see cref="RunSourceAsync"/> decodes; a <see cref="PipelineScheduler"/> worker (or the caller of
/// <see cref="AnalyseNext"/>) analyses, one frame at a time per camera.
/// </summary>
public sealed partial class CameraPipeline : IDisposable
{
    private readonly CameraPipelineOptions _options;
    private readonly IFrameSource _source;
    private readonly IObjectDetector? _detector;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly FramePool _pool;
    private readonly Channel<Frame> _queue;
    private readonly Channel<VisionEvent> _events;
    private readonly MotionDetector _motion;
    private readonly ObjectTracker _tracker;
    private readonly ZoneMonitor[] _zones;
    private readonly LineCounter[] _lines;
    private readonly List<DetectedObject> _detections = [];
    private readonly List<Rect> _regions = [];
    private readonly List<Rect> _objects = [];
    private readonly List<VisionEvent> _raised = [];
    private readonly FrameSnapshot _snapshot;
    // Free queue places when the source waits instead of dropping (WaitWhenBehind); null otherwise. Never disposed:
    // it has no wait handle, and a frame finishing after Dispose still releases its place.
    private readonly SemaphoreSlim? _slots;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _decoded, _analysed, _dropped, _detectorRuns, _eventsDropped, _restarts, _errors;
    private long _pending;
    private volatile bool _sourceDone;
    private bool _disposed;

    // Held while a frame is analysed and while disposing, so a camera removed while a scheduler worker is inside
    // its native OpenCV calls is disposed only after that frame (uncontended: a few ns, no allocation).
    private readonly Lock _analysisLock = new();
    internal int Scheduled;

    public CameraPipeline(CameraPipelineOptions options, IFrameSource source, IObjectDetector? detector = null, TimeProvider? time = null, ILogger<CameraPipeline>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(source);
        options.Validate();
        _options = options;
        _source = source;
        _detector = detector;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        var (width, height, format) = source.Shape;
        _pool = new FramePool(width, height, format, maxRetained: options.QueueCapacity + 4);
        _snapshot = new FrameSnapshot(width, height, format);
        _queue = Channel.CreateBounded<Frame>(
            new BoundedChannelOptions(options.QueueCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleWriter = true },
            OnFrameDropped);
        _events = Channel.CreateBounded<VisionEvent>(
            new BoundedChannelOptions(options.EventCapacity) { FullMode = BoundedChannelFullMode.DropOldest },
            _ => Interlocked.Increment(ref _eventsDropped));
        _slots = options.WaitWhenBehind ? new SemaphoreSlim(options.QueueCapacity) : null;
        _motion = new MotionDetector(options.Motion);
        _tracker = new ObjectTracker(options.Tracker) { Frame = new Rect(0, 0, width, height) };
        _zones = [.. options.Zones.Select(z => new ZoneMonitor(z))];
        _lines = [.. options.Lines.Select(l => new LineCounter(l))];
    }

    public string CameraId => _options.CameraId;

    /// <summary>Events in order; read them (e.g. <c>await foreach (var e in pipeline.Events.ReadAllAsync())</c>).</summary>
    public ChannelReader<VisionEvent> Events => _events.Reader;

    public IReadOnlyList<ZoneMonitor> Zones => _zones;

    /// <summary>Counting lines with their running in/out totals (read from any thread; updated by analysis).</summary>
    public IReadOnlyList<LineCounter> Lines => _lines;

    public FramePool Pool => _pool;

    public FrameSourceStop? LastSourceStop => _source.LastStop;

    /// <summary>Completes once the source has ended for good and every frame it gave was analysed or dropped.</summary>
    public Task Completion => _completion.Task;

    public CameraCounters Counters => new(
        Interlocked.Read(ref _decoded), Interlocked.Read(ref _analysed), Interlocked.Read(ref _dropped), Interlocked.Read(ref _detectorRuns),
        Interlocked.Read(ref _eventsDropped), Interlocked.Read(ref _restarts), Interlocked.Read(ref _errors));

    /// <summary>Raised (on the decode task) each time the source stops before a restart is scheduled, for health
    /// reporting; carries why it stopped.</summary>
    public event EventHandler<FrameSourceStop>? SourceStopped;

    internal bool HasPendingFrames => _queue.Reader.Count > 0;

    internal Action<CameraPipeline>? FrameReady { get; set; }

    /// <summary>Hands a decoded frame to analysis. Never blocks: a full queue drops its oldest frame.</summary>
    public void Enqueue(Frame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        Interlocked.Increment(ref _decoded);
        Interlocked.Increment(ref _pending);
        if (!_queue.Writer.TryWrite(frame))
        {
            OnFrameDropped(frame); // Should be rare: the queue was completed (pipeline disposed).
            return;
        }

        FrameReady?.Invoke(this);
    }

    /// <summary>Analyses the oldest waiting frame, if any. One caller at a time (the scheduler guarantees it).</summary>
    public bool AnalyseNext()
    {
        lock (_analysisLock)
        {
            return !_disposed && AnalyseNextLocked();
        }
    }

    private bool AnalyseNextLocked()
    {
        if (!_queue.Reader.TryRead(out var frame))
        {
            return false;
        }

        try
        {
            Analyse(frame);
        }
        catch (Exception ex) when (ex is OpenCVException or OpenCvSharpException or InvalidOperationException or ArgumentException)
        {
            Interlocked.Increment(ref _errors);
            LogAnalysisFailed(_logger, ex, CameraId, frame.Sequence);
        }
        finally
        {
            frame.Release();
            FrameDone();
        }

        return true;
    }

    /// <summary>Runs the source until cancelled, restarting it after the project's <see cref="Backoff"/> when it fails
    /// (or ends, if configured).</summary>
    public async Task RunSourceAsync(CancellationToken cancellationToken)
    {
        var backoff = new BackoffCounter(new Backoff(_options.RestartDelay, _options.MaxRestartDelay));
        FrameSourceException? failure = null;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    await foreach (var frame in _source.ReadFramesAsync(_pool, cancellationToken).ConfigureAwait(false))
                    {
                        if (_slots is not null && !_slots.Wait(0, CancellationToken.None))
                        {
                            await WaitForSlotAsync(frame, cancellationToken).ConfigureAwait(false);
                        }

                        Enqueue(frame);
                        backoff.Reset(); // Frames came: the source works, the next failure starts from the first step.
                    }

                    if (!_options.RestartAtEndOfStream)
                    {
                        return;
                    }
                }
                catch (FrameSourceException ex)
                {
                    failure = ex;
                }

                var delay = backoff.Next();
                if (failure is not null)
                {
                    LogSourceFailed(_logger, CameraId, failure.Stop.Reason, failure.Stop.Detail, delay.TotalSeconds);
                    failure = null;
                }

                Interlocked.Increment(ref _restarts);
                var wait = Task.Delay(delay, _time, cancellationToken); // Timer first, so listeners see it armed.
                if (_source.LastStop is { } stop)
                {
                    SourceStopped?.Invoke(this, stop);
                }

                await wait.ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping is not a failure.
        }
        finally
        {
            _sourceDone = true;
            CompleteIfIdle();
        }
    }

    private async Task WaitForSlotAsync(Frame frame, CancellationToken cancellationToken)
    {
        try
        {
            await _slots!.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            frame.Release();
            throw;
        }
    }

    /// <summary>The latest analysed frame as JPEG, or null before the first frame.</summary>
    public byte[]? SnapshotJpeg(int quality = 80) => _snapshot.Encode(quality);

    private void Analyse(Frame frame)
    {
        var now = frame.Timestamp;
        _raised.Clear();
        var motion = _motion.Detect(frame);
        if (motion.Started)
        {
            _raised.Add(new VisionEvent(VisionEventKind.MotionStart, CameraId, now, Box: motion.Boxes.IsEmpty ? null : motion.Boxes[0]));
        }
        else if (motion.Ended)
        {
            _raised.Add(new VisionEvent(VisionEventKind.MotionEnd, CameraId, now));
        }

        if (motion.Calibrating)
        {
            // Relearning the background after a brightness jump says nothing about objects: tracks wait, their
            // predictions run on, and a walker who crossed meanwhile is counted when seen again on the other side.
            _tracker.Coast();
        }
        else
        {
            Track(motion, frame, now);
        }

        foreach (var e in _raised)
        {
            _events.Writer.TryWrite(e); // DropOldest: always accepted; overflow is counted by the drop callback.
        }

        _snapshot.Keep(frame);
        Interlocked.Increment(ref _analysed);
    }

    /// <summary>Motion regions grouped into objects start and move tracks; the detector (if any) searches the objects
    /// and the live tracks (a person who stops moving, standing in the water, must still be seen) and classifies.</summary>
    private void Track(MotionResult motion, Frame frame, DateTimeOffset now)
    {
        _objects.Clear();
        _objects.AddRange(motion.Boxes);
        var grouped = MotionGrouping.Group(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_objects));
        _objects.RemoveRange(grouped, _objects.Count - grouped);
        var tracks = _tracker.Tracks;
        if (_objects.Count == 0 && tracks.Count == 0)
        {
            return; // A still scene: nothing to follow, nothing to search.
        }

        _detections.Clear();
        if (_detector is not null)
        {
            _regions.Clear();
            _regions.AddRange(_objects);
            for (var i = 0; i < tracks.Count; i++)
            {
                _regions.Add(tracks[i].Box); // Indexed: foreach over the interface would allocate an enumerator per frame.
            }

            Interlocked.Increment(ref _detectorRuns);
            _detector.Detect(frame.Luma, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_regions), _detections);
        }

        _tracker.Update(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_objects), System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_detections), now);
        foreach (var zone in _zones)
        {
            zone.Update(_tracker.Tracks, _tracker.Removed, now, CameraId, _raised);
        }

        foreach (var line in _lines)
        {
            line.Update(_tracker.Tracks, _tracker.Removed, now, CameraId, _raised);
        }
    }

    private void OnFrameDropped(Frame frame)
    {
        Interlocked.Increment(ref _dropped);
        frame.Release();
        FrameDone();
    }

    private void FrameDone()
    {
        _slots?.Release();
        Interlocked.Decrement(ref _pending);
        CompleteIfIdle();
    }

    private void CompleteIfIdle()
    {
        if (_sourceDone && Interlocked.Read(ref _pending) == 0)
        {
            _completion.TrySetResult();
        }
    }

    public void Dispose()
    {
        lock (_analysisLock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        _queue.Writer.TryComplete();
        while (_queue.Reader.TryRead(out var frame))
        {
            frame.Release();
        }

        _events.Writer.TryComplete();
        _motion.Dispose();
        _snapshot.Dispose();
        _pool.Dispose();
        (_detector as IDisposable)?.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Camera {CameraId}: source stopped ({Reason}: {Detail}); restarting in {DelaySeconds} s")]
    private static partial void LogSourceFailed(ILogger logger, string cameraId, FrameSourceStopReason reason, string detail, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Camera {CameraId}: analysis of frame {Sequence} failed")]
    private static partial void LogAnalysisFailed(ILogger logger, Exception exception, string cameraId, long sequence);
}
