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

    private void CompleteFlushWaiters(bool all = false)
    {
        while (_flushWaiters.TryPeek(out var waiter)
               && (all || (waiter.Target <= _dequeued && _telemetry.Lines == 0 && _durable.Lines == 0)))
        {
            _flushWaiters.TryDequeue(out _);
            waiter.Done.TrySetResult();
        }
    }
}
