using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using SmartCommunity.TimeSeries.LineProtocol;
using SmartCommunity.TimeSeries.Points;
using SmartCommunity.TimeSeries.Spool;

namespace SmartCommunity.TimeSeries.Writing;

// The single consumer: everything below runs on the loop only (no locks); producers touch the channel and counters.
public sealed partial class InfluxWriter
{
    private async Task RunAsync()
    {
        var reader = _channel.Reader;
        Task<bool>? readable = null;
        while (true)
        {
            ResetWakeIfSignalled();
            try
            {
                if (_inFlight is { IsCompleted: true })
                {
                    await CompleteInFlightAsync();
                }

                RetryStalled(force: _stopRequested);
                await DrainOneBatchAsync(reader);

                var now = _time.GetUtcNow();
                var flushNow = _stopRequested || !_flushWaiters.IsEmpty;
                foreach (var batch in _batches)
                {
                    if (batch.Lines > 0 && (flushNow || now >= batch.Deadline))
                    {
                        await FlushBatchAsync(batch);
                    }
                }

                if (flushNow)
                {
                    await CompleteInFlightAsync();
                }

                CompleteFlushWaiters();
                if (_stopRequested && reader.Completion.IsCompleted && _telemetry.Lines == 0 && _durable.Lines == 0)
                {
                    await FinalReplayAsync();
                    CompleteFlushWaiters(all: true);
                    return;
                }

                if (!_stopRequested && !_spool.IsEmpty && _time.GetUtcNow() >= _nextAttemptAt)
                {
                    // One spool batch, then back to the channel: new points and the backlog take turns.
                    await CompleteInFlightAsync();
                    await ReplayOnceAsync();
                    continue;
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // The loop must outlive any bug or disk error, or every later point would silently pile up.
                _logger.LogError(ex, "InfluxDB writer loop failed; retrying after a pause.");
                Volatile.Write(ref _lastError, ex.Message);
                _nextAttemptAt = _time.GetUtcNow() + _options.RetryInitialDelay;
            }

            readable = await WaitAsync(reader, readable);
        }
    }

    private async Task<Task<bool>?> WaitAsync(ChannelReader<Point> reader, Task<bool>? readable)
    {
        var now = _time.GetUtcNow();
        var wakeAt = DateTimeOffset.MaxValue;
        if (_telemetry.Lines > 0)
        {
            wakeAt = _telemetry.Deadline;
        }

        if (_durable.Lines > 0 && _durable.Deadline < wakeAt)
        {
            wakeAt = _durable.Deadline;
        }

        if ((!_spool.IsEmpty || _stalled.Count > 0) && _nextAttemptAt < wakeAt)
        {
            wakeAt = _nextAttemptAt;
        }

        if (wakeAt <= now || _stopRequested)
        {
            return readable;
        }

        var idle = _telemetry.Lines == 0 && _durable.Lines == 0;
        if (_stalled.Count == 0 && !idle)
        {
            // Producers signal once this many points have been added (see Added); re-check after publishing it.
            var room = _options.BatchSize - Math.Max(_telemetry.Lines, _durable.Lines);
            Interlocked.Exchange(ref _signalAt, _dequeued + room);
            if (Interlocked.Read(ref _added) >= _dequeued + room)
            {
                return readable;
            }
        }

        var wake = Volatile.Read(ref _wake).Task;
        Task? read = null;
        if (_stalled.Count == 0 && idle)
        {
            if (readable is { IsCompleted: true })
            {
                readable = null;
            }

            readable ??= reader.WaitToReadAsync().AsTask();
            read = readable;
        }

        if (_inFlight is { } inFlight)
        {
            read = read is null ? inFlight : Task.WhenAny(read, inFlight);
        }

        if (wakeAt == DateTimeOffset.MaxValue)
        {
            await (read is null ? wake : Task.WhenAny(wake, read));
            return readable;
        }

        using var cancelDelay = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        var delay = Task.Delay(wakeAt - now, _time, cancelDelay.Token);
        if (_time.GetUtcNow() >= wakeAt)
        {
            // The clock moved between reading it and starting the timer (a test's fake clock can jump); don't sleep past the deadline.
            await cancelDelay.CancelAsync();
            return readable;
        }

        await (read is null ? Task.WhenAny(wake, delay) : Task.WhenAny(wake, read, delay));
        await cancelDelay.CancelAsync();
        return readable;
    }

    private void ResetWakeIfSignalled()
    {
        var current = Volatile.Read(ref _wake);
        if (current.Task.IsCompleted)
        {
            Interlocked.CompareExchange(ref _wake, NewSignal(), current);
        }
    }

    /// <summary>Moves points from the channel into the batches until one batch fills and is flushed, or the channel is empty.</summary>
    private async Task DrainOneBatchAsync(ChannelReader<Point> reader)
    {
        if (_stalled.Count > 0)
        {
            return; // Durable data is waiting for spool room: leave points in the channel so producers feel the pressure.
        }

        var now = _time.GetUtcNow();
        while (reader.TryRead(out var point))
        {
            Volatile.Write(ref _dequeued, _dequeued + 1);
            var batch = point.Durability == Durability.Durable ? _durable : _telemetry;
            batch.Add(point, _options.Precision, now, _options.FlushInterval);
            if (batch.IsFull(_options.BatchSize))
            {
                await FlushBatchAsync(batch);
                return;
            }
        }
    }

    private async Task FlushBatchAsync(Batch batch)
    {
        // One request in flight at a time keeps batches in order; waiting for the previous one here (not right after
        // starting it) lets the loop encode the next batch while InfluxDB is busy with this one.
        await CompleteInFlightAsync();
        var lines = batch.Lines;
        var healthy = _spool.IsEmpty && _stalled.Count == 0 && _time.GetUtcNow() >= _nextAttemptAt;

        // Durable batches go to disk first (fsync) and are sent from there, so a crash after this point loses none.
        if (batch.Durability == Durability.Telemetry && healthy)
        {
            var body = batch.TakeBuffer(_spareBuffer);
            _spareBuffer = null;
            Volatile.Write(ref _inFlightLines, lines);
            _inFlightBody = body;
            _inFlight = _transport.SendAsync(body.Array, body.WrittenCount, lines, CancellationToken.None);
            return;
        }

        SpoolOrStall(batch.Buffer.WrittenSpan, lines, batch.Durability);
        batch.Clear();
    }

    /// <summary>Waits for the request in flight, counts its answer, and spools its batch if it has to be retried.</summary>
    private async Task CompleteInFlightAsync()
    {
        if (_inFlight is not { } request)
        {
            return;
        }

        var body = _inFlightBody!;
        var lines = _inFlightLines;
        WriteOutcome outcome;
        try
        {
            outcome = await request;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Should be rare: the transport turns network failures into outcomes; anything else is retried the same way.
            outcome = new WriteOutcome(WriteStatus.Retryable, 0, ex.Message);
        }
        finally
        {
            _inFlight = null;
            _inFlightBody = null;
        }

        // Move the lines to where they now are (spool, or nowhere) before counting them written, so a counters
        // snapshot never shows the same points both in a gauge and in PointsWritten.
        if (!IsFinished(outcome))
        {
            SpoolOrStall(body.WrittenSpan, lines, Durability.Telemetry);
        }

        Volatile.Write(ref _inFlightLines, 0);
        Handle(outcome, lines);
        body.Clear();
        _spareBuffer = body;
    }

    private static bool IsFinished(WriteOutcome outcome) => outcome.Status is WriteStatus.Written or WriteStatus.PartiallyRejected;

    private async Task ReplayOnceAsync()
    {
        _replayBuffer.Clear();
        var segments = _spool.ReadInto(_spool.PeekBatch(_options.BatchSize, MaxBatchBytes), _replayBuffer, out var lost);
        if (lost > 0)
        {
            // Someone deleted, edited or planted a spool file: it is set aside (*.lp.damaged), its points counted lost.
            _logger.LogError("An InfluxDB spool file was damaged and set aside; {Lines} points are lost: {Reason}", lost, _spool.LastDamage);
            Interlocked.Add(ref _droppedSpoolFull, lost);
        }

        if (segments.Count == 0)
        {
            return;
        }

        var lines = 0;
        foreach (var s in segments)
        {
            lines += s.Lines;
        }

        var outcome = await _transport.SendAsync(_replayBuffer.Array, _replayBuffer.WrittenCount, lines, CancellationToken.None);
        if (IsFinished(outcome))
        {
            _spool.Remove(segments); // before Handle counts them written: see CompleteInFlightAsync
        }

        if (Handle(outcome, lines))
        {
            if (_spool.IsEmpty)
            {
                _logger.LogInformation("InfluxDB spool drained.");
            }
        }
    }

    /// <summary>On shutdown, if InfluxDB is answering, send what the spool holds (bounded by one request timeout in total).</summary>
    private async Task FinalReplayAsync()
    {
        var deadline = _time.GetUtcNow() + _options.RequestTimeout;
        while (!_spool.IsEmpty && !_inOutage && _time.GetUtcNow() < deadline)
        {
            await ReplayOnceAsync();
        }
    }

    /// <summary>Counts and logs an answer. True when the batch is finished with (stored, or rejected for good).</summary>
    private bool Handle(WriteOutcome outcome, int lines)
    {
        switch (outcome.Status)
        {
            // LastError first, counters after: whoever sees a counter move also sees the error that goes with it.
            case WriteStatus.Written:
                Volatile.Write(ref _lastError, null);
                Recovered();
                Interlocked.Add(ref _written, lines);
                return true;

            case WriteStatus.PartiallyRejected:
                Volatile.Write(ref _lastError, outcome.Error);
                Recovered();
                Interlocked.Add(ref _written, lines - outcome.RejectedLines);
                Interlocked.Add(ref _droppedRejected, outcome.RejectedLines);
                Interlocked.Increment(ref _errors);
                _logger.LogWarning("InfluxDB rejected {Rejected} of {Lines} points; they are dropped, not retried: {Error}", outcome.RejectedLines, lines, outcome.Error);
                return true;

            case WriteStatus.ConfigError:
                Volatile.Write(ref _lastError, outcome.Error);
                Interlocked.Increment(ref _errors);
                Interlocked.Increment(ref _configErrors);
                Interlocked.Increment(ref _retries);
                _nextAttemptAt = _time.GetUtcNow() + _options.RetryMaxDelay;
                if (!_inOutage)
                {
                    // Credentials are never part of the message: it holds the endpoint path and the server's error text.
                    _logger.LogError("InfluxDB at {Endpoint} refused writes: {Error}. Check the database/bucket, user and password or token; points are kept in the spool and retried every {Delay}.", _transport.Endpoint, outcome.Error, _options.RetryMaxDelay);
                }

                _inOutage = true;
                return false;

            default:
                Volatile.Write(ref _lastError, outcome.Error);
                Interlocked.Increment(ref _errors);
                Interlocked.Increment(ref _retries);
                var delay = Backoff(++_consecutiveFailures, outcome.RetryAfter);
                _nextAttemptAt = _time.GetUtcNow() + delay;
                if (!_inOutage)
                {
                    _logger.LogWarning("InfluxDB at {Endpoint} is unavailable ({Error}); spooling batches to {Directory} and retrying with backoff.", _transport.Endpoint, outcome.Error, _options.SpoolDirectory);
                }
                else
                {
                    _logger.LogDebug("InfluxDB still unavailable ({Error}); next attempt in {Delay}.", outcome.Error, delay);
                }

                _inOutage = true;
                return false;
        }
    }

    private void Recovered()
    {
        if (_inOutage)
        {
            _logger.LogInformation("InfluxDB at {Endpoint} accepts writes again; {Points} spooled points to replay.", _transport.Endpoint, _spool.Points);
        }

        _inOutage = false;
        _evictionReported = false;
        _consecutiveFailures = 0;
        _nextAttemptAt = _time.GetUtcNow();
    }

    /// <summary>The project's <see cref="Resilience.Backoff"/> from <c>RetryInitialDelay</c> to <c>RetryMaxDelay</c>, never
    /// shorter than the server's <c>Retry-After</c> (itself capped at <c>RetryMaxDelay</c>).</summary>
    internal TimeSpan Backoff(int failures, TimeSpan? retryAfter)
    {
        var delay = new Resilience.Backoff(_options.RetryInitialDelay, _options.RetryMaxDelay).Delay(failures);
        return retryAfter is { } hint && hint > delay ? (hint < _options.RetryMaxDelay ? hint : _options.RetryMaxDelay) : delay;
    }

    private void SpoolOrStall(ReadOnlySpan<byte> bytes, int lines, Durability durability)
    {
        if (durability == Durability.Durable && _stalled.Count > 0)
        {
            Stall(bytes, lines); // keep durable batches in order behind the ones already waiting
            return;
        }

        try
        {
            var result = _spool.Append(bytes, lines, durability, force: false, out var evicted);
            CountEvicted(evicted);
            if (result == SpoolAppendResult.RefusedTelemetry)
            {
                CountEvicted(lines);
            }
            else if (result == SpoolAppendResult.NoRoomForDurable)
            {
                _logger.LogWarning("InfluxDB spool is full of durable points ({Bytes} bytes); holding {Lines} more in memory and refusing new points until InfluxDB accepts writes.", _spool.Bytes, lines);
                Stall(bytes, lines);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _logger.LogError(ex, "Could not write to the InfluxDB spool {Directory}.", _options.SpoolDirectory);
            if (durability == Durability.Durable)
            {
                Stall(bytes, lines);
            }
            else
            {
                CountEvicted(lines);
            }
        }
    }

    private void RetryStalled(bool force)
    {
        while (_stalled.TryPeek(out var s))
        {
            SpoolAppendResult result;
            try
            {
                result = _spool.Append(s.Bytes, s.Lines, Durability.Durable, force, out var evicted);
                CountEvicted(evicted);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                _logger.LogError(ex, "Could not write to the InfluxDB spool {Directory}.", _options.SpoolDirectory);
                return;
            }

            if (result != SpoolAppendResult.Appended)
            {
                return;
            }

            _stalled.Dequeue();
            Interlocked.Add(ref _stalledLines, -s.Lines);
        }
    }

    private void Stall(ReadOnlySpan<byte> bytes, int lines)
    {
        _stalled.Enqueue(new StalledBatch(bytes.ToArray(), lines));
        Interlocked.Add(ref _stalledLines, lines);
    }

    private void CountEvicted(int lines)
    {
        if (lines == 0)
        {
            return;
        }

        Interlocked.Add(ref _droppedSpoolFull, lines);
        if (!_evictionReported)
        {
            _evictionReported = true;
            _logger.LogWarning("InfluxDB spool reached its limit of {Limit} bytes; dropping the oldest telemetry (counted in DroppedSpoolFull).", _spool.LimitBytes);
        }
    }

    private void CompleteFlushWaiters(bool all = false)
    {
        while (_flushWaiters.TryPeek(out var waiter)
               && (all || (waiter.Target <= _dequeued && _telemetry.Lines == 0 && _durable.Lines == 0)))
        {
            _flushWaiters.TryDequeue(out _);
            waiter.Done.TrySetResult();
        }
    }

    /// <summary>One class of points being collected into a request body; the buffer is pooled and reused.</summary>
    private sealed class Batch(Durability durability) : IDisposable
    {
        private int _lines;

        public Durability Durability { get; } = durability;

        public PooledBufferWriter Buffer { get; private set; } = new();

        public int Lines => _lines;

        /// <summary>Read by other threads for the BufferSize gauge.</summary>
        public int PendingLines => Volatile.Read(ref _lines);

        public DateTimeOffset Deadline { get; private set; }

        public void Add(Point point, WritePrecision precision, DateTimeOffset now, TimeSpan flushInterval)
        {
            if (_lines == 0)
            {
                Deadline = now + flushInterval;
            }

            LineProtocolEncoder.Encode(point, precision, Buffer);
            Volatile.Write(ref _lines, _lines + 1);
        }

        public bool IsFull(int batchSize) => _lines >= batchSize || Buffer.WrittenCount >= MaxBatchBytes - Point.MaxStringFieldBytes;

        public void Clear()
        {
            Buffer.Clear();
            Volatile.Write(ref _lines, 0);
        }

        /// <summary>Hands the filled buffer over (for a request in flight) and continues with <paramref name="spare"/> or a new one.</summary>
        public PooledBufferWriter TakeBuffer(PooledBufferWriter? spare)
        {
            var full = Buffer;
            Buffer = spare ?? new PooledBufferWriter();
            Volatile.Write(ref _lines, 0);
            return full;
        }

        public void Dispose() => Buffer.Dispose();
    }
}
