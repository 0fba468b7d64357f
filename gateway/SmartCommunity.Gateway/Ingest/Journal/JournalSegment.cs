namespace SmartCommunity.Gateway.Ingest.Journal;

/// <summary>
/// One file of the ingest journal, and the count of its records that ingest workers have not finished yet.
/// A segment is sealed when the journal moves on to the next one; it may be deleted once it is sealed, every
/// record is processed, and every feature has committed what those records caused (the checkpoint).
/// </summary>
internal sealed class JournalSegment(long id, string path)
{
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _outstanding;
    private volatile bool _sealed;

    public long Id { get; } = id;

    public string Path { get; } = path;

    /// <summary>Records appended to this segment (written or waiting to be).</summary>
    public long Appended { get; private set; }

    /// <summary>Completes when the segment is sealed and every one of its records has been processed.</summary>
    public Task Drained => _drained.Task;

    /// <summary>Called under the journal's lock as a record joins this segment.</summary>
    public void Added()
    {
        Appended++;
        Interlocked.Increment(ref _outstanding);
    }

    /// <summary>Replayed segments start with all their records outstanding.</summary>
    public void AddedReplayed(int count)
    {
        Appended += count;
        Interlocked.Add(ref _outstanding, count);
    }

    /// <summary>An ingest worker finished one record of this segment (whatever the outcome).</summary>
    public void Processed()
    {
        if (Interlocked.Decrement(ref _outstanding) == 0 && _sealed)
        {
            _drained.TrySetResult();
        }
    }

    /// <summary>No record joins this segment any more.</summary>
    public void Seal()
    {
        _sealed = true;
        if (Volatile.Read(ref _outstanding) == 0)
        {
            _drained.TrySetResult();
        }
    }
}
