using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SmartCommunity.TimeSeries.LineProtocol;
using SmartCommunity.TimeSeries.Points;
using SmartCommunity.TimeSeries.Spool;

namespace SmartCommunity.TimeSeries.Writing;

/// <summary>
/// Batches points to InfluxDB over HTTP, in the shape of Serilog's BatchingSink: producers <c>TryWrite</c> into a
/// bounded channel and never block; one loop encodes, batches by size (<see cref="InfluxOptions.BatchSize"/>) or time
/// (<see cref="InfluxOptions.FlushInterval"/>), sends, and on failure moves batches to a bounded on-disk spool that
/// it replays oldest first once InfluxDB answers again. Disposing drains the queue (send if healthy, else spool).
/// </summary>
/// <remarks>
/// Delivery: a batch leaves the spool only after the server answered it (2xx, or 400 for its bad lines), so an outage
/// loses nothing and resends nothing the server acknowledged. The one edge left is a request the server stored but whose
/// answer was lost (timeout, connection reset): it is sent again. InfluxDB overwrites a point with the same series and
/// timestamp, so that resend is idempotent because every point carries a fixed timestamp (the writer stamps points that
/// have none when it accepts them). Points still in memory when the process is killed (not disposed) are lost; durable
/// batches are written to the spool (fsync) before they are sent to narrow that window.
/// </remarks>
public sealed partial class InfluxWriter : IPointWriter
{
    /// <summary>InfluxDB 1.x refuses bodies over 25 MB by default (<c>max-body-size</c>); stay well below.</summary>
    internal const int MaxBatchBytes = 8 * 1024 * 1024;

    private readonly InfluxOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly InfluxWriteTransport _transport;
    private readonly DiskSpool _spool;
    private readonly Channel<Point> _channel;
    private readonly Batch _telemetry = new(Durability.Telemetry);
    private readonly Batch _durable = new(Durability.Durable);
    private readonly Batch[] _batches;
    private readonly PooledBufferWriter _replayBuffer = new();
    private readonly Queue<StalledBatch> _stalled = new();
    private readonly ConcurrentQueue<(long Target, TaskCompletionSource Done)> _flushWaiters = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;

    private TaskCompletionSource _wake = NewSignal();
    private TaskCompletionSource? _disposal;
    private volatile bool _stopRequested;
    private DateTimeOffset _nextAttemptAt;
    private int _consecutiveFailures;
    private bool _inOutage;
    private bool _evictionReported;
    private long _dequeued;
    private long _signalAt;
    private long _stalledLines;
    private Task<WriteOutcome>? _inFlight;
    private PooledBufferWriter? _inFlightBody;
    private PooledBufferWriter? _spareBuffer;
    private int _inFlightLines;

    private long _added;
    private long _written;
    private long _droppedBufferFull;
    private long _droppedSpoolFull;
    private long _droppedRejected;
    private long _durableRefused;
    private long _retries;
    private long _errors;
    private long _configErrors;
    private string? _lastError;

    public InfluxWriter(InfluxOptions options, HttpClient? httpClient = null, TimeProvider? timeProvider = null, ILogger<InfluxWriter>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _spool = new DiskSpool(options.SpoolDirectory!, options.SpoolLimitBytes, options.FsyncDurableBatches); // first: it may refuse (folder in use)
        _ownsHttp = httpClient is null;
        _http = httpClient ?? new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = Timeout.InfiniteTimeSpan };
        _transport = new InfluxWriteTransport(_http, options, _time);
        _nextAttemptAt = _time.GetUtcNow();
        _batches = [_durable, _telemetry];
        _signalAt = options.BatchSize;
        _channel = Channel.CreateBounded<Point>(new BoundedChannelOptions(options.BufferLimit)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait, // TryWrite returns false when full; WriteAsync waits.
        });
        if (_spool.DamagedFiles > 0)
        {
            _logger.LogError("{Files} InfluxDB spool files were not the writer's and were set aside (*.lp.damaged): {Reason}", _spool.DamagedFiles, _spool.LastDamage);
        }

        if (!_spool.IsEmpty)
        {
            _logger.LogInformation("InfluxDB spool {Directory} holds {Points} points in {Files} files from an earlier run; replaying them first.", options.SpoolDirectory, _spool.Points, _spool.Files);
        }

        _loop = Task.Run(RunAsync);
    }

    public bool TryWrite(Point point)
    {
        Accepting(point);
        if (_channel.Writer.TryWrite(point))
        {
            Added();
            return true;
        }

        if (point.Durability == Durability.Durable)
        {
            Interlocked.Increment(ref _durableRefused);
        }
        else
        {
            Interlocked.Increment(ref _droppedBufferFull);
        }

        return false;
    }

    public ValueTask WriteAsync(Point point, CancellationToken cancellationToken = default)
    {
        Accepting(point);
        if (!cancellationToken.IsCancellationRequested && _channel.Writer.TryWrite(point))
        {
            // The common case, room in the buffer: no async state machine per point.
            Added();
            return ValueTask.CompletedTask;
        }

        return WaitToWriteAsync(point, cancellationToken);
    }

    private async ValueTask WaitToWriteAsync(Point point, CancellationToken cancellationToken)
    {
        await _channel.Writer.WriteAsync(point, cancellationToken);
        Added();
    }

    public Task FlushAsync(CancellationToken cancellationToken = default)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _flushWaiters.Enqueue((Interlocked.Read(ref _added), done));
        Signal();
        return done.Task.WaitAsync(cancellationToken);
    }

    public TimeSeriesCounters GetCounters() => new()
    {
        BufferSize = _channel.Reader.Count + _telemetry.PendingLines + _durable.PendingLines + Volatile.Read(ref _inFlightLines) + Interlocked.Read(ref _stalledLines),
        BufferLimit = _options.BufferLimit,
        PointsAdded = Interlocked.Read(ref _added),
        PointsWritten = Interlocked.Read(ref _written),
        DroppedBufferFull = Interlocked.Read(ref _droppedBufferFull),
        DroppedSpoolFull = Interlocked.Read(ref _droppedSpoolFull),
        DroppedRejected = Interlocked.Read(ref _droppedRejected),
        DurableRefused = Interlocked.Read(ref _durableRefused),
        Retries = Interlocked.Read(ref _retries),
        Errors = Interlocked.Read(ref _errors),
        ConfigErrors = Interlocked.Read(ref _configErrors),
        SpoolBytes = _spool.Bytes,
        SpoolPoints = _spool.Points,
        SpoolFiles = _spool.Files,
        SpoolDamagedFiles = _spool.DamagedFiles,
        LastError = Volatile.Read(ref _lastError),
    };

    /// <summary>Points not yet picked up by the loop (tests wait on it before moving a fake clock).</summary>
    internal int QueuedInChannel => _channel.Reader.Count;

    /// <summary>
    /// Drains the queue (send if healthy, else spool) and releases the spool and its lock. Every caller waits for the
    /// same drain: a host can be stopped twice at once (a WebApplication's own RunAsync and whoever else calls
    /// StopAsync), and a second call that returned early would let a restarted writer find the spool still locked.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        var mine = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (Interlocked.CompareExchange(ref _disposal, mine, null) is { } first)
        {
            await first.Task;
            return;
        }

        try
        {
            await DrainAndReleaseAsync();
        }
        finally
        {
            mine.SetResult();
        }
    }

    private async Task DrainAndReleaseAsync()
    {
        _stopRequested = true;
        _channel.Writer.TryComplete();
        await _stopping.CancelAsync();
        Signal();
        try
        {
            await _loop;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Should be rare: the loop failed while draining. The spool (and its lock) must still be released,
            // or the next writer on this folder — a restarted gateway — could not start.
            _logger.LogError(ex, "The InfluxDB writer's loop failed while stopping");
        }
        finally
        {
            _transport.Dispose();
            _spool.Dispose();
            _telemetry.Dispose();
            _durable.Dispose();
            _replayBuffer.Dispose();
            _spareBuffer?.Dispose();
            _stopping.Dispose();
            if (_ownsHttp)
            {
                _http.Dispose();
            }
        }
    }

    private void Accepting(Point point)
    {
        ArgumentNullException.ThrowIfNull(point);
        point.Validate();
        ObjectDisposedException.ThrowIf(_stopRequested, this);
        if (point.Timestamp is null)
        {
            // A fixed timestamp makes a resend after a lost answer overwrite instead of duplicate.
            point.At(_time.GetUtcNow());
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void Signal() => Volatile.Read(ref _wake).TrySetResult();

    /// <summary>
    /// Wakes the loop only when a full batch is waiting: an idle loop listens on the channel itself, and a loop with a
    /// partial batch sleeps until its deadline. Waking per point would cost more than encoding it.
    /// </summary>
    private void Added()
    {
        if (Interlocked.Increment(ref _added) >= Volatile.Read(ref _signalAt))
        {
            Signal();
        }
    }

    private sealed record StalledBatch(byte[] Bytes, int Lines);
}
