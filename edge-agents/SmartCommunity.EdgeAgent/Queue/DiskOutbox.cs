using System.Buffers.Binary;
using Microsoft.Extensions.Logging;
using SmartCommunity.Protocol.Topics;

namespace SmartCommunity.EdgeAgent.Queue;

/// <summary>
/// A bounded, on-disk, in-order queue of one device's outbound messages (store-and-forward).
/// <para>
/// <b>Layout.</b> Append-only segment files (<see cref="RecordFormat"/>: length + CRC-32C per record) and an
/// "acknowledged up to" pointer (<see cref="AckPointerFile"/>). A message leaves the queue only through
/// <see cref="Complete"/>, called after the broker acknowledged it. Segments are deleted oldest first once
/// nothing in them is pending.
/// </para>
/// <para>
/// <b>Full queue policy</b> (<see cref="QueueOptions.MaxMessages"/>, <see cref="QueueOptions.MaxBytes"/>):
/// the oldest stored telemetry is dropped to make room (counted, and a tombstone written so it stays dropped
/// after a restart). Events and command acknowledgements are never dropped once stored: when the queue holds
/// nothing but events and acks, a new message of any class is refused (counted) and the caller is told.
/// </para>
/// <para>
/// <b>Durability.</b> <see cref="Enqueue"/> returns after the record is written to the OS, so an agent crash loses
/// nothing it accepted. Events and acks are also fsync'd when <see cref="QueueOptions.FsyncEvents"/> is set;
/// telemetry reaches the disk with the next fsync. A tail cut short by a crash fails its CRC on open and is cut off.
/// </para>
/// Thread-safe: drivers and the command path enqueue while one publisher peeks and completes.
/// </summary>
public sealed class DiskOutbox : IDisposable
{
    private readonly Lock _lock = new();
    private readonly string _directory;
    private readonly QueueOptions _options;
    private readonly ILogger _logger;
    private readonly List<Segment> _segments = [];
    private readonly LinkedList<Entry> _pending = new();
    private readonly Queue<LinkedListNode<Entry>> _telemetry = new();
    private readonly AckPointerFile _ack;
    private TaskCompletionSource _available = NewSignal();
    private long _nextIndex;
    private long _pendingBytes;
    private long _droppedOldestTelemetry;
    private long _refusedTelemetry;
    private long _refusedEvents;
    private long _corruptBytesTruncated;
    private long _writeFailures;
    private readonly Diagnostics.LogThrottle _writeFailureLog = new(TimeProvider.System, TimeSpan.FromMinutes(1));
    private bool _disposed;

    private readonly record struct Entry(long Index, MessageClass Class, Segment Segment, long Offset, int Length);

    private DiskOutbox(string directory, QueueOptions options, ILogger logger)
    {
        _directory = directory;
        _options = options;
        _logger = logger;
        _ack = AckPointerFile.Open(Path.Combine(directory, "ack"));
    }

    /// <summary>Opens (or creates) the queue in <paramref name="directory"/>, recovering what a previous run left.</summary>
    public static DiskOutbox Open(string directory, QueueOptions options, ILogger logger)
    {
        Directory.CreateDirectory(directory);
        var queue = new DiskOutbox(directory, options, logger);
        try
        {
            queue.Recover();
        }
        catch
        {
            queue.Dispose();
            throw;
        }

        return queue;
    }

    /// <summary>Index the next stored record gets; every record below it has been written.</summary>
    public long NextIndex
    {
        get { lock (_lock) return _nextIndex; }
    }

    public QueueCounters Counters
    {
        get
        {
            lock (_lock)
            {
                return new(_pending.Count, _pendingBytes, _droppedOldestTelemetry, _refusedTelemetry, _refusedEvents, _corruptBytesTruncated, _writeFailures);
            }
        }
    }

    /// <summary>Stores a message, applying the full-queue policy described on the class.</summary>
    public EnqueueResult Enqueue(MessageClass messageClass, ReadOnlySpan<byte> payload)
    {
        if (payload.Length > RecordFormat.MaxBodySize - RecordFormat.BodyPrefixSize)
        {
            throw new ArgumentException($"Payload of {payload.Length} bytes is larger than a queue record may be.", nameof(payload));
        }

        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            while (_pending.Count >= _options.MaxMessages || _pendingBytes + payload.Length > _options.MaxBytes)
            {
                if (!TryDropOldestTelemetry())
                {
                    if (messageClass == MessageClass.Telemetry)
                    {
                        _refusedTelemetry++;
                    }
                    else
                    {
                        _refusedEvents++;
                    }

                    return EnqueueResult.RefusedFull;
                }
            }

            Segment segment;
            long offset;
            var index = _nextIndex;
            try
            {
                segment = ActiveSegmentFor(RecordFormat.HeaderSize + RecordFormat.BodyPrefixSize + payload.Length);
                offset = segment.Length + RecordFormat.HeaderSize + RecordFormat.BodyPrefixSize;
                segment.Append(RecordFormat.Encode(index, (byte)messageClass, payload));
            }
            catch (IOException ex)
            {
                // Should be rare (disk full, failing card). The segment's length only moves on a whole write, so the
                // next record overwrites any partial one; if the agent dies first, the CRC check cuts it on open.
                _writeFailures++;
                if (_writeFailureLog.ShouldLog(out var suppressed))
                {
                    _logger.LogError(ex, "Queue {Directory}: could not store a {Class} message ({Suppressed} more failures since the last report).", _directory, messageClass, suppressed);
                }

                return EnqueueResult.WriteFailed;
            }

            _nextIndex++;
            if (messageClass != MessageClass.Telemetry && _options.FsyncEvents)
            {
                // The record is in the OS already, so it counts as stored even if this fsync fails.
                TryFlush(segment);
            }

            AddPending(new Entry(index, messageClass, segment, offset, payload.Length));
            _available.TrySetResult();
            return EnqueueResult.Stored;
        }
    }

    /// <summary>The oldest pending message, read from disk, or <see langword="null"/> when none is pending.</summary>
    public QueuedMessage? Peek()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_pending.First is not { } first)
            {
                return null;
            }

            var entry = first.Value;
            return new QueuedMessage(entry.Index, entry.Class, entry.Segment.ReadPayload(entry.Offset, entry.Length));
        }
    }

    /// <summary>Completes when a message is pending (immediately if one already is).</summary>
    public Task WaitForMessageAsync(CancellationToken cancellationToken)
    {
        Task signal;
        lock (_lock)
        {
            if (_pending.Count > 0)
            {
                return Task.CompletedTask;
            }

            if (_available.Task.IsCompleted)
            {
                _available = NewSignal();
            }

            signal = _available.Task;
        }

        return signal.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Removes a delivered message. Called in order for the message <see cref="Peek"/> returned; a message dropped
    /// while it was being published is already gone and is ignored.
    /// </summary>
    public void Complete(long index)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_pending.First is { } first && first.Value.Index == index)
            {
                Remove(first);
            }

            PersistAckPointer();
            DeleteDeliveredSegments();
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            foreach (var segment in _segments)
            {
                TryFlush(segment);
                segment.Dispose();
            }

            _ack.Dispose();
            _available.TrySetCanceled();
        }
    }

    private void Recover()
    {
        var acknowledged = _ack.Value;
        _nextIndex = acknowledged + 1;
        var tombstones = new HashSet<long>();
        var paths = Directory.GetFiles(_directory, "*" + Segment.Extension)
            .Select(p => (Path: p, Ok: Segment.TryParseFirstIndex(p, out var first), First: first))
            .Where(s => s.Ok)
            .OrderBy(s => s.First);
        foreach (var (path, _, first) in paths)
        {
            var segment = Segment.Open(path, first);
            _segments.Add(segment);
            var cut = segment.Scan((index, kind, offset, length) =>
            {
                _nextIndex = Math.Max(_nextIndex, index + 1);
                if (kind == RecordFormat.TombstoneKind)
                {
                    tombstones.Add(BinaryPrimitives.ReadInt64LittleEndian(segment.ReadPayload(offset, 8)));
                }
                else if (index > acknowledged)
                {
                    AddPending(new Entry(index, (MessageClass)kind, segment, offset, length));
                }
            });
            if (cut > 0)
            {
                _corruptBytesTruncated += cut;
                _logger.LogWarning("Queue segment {Segment} had a damaged tail (a write cut short, e.g. by a crash); cut {Bytes} bytes and kept the records before it.", path, cut);
            }
        }

        for (var node = _pending.First; node is not null;)
        {
            var next = node.Next;
            if (tombstones.Contains(node.Value.Index))
            {
                Remove(node);
            }

            node = next;
        }

        DeleteDeliveredSegments();
        if (_pending.Count > 0)
        {
            _logger.LogInformation("Queue {Directory} reopened with {Count} undelivered messages; they are sent before new ones.", _directory, _pending.Count);
        }
    }

    private void AddPending(Entry entry)
    {
        var node = _pending.AddLast(entry);
        _pendingBytes += entry.Length;
        entry.Segment.Live++;
        if (entry.Class == MessageClass.Telemetry)
        {
            _telemetry.Enqueue(node);
        }
    }

    private void Remove(LinkedListNode<Entry> node)
    {
        _pending.Remove(node);
        _pendingBytes -= node.Value.Length;
        node.Value.Segment.Live--;

        // Delivered telemetry leaves from the front of the drop list too, so it does not grow while the broker is up.
        while (_telemetry.TryPeek(out var oldest) && oldest.List is null)
        {
            _telemetry.Dequeue();
        }
    }

    private bool TryDropOldestTelemetry()
    {
        while (_telemetry.TryDequeue(out var node))
        {
            if (node.List is null)
            {
                continue; // Delivered already.
            }

            try
            {
                var segment = ActiveSegmentFor(RecordFormat.HeaderSize + RecordFormat.BodyPrefixSize + 8);
                segment.Append(RecordFormat.EncodeTombstone(_nextIndex, node.Value.Index));
                _nextIndex++;
            }
            catch (IOException ex)
            {
                // Dropped in memory all the same; without its tombstone the reading comes back after a restart.
                _logger.LogWarning(ex, "Queue {Directory}: could not write the tombstone of a dropped reading.", _directory);
            }

            Remove(node);
            _droppedOldestTelemetry++;
            PersistAckPointer();
            DeleteDeliveredSegments();
            return true;
        }

        return false;
    }

    /// <summary>Everything below the oldest pending record is delivered or dropped.</summary>
    private void PersistAckPointer() => _ack.Write((_pending.First?.Value.Index ?? _nextIndex) - 1);

    private Segment ActiveSegmentFor(int recordSize)
    {
        if (_segments.Count > 0 && _segments[^1].Length + recordSize <= _options.SegmentBytes)
        {
            return _segments[^1];
        }

        if (_segments.Count > 0)
        {
            // The closed segment goes to disk now so that only the active one can have an unsynced tail.
            TryFlush(_segments[^1]);
        }

        var segment = Segment.Open(Path.Combine(_directory, Segment.FileName(_nextIndex)), _nextIndex);
        _segments.Add(segment);
        return segment;
    }

    private void DeleteDeliveredSegments()
    {
        // Oldest first only: a tombstone must outlive the record it drops, which is always in an older segment.
        while (_segments.Count > 1 && _segments[0].Live == 0)
        {
            var segment = _segments[0];
            _segments.RemoveAt(0);
            segment.Dispose();
            File.Delete(segment.Path);
        }
    }

    private void TryFlush(Segment segment)
    {
        try
        {
            segment.Flush();
        }
        catch (IOException ex)
        {
            _logger.LogWarning(ex, "Could not fsync queue segment {Segment}.", segment.Path);
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
