using Microsoft.Extensions.Logging;
using SmartCommunity.TimeSeries.Points;
using SmartCommunity.TimeSeries.Spool;

namespace SmartCommunity.TimeSeries.Writing;

// What the loop does when InfluxDB does not take a batch: count and log the answer, back off, keep the batch in the
// spool (or in memory when the spool is full of durable points), and replay the spool once InfluxDB answers again.
// Like the loop, it runs on the loop only.
public sealed partial class InfluxWriter
{
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
}
