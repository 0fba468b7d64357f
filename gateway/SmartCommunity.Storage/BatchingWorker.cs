using System.Threading.Channels;

namespace SmartCommunity.Storage;

/// <summary>Where a <see cref="BatchingWorker{T}"/> delivers its batches: one feature's store.</summary>
public interface IBatchTarget<T>
{
    /// <summary>
    /// Stores one batch (one transaction) and applies what follows from it (alarms, flags). An unreachable database
    /// is waited out inside, through <see cref="StoreRetry"/> with <paramref name="stopping"/>; an exception means the
    /// batch is not stored, and goes to <see cref="Failed"/>.
    /// </summary>
    Task WriteAsync(IReadOnlyList<T> batch, CancellationToken stopping);

    /// <summary>The batch was not stored: count and log it (it stays in the ingest journal for replay).</summary>
    void Failed(IReadOnlyList<T> batch, Exception exception);
}

/// <summary>
/// The hot-path stores' one batching loop, in the spirit of Serilog's <c>BatchingSink</c>. Producers (ingest workers)
/// <see cref="Add"/> to a bounded queue and never do I/O. One loop takes what has queued, up to <c>maxBatch</c>, and
/// hands it to the <see cref="IBatchTarget{T}"/>: under load, batches grow by themselves; when idle, an item goes at
/// once (no timer adds latency to a door alarm).
/// <list type="bullet">
/// <item>Queue full: the producer waits for room (<see cref="BoundedChannelFullMode.Wait"/>) and the wait is counted
/// (<c>onQueueFull</c>). The broker then holds back PUBACKs, so back-pressure reaches the devices; an acknowledged
/// item is never dropped here.</item>
/// <item>Failure: the target backs off through <see cref="StoreRetry"/> while the database is away; a batch it gives
/// up on is counted by the target, and the next <see cref="FlushAsync"/> fails, so the ingest checkpoint keeps it
/// for replay.</item>
/// <item>Stop: what is still queued is written (each batch tried once more, without waiting).</item>
/// <item>A target may also deal with a failure itself (the time-series store drops and counts a batch it refused
/// three times); the worker then sees a written batch.</item>
/// </list>
/// </summary>
public sealed class BatchingWorker<T>
{
    private readonly Channel<Entry> _queue;
    private readonly IBatchTarget<T> _target;
    private readonly int _maxBatch;
    private readonly string _what;
    private readonly Action? _onQueueFull;
    private bool _failedSinceFlush;

    /// <param name="what">What is stored, for a failed flush's message (<c>Door events</c>).</param>
    public BatchingWorker(IBatchTarget<T> target, string what, int capacity, int maxBatch, Action? onQueueFull = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        _target = target;
        _what = what;
        _maxBatch = maxBatch;
        _onQueueFull = onQueueFull;
        _queue = Channel.CreateBounded<Entry>(new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    }

    /// <summary>Items waiting (not yet handed to the target).</summary>
    public int Queued => _queue.Reader.Count;

    /// <summary>Queues an item; when the queue is full, holds the caller until there is room.</summary>
    public void Add(T item)
    {
        if (!_queue.Writer.TryWrite(new Entry(item, null)))
        {
            _onQueueFull?.Invoke();
            _queue.Writer.WriteAsync(new Entry(item, null)).AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>Queues an item if there is room; false (the caller counts it) when the queue is full.</summary>
    public bool TryAdd(T item) => _queue.Writer.TryWrite(new Entry(item, null));

    /// <summary>Queues an item, waiting asynchronously for room.</summary>
    public ValueTask AddAsync(T item, CancellationToken cancellationToken = default) => _queue.Writer.WriteAsync(new Entry(item, null), cancellationToken);

    /// <summary>Takes nothing more: <see cref="RunAsync"/> ends once what is queued is written (a writer that drains on dispose).</summary>
    public void Complete() => _queue.Writer.TryComplete();

    /// <summary>Completes when everything queued before the call is stored; throws when a batch failed since the last flush.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await _queue.Writer.WriteAsync(new Entry(default!, done), cancellationToken).ConfigureAwait(false);
        await done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The loop: runs until <paramref name="stopping"/> is cancelled (or <see cref="Complete"/> is called), then writes what is still queued.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        var batch = new List<T>(_maxBatch);
        var flushes = new List<TaskCompletionSource>();
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stopping).ConfigureAwait(false))
            {
                await WriteNextAsync(batch, flushes, stopping).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            while (_queue.Reader.Count > 0)
            {
                await WriteNextAsync(batch, flushes, stopping).ConfigureAwait(false);
            }
        }
    }

    private async Task WriteNextAsync(List<T> batch, List<TaskCompletionSource> flushes, CancellationToken stopping)
    {
        while (batch.Count < _maxBatch && _queue.Reader.TryRead(out var entry))
        {
            if (entry.Flushed is { } done)
            {
                flushes.Add(done);
                break; // A flush ends the batch: everything before it goes now.
            }

            batch.Add(entry.Item);
        }

        if (batch.Count > 0)
        {
            try
            {
                await _target.WriteAsync(batch, stopping).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                _failedSinceFlush = true;
                _target.Failed(batch, ex);
            }

            batch.Clear();
        }

        foreach (var done in flushes)
        {
            if (_failedSinceFlush)
            {
                done.TrySetException(new IOException($"{_what} could not be stored."));
            }
            else
            {
                done.TrySetResult();
            }

            _failedSinceFlush = false;
        }

        flushes.Clear();
    }

    private readonly record struct Entry(T Item, TaskCompletionSource? Flushed);
}
