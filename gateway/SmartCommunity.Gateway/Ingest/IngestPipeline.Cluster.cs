using SmartCommunity.Gateway.Cluster;

namespace SmartCommunity.Gateway.Ingest;

/// <summary>The reliable path in cluster mode: de-duplication decided by the shared table (docs/scale-out.md).</summary>
public sealed partial class IngestPipeline
{
    /// <summary>
    /// Takes what the reliable queue holds (up to one claim statement's worth), waits until it is in the journal, claims
    /// the batch's (device, boot, seq) in the shared table in one statement, and handles each message with the verdict
    /// it got. Durable first: a message claimed but not yet on disk could be lost by a crash (no PUBACK, so the broker
    /// sends it again, possibly to another gateway, which would find it claimed). Once it is on disk this gateway's
    /// replay handles it, so a claim never outlives the only copy of its message. The cost is one fsync of latency
    /// before processing (single mode processes during the fsync).
    /// </summary>
    private async Task HandleClaimedAsync(Partition partition)
    {
        while (partition.Reliable.Reader.TryRead(out var head))
        {
            var batch = new List<InboundMessage>(Math.Min(partition.Reliable.Reader.Count + 1, ClusterSequenceClaims.MaxBatch)) { head };
            while (batch.Count < ClusterSequenceClaims.MaxBatch && partition.Reliable.Reader.TryRead(out var next))
            {
                batch.Add(next);
            }

            Task? last = null;
            foreach (var message in batch)
            {
                if (message.Durable is { } durable && durable != last)
                {
                    last = durable;
                    // A failed write is refused to the publisher (not acknowledged); processing it anyway is single mode's behaviour too.
                    await durable.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                }
            }

            var keys = new List<SequenceKey>(batch.Count);
            var keyOf = new int[batch.Count];
            for (var i = 0; i < batch.Count; i++)
            {
                keyOf[i] = -1;
                if (batch[i].Device is { } device && _processor.TryReadSequence(batch[i], out var boot, out var seq))
                {
                    keyOf[i] = keys.Count;
                    keys.Add(new SequenceKey(device.Id, boot, seq, batch[i].Replayed));
                }
            }

            var admitted = new bool[keys.Count];
            var shared = keys.Count > 0 && await _claims!.TryClaimAsync(keys, admitted).ConfigureAwait(false);
            for (var i = 0; i < batch.Count; i++)
            {
                var claim = !shared || keyOf[i] < 0 ? SequenceClaim.Local : admitted[keyOf[i]] ? SequenceClaim.Admitted : SequenceClaim.Duplicate;
                Handle(claim == SequenceClaim.Local ? batch[i] : batch[i] with { Claim = claim });
            }
        }
    }
}
