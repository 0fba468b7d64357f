using System.Threading.Channels;
using SmartCommunity.TimeSeries;
using SmartCommunity.TimeSeries.Points;
using SmartCommunity.TimeSeries.Storage;
using SmartCommunity.TimeSeries.Writing;

namespace SmartCommunity.Gateway.TimeSeries;

/// <summary>
/// <see cref="IPointWriter"/> for the embedded store, so producers see one non-blocking interface whatever the mode.
/// A bounded channel (<c>TimeSeries:EmbeddedBufferLimit</c>) feeds one loop that writes whatever is waiting as one
/// SQLite transaction: batches grow by themselves under load. A failed transaction is tried three times, then its
/// points are dropped and counted in <see cref="TimeSeriesCounters.DroppedRejected"/> (the store refused them).
/// </summary>
public sealed class EmbeddedPointWriter : IPointWriter
{
    private const int MaxBatch = 5_000;
    private const int Attempts = 3;

    private readonly Channel<Item> _channel;
    private readonly ITimeSeriesStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger<EmbeddedPointWriter> _logger;
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
        _channel = Channel.CreateBounded<Item>(new BoundedChannelOptions(bufferLimit) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _loop = Task.Run(LoopAsync);
    }

    public bool TryWrite(Point point)
    {
        ArgumentNullException.ThrowIfNull(point);
        point.Validate();
        point.At(point.Timestamp ?? _time.GetUtcNow());
        if (_channel.Writer.TryWrite(new Item(point, null)))
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
        await _channel.Writer.WriteAsync(new Item(point, null), cancellationToken);
        Interlocked.Increment(ref _added);
    }

    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_channel.Writer.TryWrite(new Item(null, done)))
        {
            await _channel.Writer.WriteAsync(new Item(null, done), cancellationToken);
        }

        await done.Task.WaitAsync(cancellationToken);
    }

    public TimeSeriesCounters GetCounters() => new()
    {
        BufferSize = _channel.Reader.Count + Interlocked.Read(ref _inFlight),
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
        _channel.Writer.TryComplete();
        await _loop;
    }

    private async Task LoopAsync()
    {
        var batch = new List<Point>(MaxBatch);
        var flushes = new List<TaskCompletionSource>();
        while (await _channel.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && _channel.Reader.TryRead(out var item))
            {
                if (item.Point is { } point)
                {
                    batch.Add(point);
                }
                else
                {
                    flushes.Add(item.Flushed!);
                    break; // A flush marker ends the batch: everything before it goes now.
                }
            }

            Interlocked.Exchange(ref _inFlight, batch.Count);
            await WriteBatchAsync(batch);
            Interlocked.Exchange(ref _inFlight, 0);
            batch.Clear();
            foreach (var flushed in flushes)
            {
                flushed.TrySetResult();
            }

            flushes.Clear();
        }
    }

    private async Task WriteBatchAsync(List<Point> batch)
    {
        if (batch.Count == 0)
        {
            return;
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await _store.WriteAsync(batch);
                Interlocked.Add(ref _written, batch.Count);
                Volatile.Write(ref _lastError, null);
                return;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Interlocked.Increment(ref _errors);
                Volatile.Write(ref _lastError, ex.Message);
                if (attempt == Attempts)
                {
                    Interlocked.Add(ref _droppedRejected, batch.Count);
                    _logger.LogError(ex, "The embedded time-series store refused {Count} points; they are dropped", batch.Count);
                    return;
                }

                Interlocked.Increment(ref _retries);
                await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt), _time);
            }
        }
    }

    private readonly record struct Item(Point? Point, TaskCompletionSource? Flushed);
}
