using Microsoft.Extensions.Options;

namespace SmartCommunity.Gateway.Ingest.Journal;

/// <summary>
/// Forgets journal records once their effects are stored: seal the current segment, wait until ingest workers
/// have processed every record in it, flush every <see cref="IDurableEffects"/> in stage order, then delete the
/// segment. A crash at any point leaves the segment on disk, and its records are replayed at the next start.
/// </summary>
public sealed class IngestCheckpointer(IServiceProvider services, TimeProvider time, IOptions<IngestOptions> options, ILogger<IngestCheckpointer> logger)
{
    private readonly Lazy<IDurableEffects[][]> _stages = new(() => [.. services.GetServices<IDurableEffects>()
        .GroupBy(e => e.FlushStage).OrderBy(g => g.Key).Select(g => g.ToArray())]);

    /// <summary>Flushes every feature, stage by stage.</summary>
    public async Task FlushEffectsAsync(CancellationToken cancellationToken)
    {
        foreach (var stage in _stages.Value)
        {
            await Task.WhenAll(stage.Select(e => e.FlushAsync(cancellationToken))).ConfigureAwait(false);
        }
    }

    /// <summary>Runs checkpoints until stopped. A checkpoint that fails leaves its segment for replay and is retried.</summary>
    internal async Task RunAsync(IngestJournal journal, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.JournalCheckpointInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                if (journal.CurrentAppended == 0)
                {
                    continue; // nothing new since the last checkpoint
                }

                await CheckpointAsync(journal, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Segments not yet checkpointed stay on disk and are replayed at the next start (idempotently).
        }
    }

    /// <param name="keepAsApplied">
    /// At a clean stop: keep the segment as <c>.applied</c> instead of deleting it. Its records are not processed
    /// again; they only tell the next start which sequence numbers were already handled (see <see cref="MessageProcessor.Remember"/>).
    /// </param>
    internal async Task CheckpointAsync(IngestJournal journal, CancellationToken cancellationToken, bool keepAsApplied = false)
    {
        var segment = await journal.RotateAsync().ConfigureAwait(false);
        await segment.Drained.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await FlushEffectsAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The segment stays: its records are replayed at the next start, where the effects are committed again.
            logger.LogError(ex, "Checkpoint of journal segment {Segment} failed; it is kept for replay", segment.Id);
            return;
        }

        if (keepAsApplied)
        {
            // Every feature was flushed after the workers drained, so older segments that a periodic checkpoint
            // interrupted by the stop left behind are applied too: none of them may be replayed as if after a crash.
            foreach (var path in journal.SealedSegmentPaths())
            {
                File.Move(path, Path.ChangeExtension(path, IngestJournal.AppliedExtension), overwrite: true);
            }
        }
        else
        {
            IngestJournal.Delete(segment.Path);
        }
    }
}
