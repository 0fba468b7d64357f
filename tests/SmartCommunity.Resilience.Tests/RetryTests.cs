using Microsoft.Extensions.Time.Testing;
using Polly;

namespace SmartCommunity.Resilience.Tests;

/// <summary>The Polly pipeline on a fake clock: it waits the policy's backoff between attempts and nothing else.</summary>
public sealed class RetryTests
{
    private static readonly Backoff TwoSeconds = new(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(60));

    // Where the waits do not matter: Polly does not wait at all for a zero delay.
    private static readonly Backoff NoWait = new(TimeSpan.Zero, TimeSpan.Zero);

    [Fact]
    public async Task AFailedAttemptIsTriedAgainOnlyAfterItsBackoffHasPassed()
    {
        var time = new FakeTimeProvider();
        var attempts = 0;
        var waits = new List<TimeSpan>();
        var pipeline = Retry.Pipeline<string>(TwoSeconds, attempts: 3, retryOn: o => o.Result != "ok", time, (_, _, wait) => waits.Add(wait));

        var run = pipeline.ExecuteAsync(_ => ValueTask.FromResult(++attempts < 3 ? "busy" : "ok"), CancellationToken.None).AsTask();

        await SmartCommunity.Testing.Eventually.TrueAsync(() => waits.Count == 1);
        Assert.Equal(1, attempts);
        Assert.InRange(waits[0], TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));
        time.Advance(waits[0] - TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, attempts); // Not a moment before its backoff.
        time.Advance(TimeSpan.FromMilliseconds(1));
        await SmartCommunity.Testing.Eventually.TrueAsync(() => waits.Count == 2);
        Assert.Equal(2, attempts);
        Assert.InRange(waits[1], TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4));
        // The last timer is armed just after the retry is reported: advance until the attempt has run.
        await SmartCommunity.Testing.Eventually.TrueAsync(() =>
        {
            time.Advance(waits[1]);
            return run.IsCompleted;
        });

        Assert.Equal("ok", await run);
        Assert.Equal(3, attempts);
    }

    [Fact]
    public async Task AfterTheLastAttemptTheLastFailureIsReturned()
    {
        var time = new FakeTimeProvider();
        var attempts = 0;
        var pipeline = Retry.Pipeline<string>(NoWait, attempts: 2, retryOn: o => o.Result != "ok", time);

        Assert.Equal("busy 2", await pipeline.ExecuteAsync(_ => ValueTask.FromResult("busy " + ++attempts), CancellationToken.None));
        Assert.Equal(2, attempts);
    }

    [Fact]
    public async Task ExceptionsTheCallerCountsAsFailuresAreRetriedAndOthersAreNot()
    {
        var time = new FakeTimeProvider();
        var attempts = 0;
        var pipeline = Retry.Pipeline<bool>(NoWait, int.MaxValue, o => o.Exception is TimeoutException, time);

        var result = await pipeline.ExecuteAsync(_ => ++attempts < 5 ? throw new TimeoutException() : ValueTask.FromResult(true), CancellationToken.None);
        Assert.True(result);
        Assert.Equal(5, attempts);

        attempts = 0;
        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await pipeline.ExecuteAsync<bool>(_ => { attempts++; throw new InvalidOperationException(); }, CancellationToken.None));
        Assert.Equal(1, attempts);
    }

    [Fact]
    public async Task StoppingDuringABackoffEndsTheRetriesAtOnce()
    {
        var time = new FakeTimeProvider();
        using var stop = new CancellationTokenSource();
        var attempts = 0;
        var pipeline = Retry.Pipeline<bool>(TwoSeconds, int.MaxValue, o => o.Exception is not null, time, (_, _, _) => stop.Cancel());

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            await pipeline.ExecuteAsync<bool>(_ => { attempts++; throw new TimeoutException(); }, stop.Token));
        Assert.Equal(1, attempts);
    }

    [Fact]
    public async Task OneAttemptMeansNoRetry()
    {
        var attempts = 0;
        var pipeline = Retry.Pipeline<string>(TwoSeconds, attempts: 1, retryOn: _ => true, new FakeTimeProvider());
        Assert.Equal("busy", await pipeline.ExecuteAsync(_ => { attempts++; return ValueTask.FromResult("busy"); }, CancellationToken.None));
        Assert.Equal(1, attempts);
    }
}
