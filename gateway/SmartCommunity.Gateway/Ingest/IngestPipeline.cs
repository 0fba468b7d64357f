using System.Buffers;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using SmartCommunity.Gateway.Devices;
using SmartCommunity.Gateway.Grid;
using SmartCommunity.Gateway.Ingest.Journal;
using SmartCommunity.Gateway.Infrastructure.Metrics;
using SmartCommunity.Protocol.Topics;
using SmartCommunity.Protocol.Validation;

namespace SmartCommunity.Gateway.Ingest;

/// <summary>
/// Publish interception → bounded channels → decode → dispatch. <see cref="AcceptAsync"/> runs inside the
/// broker's callback and does only cheap checks (topic, ACL, size) and a copy of the payload; workers do the rest.
/// Devices are hash-partitioned over workers so each device's messages are handled in order by one thread.
/// Reliable messages (events, statuses, acknowledgements) are appended to the <see cref="IngestJournal"/> and
/// queued at once; the verdict, and so the PUBACK, waits for the journal's group commit. Processing runs in
/// parallel with the fsync: a crash before the commit loses only what was never acknowledged.
/// Full-modes: telemetry sheds the oldest (counted in <c>sc_ingest_shed_total</c>); reliable messages are never
/// shed — the publisher waits.
/// </summary>
public sealed partial class IngestPipeline : BackgroundService
{
    private readonly DeviceRegistry _devices;
    private readonly GridRegistry _grid;
    private readonly MessageProcessor _processor;
    private readonly IngestMetrics _metrics;
    private readonly RejectionLog _rejections;
    private readonly TimeProvider _time;
    private readonly int _maxPayload;
    private readonly Partition[] _partitions;
    private readonly IngestJournal _journal;
    private readonly IngestCheckpointer _checkpointer;
    private readonly ILogger<IngestPipeline> _logger;
    private readonly Cluster.ClusterSequenceClaims? _claims;
    private readonly TaskCompletionSource _replayed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // The stop gate: reliable publishes between their journal append and their queue write. The workers stop only
    // when none is left, so no journaled record misses its worker (that kept a whole segment from draining, and a
    // clean stop then replayed messages already handled).
    private int _queuing;
    private int _stopping;
    private readonly TaskCompletionSource _gateEmpty = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IngestPipeline(
        DeviceRegistry devices,
        GridRegistry grid,
        MessageProcessor processor,
        IngestMetrics metrics,
        RejectionLog rejections,
        MetricsRegistry registry,
        IngestJournal journal,
        IngestCheckpointer checkpointer,
        IOptions<IngestOptions> options,
        TimeProvider time,
        ILogger<IngestPipeline> logger,
        Cluster.ClusterSequenceClaims? claims = null)
    {
        _claims = claims;
        _journal = journal;
        _checkpointer = checkpointer;
        _logger = logger;
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
    public ValueTask<IngestVerdict> AcceptAsync(string topic, ReadOnlySequence<byte> payload, string? sender, CancellationToken cancellationToken) =>
        Accept(topic, payload, sender, cancellationToken, out _);

    /// <summary>
    /// For one connection that carries every device's messages (the external broker's subscription): completes once
    /// the message has its place in its worker's queue (or is refused), so the caller may read the next one without
    /// overtaking it; the returned task is the verdict, complete once the message is durable. Messages that wait
    /// for the journal's replay or for queue space would otherwise be overtaken, and a device's sequence window
    /// would then refuse its older messages as repeats. The usual case (room in the queue) completes at once and
    /// allocates nothing for the ordering; the caller awaits the inner verdict exactly once.
    /// </summary>
    public ValueTask<ValueTask<IngestVerdict>> QueueInOrderAsync(string topic, ReadOnlySequence<byte> payload, CancellationToken cancellationToken)
    {
        if (!_replayed.Task.IsCompleted)
        {
            return QueueInOrderAfterReplayAsync(topic, payload, cancellationToken);
        }

        var verdict = Accept(topic, payload, sender: null, cancellationToken, out var queuing);
        return queuing is null ? new(verdict) : QueuedAsync(queuing, verdict);
    }

    private async ValueTask<ValueTask<IngestVerdict>> QueueInOrderAfterReplayAsync(string topic, ReadOnlySequence<byte> payload, CancellationToken cancellationToken)
    {
        await _replayed.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        return await QueueInOrderAsync(topic, payload, cancellationToken).ConfigureAwait(false);
    }

    private static async ValueTask<ValueTask<IngestVerdict>> QueuedAsync(Task queuing, ValueTask<IngestVerdict> verdict)
    {
        try
        {
            await queuing.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
        {
            // Not queued: the verdict says so (not acknowledged, sent again).
        }

        return verdict;
    }

    /// <param name="queuing">Set only when the message waits for room in its queue: completes once it is queued.</param>
    private ValueTask<IngestVerdict> Accept(string topic, ReadOnlySequence<byte> payload, string? sender, CancellationToken cancellationToken, out Task? queuing)
    {
        queuing = null;
        if (!_replayed.Task.IsCompleted)
        {
            return AcceptAfterReplayAsync(topic, payload, sender, cancellationToken);
        }

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

        // Increment before the check (both full fences), so StopAsync either sees this publish or this publish sees the stop.
        Interlocked.Increment(ref _queuing);
        if (Volatile.Read(ref _stopping) == 1)
        {
            LeaveGate();
            return new(ShuttingDown);
        }

        Task durable;
        try
        {
            (durable, var segment) = _journal.Append(new JournalRecord(messageClass, device?.Id ?? personId!, _time.GetUtcNow().ToUnixTimeMilliseconds(), buffer.AsMemory(0, length)));
            inbound = inbound with { Segment = segment, Durable = durable };
        }
        catch (ObjectDisposedException)
        {
            LeaveGate();
            return new(ShuttingDown);
        }

        if (partition.Reliable.Writer.TryWrite(inbound))
        {
            LeaveGate();
            return AwaitDurableAsync(partition, durable);
        }

        queuing = partition.Reliable.Writer.WriteAsync(inbound, cancellationToken).AsTask();
        return WaitToQueueAsync(partition, inbound, durable, queuing);
    }

    // One reliable publish is past the gate (queued, refused or given up): the last one out lets a waiting stop go on.
    private void LeaveGate()
    {
        if (Interlocked.Decrement(ref _queuing) == 0 && Volatile.Read(ref _stopping) == 1)
        {
            _gateEmpty.TrySetResult();
        }
    }

    private static IngestVerdict ShuttingDown => new(RejectReason.Overloaded, "Gateway is shutting down.");

    /// <summary>
    /// Refuses new reliable publishes (not acknowledged: their publishers send them again), lets those already
    /// journaled reach their queues, and only then stops the workers, which drain the queues before they exit.
    /// </summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _stopping, 1);
        if (Volatile.Read(ref _queuing) == 0)
        {
            _gateEmpty.TrySetResult();
        }

        try
        {
            await _gateEmpty.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The host's stop timeout: stop the workers anyway; what was not queued is replayed from the journal.
        }

        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<IngestVerdict> AcceptAfterReplayAsync(string topic, ReadOnlySequence<byte> payload, string? sender, CancellationToken cancellationToken)
    {
        // Only in the first moments after a crash: new messages wait until the journal's leftovers are applied, so
        // each device's messages are still handled in the order it sent them.
        await _replayed.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        return await AcceptAsync(topic, payload, sender, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<IngestVerdict> AwaitDurableAsync(Partition partition, Task durable)
    {
        partition.Signal();
        try
        {
            await durable.ConfigureAwait(false);
            return IngestVerdict.Accepted;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            // Not on disk, so not acknowledged: the publisher keeps the message and sends it again.
            return Refuse(null, "journal", RejectReason.Overloaded, "The gateway could not store the message; send it again later.");
        }
    }

    private async ValueTask<IngestVerdict> WaitToQueueAsync(Partition partition, InboundMessage inbound, Task durable, Task write)
    {
        // Should be rare: the reliable queue is full, so this publisher waits (and so does its MQTT flow).
        try
        {
            await write.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
        {
            // The publisher went away while waiting. Journaled but neither queued nor acknowledged: its publisher
            // sends it again, so the record counts as done for its segment, which can then drain and be checkpointed.
            inbound.Segment?.Processed();
            return ShuttingDown;
        }
        finally
        {
            LeaveGate();
        }

        return await AwaitDurableAsync(partition, durable).ConfigureAwait(false);
    }

    private int PartitionOf(string id) => (int)((uint)StringComparer.Ordinal.GetHashCode(id) % (uint)_partitions.Length);

    private IngestVerdict Refuse(string? source, string topic, RejectReason reason, string error)
    {
        _metrics.Rejected(reason).Inc();
        _rejections.Add(source ?? "?", topic, reason, error);
        return new IngestVerdict(reason, error);
    }
}
