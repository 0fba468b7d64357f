using System.Buffers;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using SmartCommunity.Gateway.Devices;
using SmartCommunity.Gateway.Grid;
using SmartCommunity.Gateway.Infrastructure.Metrics;
using SmartCommunity.Protocol.Topics;
using SmartCommunity.Protocol.Validation;

namespace SmartCommunity.Gateway.Ingest;

/// <summary>
/// Publish interception → bounded channels → decode → dispatch. <see cref="AcceptAsync"/> runs inside the
/// broker's callback and does only cheap checks (topic, ACL, size) and a copy of the payload; workers do the rest.
/// Devices are hash-partitioned over workers so each device's messages are handled in order by one thread.
/// Full-modes: telemetry sheds the oldest (counted in <c>sc_ingest_shed_total</c>); events, statuses and
/// acknowledgements are never shed — the publisher waits.
/// </summary>
public sealed class IngestPipeline : BackgroundService
{
    private readonly DeviceRegistry _devices;
    private readonly GridRegistry _grid;
    private readonly MessageProcessor _processor;
    private readonly IngestMetrics _metrics;
    private readonly RejectionLog _rejections;
    private readonly TimeProvider _time;
    private readonly int _maxPayload;
    private readonly Partition[] _partitions;

    public IngestPipeline(
        DeviceRegistry devices,
        GridRegistry grid,
        MessageProcessor processor,
        IngestMetrics metrics,
        RejectionLog rejections,
        MetricsRegistry registry,
        IOptions<IngestOptions> options,
        TimeProvider time)
    {
        _devices = devices;
        _grid = grid;
        _processor = processor;
        _metrics = metrics;
        _rejections = rejections;
        _time = time;
        var o = options.Value;
        _maxPayload = o.MaxPayloadBytes;
        _partitions = new Partition[o.Workers];
        for (var i = 0; i < _partitions.Length; i++)
        {
            var partition = new Partition(o.TelemetryQueueCapacity, o.ReliableQueueCapacity, metrics);
            _partitions[i] = partition;
            var label = ("worker", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            registry.Gauge("sc_ingest_queue_depth", "Messages waiting for an ingest worker.", () => partition.Telemetry.Reader.Count, label, ("class", "telemetry"));
            registry.Gauge("sc_ingest_queue_depth", "Messages waiting for an ingest worker.", () => partition.Reliable.Reader.Count, label, ("class", "reliable"));
        }
    }

    /// <summary>Messages queued and not yet processed, over all workers.</summary>
    public int Pending => _partitions.Sum(p => p.Telemetry.Reader.Count + p.Reliable.Reader.Count);

    /// <summary>
    /// Checks and queues one publish. <paramref name="sender"/> is the authenticated MQTT user name, or null
    /// in external-broker mode where the broker enforces the ACL.
    /// </summary>
    public ValueTask<IngestVerdict> AcceptAsync(string topic, ReadOnlySequence<byte> payload, string? sender, CancellationToken cancellationToken)
    {
        if (!TopicScheme.TryParse(topic.AsSpan(), out var messageClass, out var ownerId))
        {
            return new(Refuse(sender, topic, RejectReason.UnknownTopic, "Topic is not in the sc/v1 tree (see docs/protocol.md)."));
        }

        _metrics.Received(messageClass).Inc();
        if (!MessageClassPolicy.For(messageClass).FromDevice)
        {
            return new(Refuse(sender, topic, RejectReason.NotAuthorized, "Only the gateway publishes on command and alert topics."));
        }

        if (sender is not null && !ownerId.SequenceEqual(sender))
        {
            return new(Refuse(sender, topic, RejectReason.NotAuthorized, "A client may publish only under its own ID."));
        }

        DeviceRuntime? device = null;
        string? personId = null;
        if (messageClass == MessageClass.PersonAck)
        {
            var person = _grid.Snapshot.PersonById(sender ?? ownerId.ToString());
            if (person is null)
            {
                return new(Refuse(sender, topic, RejectReason.UnknownDevice, "No such person."));
            }

            personId = person.Id;
        }
        else if (!_devices.TryGet(ownerId, out device!))
        {
            return new(Refuse(sender, topic, RejectReason.UnknownDevice, "Device is not registered."));
        }

        if (payload.Length > _maxPayload)
        {
            return new(Refuse(sender ?? device?.Id, topic, RejectReason.Oversized, $"Payload of {payload.Length} bytes exceeds {_maxPayload}."));
        }

        // A plain array, not ArrayPool.Shared: buffers are rented on the broker's receive threads and returned on the
        // workers, the pattern that empties the pool's per-thread caches; the profile showed Rent as most of this
        // method's time. A ~100-byte gen0 array per message is cheaper.
        var length = (int)payload.Length;
        var buffer = length == 0 ? [] : new byte[length];
        payload.CopyTo(buffer);
        var inbound = new InboundMessage(messageClass, device, personId, buffer, length, _time.GetTimestamp());
        var partition = _partitions[PartitionOf(device?.Id ?? personId!)];
        if (messageClass == MessageClass.Telemetry)
        {
            // DropOldest never fails a write; the channel's callback counts the message it dropped.
            partition.Telemetry.Writer.TryWrite(inbound);
            partition.Signal();
            return new(IngestVerdict.Accepted);
        }

        if (partition.Reliable.Writer.TryWrite(inbound))
        {
            partition.Signal();
            return new(IngestVerdict.Accepted);
        }

        return WaitToQueueAsync(partition, inbound, cancellationToken);
    }

    private static async ValueTask<IngestVerdict> WaitToQueueAsync(Partition partition, InboundMessage inbound, CancellationToken cancellationToken)
    {
        // Should be rare: the reliable queue is full, so this publisher waits (and so does its MQTT flow).
        try
        {
            await partition.Reliable.Writer.WriteAsync(inbound, cancellationToken);
            partition.Signal();
            return IngestVerdict.Accepted;
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
        {
            return new IngestVerdict(RejectReason.Overloaded, "Gateway is shutting down.");
        }
    }

    private int PartitionOf(string id) => (int)((uint)StringComparer.Ordinal.GetHashCode(id) % (uint)_partitions.Length);

    private IngestVerdict Refuse(string? source, string topic, RejectReason reason, string error)
    {
        _metrics.Rejected(reason).Inc();
        _rejections.Add(source ?? "?", topic, reason, error);
        return new IngestVerdict(reason, error);
    }

    public override void Dispose()
    {
        foreach (var partition in _partitions)
        {
            partition.Dispose();
        }

        base.Dispose();
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(_partitions.Select(p => Task.Factory.StartNew(() => RunWorkerAsync(p, stoppingToken), stoppingToken,
            TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap()));

    private async Task RunWorkerAsync(Partition partition, CancellationToken stoppingToken)
    {
        while (true)
        {
            // Reliable messages first: an alarm never waits behind a backlog of readings.
            while (partition.Reliable.Reader.TryRead(out var reliable))
            {
                Handle(reliable);
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

    private void Handle(InboundMessage message) => _processor.Process(message);

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
