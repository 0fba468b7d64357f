using Polly;
using SmartCommunity.Resilience;
using SmartCommunity.TimeSeries;
using SmartCommunity.TimeSeries.Points;
using SmartCommunity.TimeSeries.Storage;
using SmartCommunity.TimeSeries.Writing;

namespace SmartCommunity.Gateway.TimeSeries;

/// <summary>
/// <see cref="IPointWriter"/> for the embedded store, so producers see one non-blocking interface whatever the mode.
/// A <see cref="BatchingWorker{T}"/> (bounded by <c>TimeSeries:EmbeddedBufferLimit</c>) writes whatever is waiting
/// as one SQLite transaction: batches grow by themselves under load. <see cref="TryWrite"/> refuses and counts a
/// point when the buffer is full (telemetry is not worth holding a producer for). A failed transaction is tried three
/// times on the project's retry policy, then its points are dropped and counted in
/// <see cref="TimeSeriesCounters.DroppedRejected"/> (the store refused them).
/// </summary>
public sealed class EmbeddedPointWriter : IPointWriter, IBatchTarget<Point>
{
    private const int MaxBatch = 5_000;
    private const int Attempts = 3;

    private readonly BatchingWorker<Point> _worker;
    private readonly ITimeSeriesStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger<EmbeddedPointWriter> _logger;
    private readonly ResiliencePipeline<bool> _retry;
    private readonly int _limit;
    private readonly Task _loop;
    private long _added;
    private long _written;
    private long _inFlight;
    private long _droppedBufferFull;
    private long _droppedRejected;
    private long _durableRefused;
    private long _retries;
    private long _errors;
    private string? _lastError;

    public EmbeddedPointWriter(ITimeSeriesStore store, int bufferLimit, TimeProvider time, ILogger<EmbeddedPointWriter> logger)
    {
        _store = store;
        _time = time;
        _logger = logger;
        _limit = bufferLimit;
        _retry = Retry.Pipeline<bool>(new Backoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(400)), Attempts,
            outcome => outcome.Exception is { } ex && ex is not OutOfMemoryException, time, (_, outcome, _) =>
            {
                Interlocked.Increment(ref _errors);
                Interlocked.Increment(ref _retries);
                Volatile.Write(ref _lastError, outcome.Exception?.Message);
            });
        _worker = new BatchingWorker<Point>(this, "Time-series points", bufferLimit, MaxBatch);
        _loop = Task.Run(() => _worker.RunAsync(CancellationToken.None));
    }

    public bool TryWrite(Point point)
    {
        ArgumentNullException.ThrowIfNull(point);
        point.Validate();
        point.At(point.Timestamp ?? _time.GetUtcNow());
        if (_worker.TryAdd(point))
        {
            Interlocked.Increment(ref _added);
            return true;
        }

        Interlocked.Increment(ref point.Durability == Durability.Durable ? ref _durableRefused : ref _droppedBufferFull);
        return false;
    }

    public async ValueTask WriteAsync(Point point, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(point);
        point.Validate();
        point.At(point.Timestamp ?? _time.GetUtcNow());
        await _worker.AddAsync(point, cancellationToken);
        Interlocked.Increment(ref _added);
    }

    public Task FlushAsync(CancellationToken cancellationToken = default) => _worker.FlushAsync(cancellationToken);

    public TimeSeriesCounters GetCounters() => new()
    {
        BufferSize = _worker.Queued + Interlocked.Read(ref _inFlight),
        BufferLimit = _limit,
        PointsAdded = Interlocked.Read(ref _added),
        PointsWritten = Interlocked.Read(ref _written),
        DroppedBufferFull = Interlocked.Read(ref _droppedBufferFull),
        DroppedRejected = Interlocked.Read(ref _droppedRejected),
        DurableRefused = Interlocked.Read(ref _durableRefused),
        Retries = Interlocked.Read(ref _retries),
        Errors = Interlocked.Read(ref _errors),
        LastError = Volatile.Read(ref _lastError),
    };

    /// <summary>
    /// Drains what is queued into the store, then stops. Every caller waits for the same drain (the host may be
    /// stopped twice at once; an early return would let the second caller think the store is written).
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        _worker.Complete();
        await _loop;
    }

    async Task IBatchTarget<Point>.WriteAsync(IReadOnlyList<Point> batch, CancellationToken stopping)
    {
        Interlocked.Exchange(ref _inFlight, batch.Count);
        try
        {
            await _retry.ExecuteAsync(async cancellationToken =>
            {
                await _store.WriteAsync(batch, cancellationToken);
                return true;
            }, stopping);
            Interlocked.Add(ref _written, batch.Count);
            Volatile.Write(ref _lastError, null);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Refused three times: dropped and counted here, so a flush still completes (the points are not replayed).
            Interlocked.Increment(ref _errors);
            Volatile.Write(ref _lastError, ex.Message);
            Interlocked.Add(ref _droppedRejected, batch.Count);
            _logger.LogError(ex, "The embedded time-series store refused {Count} points; they are dropped", batch.Count);
        }
        finally
        {
            Interlocked.Exchange(ref _inFlight, 0);
        }
    }

    void IBatchTarget<Point>.Failed(IReadOnlyList<Point> batch, Exception exception)
    {
        // Not reached: WriteAsync deals with every failure itself.
    }
}
