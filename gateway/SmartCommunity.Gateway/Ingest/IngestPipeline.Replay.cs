using SmartCommunity.Gateway.Devices;
using SmartCommunity.Gateway.Ingest.Journal;
using SmartCommunity.Protocol.Topics;

namespace SmartCommunity.Gateway.Ingest;

/// <summary>The start of the pipeline: what the journal holds from before this start (docs/durability.md).</summary>
public sealed partial class IngestPipeline
{
    /// <summary>
    /// Before any worker runs: the messages of the segment a clean stop kept are marked as seen in their devices'
    /// sequence windows, so those that a device sends again (the stop closed the connection before their PUBACK) are
    /// refused as duplicates instead of being handled twice.
    /// </summary>
    private void RememberApplied()
    {
        foreach (var path in _journal.Applied)
        {
            using (var file = File.OpenRead(path))
            {
                foreach (var record in JournalRecord.ReadAll(file, out _))
                {
                    if (record.Class != MessageClass.PersonAck && _devices.TryGet(record.Owner.AsSpan(), out var device))
                    {
                        _processor.Remember(new InboundMessage(record.Class, device, null, record.Payload.ToArray(), record.Payload.Length, 0));
                    }
                }
            }

            IngestJournal.Delete(path);
        }
    }

    /// <summary>Processes what a crash left in the journal, then forgets it once the features have committed it.</summary>
    private async Task ReplayAsync(CancellationToken stoppingToken)
    {
        if (_journal.Leftover.Count == 0)
        {
            return;
        }

        var replay = new JournalSegment(0, "replay");
        var records = new List<JournalRecord>();
        foreach (var path in _journal.Leftover)
        {
            using var file = File.OpenRead(path);
            records.AddRange(JournalRecord.ReadAll(file, out var damaged));
            if (damaged)
            {
                _logger.LogWarning("Journal segment {Path} ends in a torn record (a crash during its write); that record was never acknowledged", path);
            }
        }

        if (records.Count == 0)
        {
            // Only empty segments (the one a stop opened last): nothing was journaled that is not applied.
            foreach (var path in _journal.Leftover)
            {
                IngestJournal.Delete(path);
            }

            return;
        }

        _journal.Replaying = true;
        replay.AddedReplayed(records.Count);
        replay.Seal();
        foreach (var record in records)
        {
            await QueueReplayedAsync(record, replay, stoppingToken).ConfigureAwait(false);
        }

        await replay.Drained.WaitAsync(stoppingToken).ConfigureAwait(false);
        await _checkpointer.FlushEffectsAsync(stoppingToken).ConfigureAwait(false);
        _journal.Replaying = false;
        foreach (var path in _journal.Leftover)
        {
            IngestJournal.Delete(path);
        }

        _metrics.Replayed.Add(records.Count);
        _logger.LogInformation("Replayed {Count} journaled messages left by an unclean stop", records.Count);
    }

    private async Task QueueReplayedAsync(JournalRecord record, JournalSegment replay, CancellationToken stoppingToken)
    {
        DeviceRuntime? device = null;
        string? personId = null;
        if (record.Class == MessageClass.PersonAck)
        {
            personId = record.Owner;
        }
        else if (!_devices.TryGet(record.Owner.AsSpan(), out device!))
        {
            replay.Processed(); // removed since: nothing to apply it to
            return;
        }

        var inbound = new InboundMessage(record.Class, device, personId, record.Payload.ToArray(), record.Payload.Length, _time.GetTimestamp(), replay);
        var partition = _partitions[PartitionOf(device?.Id ?? personId!)];
        await partition.Reliable.Writer.WriteAsync(inbound, stoppingToken).ConfigureAwait(false);
        partition.Signal();
    }
}
