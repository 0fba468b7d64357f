using SmartCommunity.Storage;
using SmartCommunity.Testing;

namespace SmartCommunity.Gateway.Tests.Infrastructure.Storage;

/// <summary>
/// The hot-path stores' one batching loop against a recording target: what queues while a batch is written goes
/// as the next batch (up to the maximum), a failed batch fails the next flush only, a full queue holds the producer
/// and counts it, and a stop writes what is still queued.
/// </summary>
public sealed class BatchingWorkerTests
{
    [Fact]
    public async Task WhatQueuesWhileABatchIsWrittenGoesAsTheNextBatchUpToTheMaximum()
    {
        var target = new RecordingTarget();
        var worker = new BatchingWorker<int>(target, "Test rows", capacity: 100, maxBatch: 4);
        using var stop = new CancellationTokenSource();
        var loop = worker.RunAsync(stop.Token);

        target.Hold();
        worker.Add(1);
        await Eventually.TrueAsync(() => target.Started == 1, TimeSpan.FromSeconds(30), "the first batch being written");
        for (var i = 2; i <= 7; i++)
        {
            worker.Add(i);
        }

        target.Release();
        await worker.FlushAsync();

        Assert.Equal(new int[][] { [1], [2, 3, 4, 5], [6, 7] }, target.Batches);
        await stop.CancelAsync();
        await loop;
    }

    [Fact]
    public async Task AFailedBatchFailsTheNextFlushOnlyAndIsHandedBackToTheTarget()
    {
        var target = new RecordingTarget { FailNext = true };
        var worker = new BatchingWorker<int>(target, "Test rows", capacity: 100, maxBatch: 10);
        using var stop = new CancellationTokenSource();
        var loop = worker.RunAsync(stop.Token);

        worker.Add(1);
        var error = await Assert.ThrowsAsync<IOException>(() => worker.FlushAsync());
        Assert.Contains("Test rows could not be stored", error.Message, StringComparison.Ordinal);
        Assert.Equal(new int[][] { [1] }, target.FailedBatches);

        worker.Add(2);
        await worker.FlushAsync();
        Assert.Equal(new int[][] { [2] }, target.Batches);
        await stop.CancelAsync();
        await loop;
    }

    [Fact]
    public async Task AFullQueueHoldsTheProducerUntilThereIsRoomAndCountsTheWait()
    {
        var target = new RecordingTarget();
        var waits = 0;
        var worker = new BatchingWorker<int>(target, "Test rows", capacity: 2, maxBatch: 1, onQueueFull: () => Interlocked.Increment(ref waits));
        using var stop = new CancellationTokenSource();
        var loop = worker.RunAsync(stop.Token);

        target.Hold();
        worker.Add(1);
        await Eventually.TrueAsync(() => target.Started == 1, TimeSpan.FromSeconds(30), "the first batch being written");
        worker.Add(2);
        worker.Add(3);
        var producer = Task.Run(() => worker.Add(4));
        await Eventually.TrueAsync(() => Volatile.Read(ref waits) == 1, TimeSpan.FromSeconds(30), "the producer waiting for room");
        Assert.False(producer.IsCompleted, "the producer went on although the queue was full");

        target.Release();
        await producer;
        await worker.FlushAsync();
        Assert.Equal(new int[][] { [1], [2], [3], [4] }, target.Batches);
        await stop.CancelAsync();
        await loop;
    }

    [Fact]
    public async Task AStopWritesWhatIsStillQueued()
    {
        var target = new RecordingTarget();
        var worker = new BatchingWorker<int>(target, "Test rows", capacity: 100, maxBatch: 2);
        using var stop = new CancellationTokenSource();
        var loop = worker.RunAsync(stop.Token);

        target.Hold();
        worker.Add(1);
        await Eventually.TrueAsync(() => target.Started == 1, TimeSpan.FromSeconds(30), "the first batch being written");
        worker.Add(2);
        worker.Add(3);
        worker.Add(4);
        await stop.CancelAsync();
        target.Release();
        await loop;

        Assert.Equal(new int[][] { [1], [2, 3], [4] }, target.Batches);
        Assert.True(target.SawStop, "the batches written at the stop were not told that the host is stopping");
    }

    /// <summary>Records what it is given; can hold a write until released, or fail the next one.</summary>
    private sealed class RecordingTarget : IBatchTarget<int>
    {
        private TaskCompletionSource _gate = Open();
        private int _started;

        public List<int[]> Batches { get; } = [];

        public List<int[]> FailedBatches { get; } = [];

        public bool FailNext { get; set; }

        public bool SawStop { get; private set; }

        public int Started => Volatile.Read(ref _started);

        public void Hold() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _gate.TrySetResult();

        public async Task WriteAsync(IReadOnlyList<int> batch, CancellationToken stopping)
        {
            Interlocked.Increment(ref _started);
            await _gate.Task;
            SawStop |= stopping.IsCancellationRequested;
            if (FailNext)
            {
                FailNext = false;
                throw new IOException("refused");
            }

            Batches.Add([.. batch]);
        }

        public void Failed(IReadOnlyList<int> batch, Exception exception) => FailedBatches.Add([.. batch]);

        private static TaskCompletionSource Open()
        {
            var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            open.SetResult();
            return open;
        }
    }
}
