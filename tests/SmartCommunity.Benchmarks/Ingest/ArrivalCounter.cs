namespace SmartCommunity.Benchmarks.Ingest;

/// <summary>Counts messages the subscriber received and lets the benchmark wait for a running total.</summary>
internal sealed class ArrivalCounter
{
    private long _count;
    private long _target = long.MaxValue;
    private TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public long Count => Interlocked.Read(ref _count);

    public void Increment()
    {
        if (Interlocked.Increment(ref _count) >= Interlocked.Read(ref _target))
        {
            Volatile.Read(ref _reached).TrySetResult();
        }
    }

    /// <summary>Waits until <paramref name="target"/> messages arrived in total, or the timeout passed (then the rate shows the loss).</summary>
    public async Task WaitForAsync(long target, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Volatile.Write(ref _reached, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        Interlocked.Exchange(ref _target, target);
        if (Count >= target)
        {
            return;
        }

        try
        {
            await Volatile.Read(ref _reached).Task.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            // Messages were lost on the way: report the rate of what arrived.
        }
    }
}
