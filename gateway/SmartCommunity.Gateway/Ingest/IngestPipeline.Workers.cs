using System.Threading.Channels;

namespace SmartCommunity.Gateway.Ingest;

/// <summary>The workers: one per partition, reliable messages before telemetry, each device in order.</summary>
public sealed partial class IngestPipeline
{
    public override void Dispose()
    {
        foreach (var partition in _partitions)
        {
            partition.Dispose();
        }

        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        RememberApplied();
        var workers = _partitions.Select(p => Task.Factory.StartNew(() => RunWorkerAsync(p, stoppingToken), stoppingToken,
            TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap()).ToArray();
        try
        {
            await ReplayAsync(stoppingToken).ConfigureAwait(false);
        }
        finally
        {
            _replayed.TrySetResult();
        }

        await Task.WhenAll([.. workers, _checkpointer.RunAsync(_journal, stoppingToken)]).ConfigureAwait(false);

        // A clean stop: the workers have drained into features that are still running (they stop after this
        // service), so one last checkpoint leaves nothing to replay at the next start.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _checkpointer.CheckpointAsync(_journal, timeout.Token, keepAsApplied: true).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _logger.LogWarning("The final journal checkpoint did not finish in 10 s; its records are replayed at the next start");
        }
    }

    private async Task RunWorkerAsync(Partition partition, CancellationToken stoppingToken)
    {
        while (true)
        {
            // Reliable messages first: an alarm never waits behind a backlog of readings.
            if (_claims is { Enabled: true })
            {
                await HandleClaimedAsync(partition).ConfigureAwait(false);
            }
            else
            {
                while (partition.Reliable.Reader.TryRead(out var reliable))
                {
                    Handle(reliable);
                }
            }

            if (partition.Telemetry.Reader.TryRead(out var telemetry))
            {
                Handle(telemetry);
                continue;
            }

            if (stoppingToken.IsCancellationRequested)
            {
                return; // Queues are drained: everything accepted before the stop was processed.
            }

            await partition.WaitAsync(stoppingToken).ConfigureAwait(false);
        }
    }

    private void Handle(InboundMessage message)
    {
        try
        {
            _processor.Process(message);
        }
        finally
        {
            message.Segment?.Processed();
        }
    }

    /// <summary>Two queues and a wake-up signal for one worker.</summary>
    private sealed class Partition : IDisposable
    {
        private readonly SemaphoreSlim _signal = new(0);
        private int _wakeRequested;

        public Partition(int telemetryCapacity, int reliableCapacity, IngestMetrics metrics)
        {
            Telemetry = Channel.CreateBounded<InboundMessage>(
                new BoundedChannelOptions(telemetryCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
                _ => metrics.Shed.Inc());
            Reliable = Channel.CreateBounded<InboundMessage>(
                new BoundedChannelOptions(reliableCapacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });
        }

        public Channel<InboundMessage> Telemetry { get; }

        public Channel<InboundMessage> Reliable { get; }

        public void Dispose() => _signal.Dispose();

        /// <summary>Wakes the worker; under load the flag is already set and this is a single read.</summary>
        public void Signal()
        {
            if (Volatile.Read(ref _wakeRequested) == 0 && Interlocked.Exchange(ref _wakeRequested, 1) == 0)
            {
                _signal.Release();
            }
        }

        public async Task WaitAsync(CancellationToken stoppingToken)
        {
            // Clear the flag, then look again: a producer that wrote before the clear is seen by the re-check,
            // one that writes after it releases the semaphore. No wake-up is lost.
            Volatile.Write(ref _wakeRequested, 0);
            if (Reliable.Reader.Count > 0 || Telemetry.Reader.Count > 0)
            {
                return;
            }

            try
            {
                await _signal.WaitAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Shutdown: the worker drains what is queued and stops.
            }
        }
    }
}
