using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using SmartCommunity.Storage;
using SmartCommunity.Testing;

namespace SmartCommunity.Gateway.Tests.Infrastructure.Storage;

/// <summary>
/// StoreRetry on the one retry policy: an unreachable database is waited out and counted, a refusal is not
/// retried, and a stop ends a wait at once with one last attempt (so a clean stop still stores its queue).
/// </summary>
public sealed class StoreRetryTests
{
    [Fact]
    public async Task AWriteIsRetriedWhileTheDatabaseIsUnreachableAndEachRetryIsCounted()
    {
        var time = new FakeTimeProvider();
        var retries = 0;
        var retry = new StoreRetry(NullLogger.Instance, "test rows", () => retries++, time);
        var attempts = 0;

        var run = retry.RunAsync(() =>
        {
            if (++attempts < 3)
            {
                throw new SqliteException("database is locked", 5); // SQLITE_BUSY
            }
        }, CancellationToken.None);

        // The waits are on the writer's clock: it is moved on until the third attempt has succeeded.
        await Eventually.TrueAsync(() =>
        {
            time.Advance(TimeSpan.FromSeconds(1));
            return run.IsCompleted;
        }, TimeSpan.FromSeconds(30), "the write succeeding once the database is back");

        await run;
        Assert.Equal((3, 2), (attempts, retries));
    }

    [Fact]
    public async Task AStatementTheDatabaseRefusesIsNotRetried()
    {
        var retries = 0;
        var retry = new StoreRetry(NullLogger.Instance, "test rows", () => retries++, new FakeTimeProvider());
        var attempts = 0;

        await Assert.ThrowsAsync<SqliteException>(() => retry.RunAsync(() =>
        {
            attempts++;
            throw new SqliteException("UNIQUE constraint failed", 19); // SQLITE_CONSTRAINT
        }, CancellationToken.None));

        Assert.Equal((1, 0), (attempts, retries));
    }

    [Fact]
    public async Task AStopDuringAWaitEndsItAtOnceWithOneLastAttemptAndItsError()
    {
        using var stopping = new CancellationTokenSource();
        // The clock never moves: only the stop can end the wait.
        var retry = new StoreRetry(NullLogger.Instance, "test rows", () => { }, new FakeTimeProvider());
        var attempts = 0;

        var run = retry.RunAsync(() =>
        {
            attempts++;
            throw new SqliteException("disk I/O error", 10); // SQLITE_IOERR
        }, stopping.Token);
        await Eventually.TrueAsync(() => attempts == 1, TimeSpan.FromSeconds(30), "the first attempt");
        Assert.False(run.IsCompleted, "the retry gave up while the database was only unreachable");

        await stopping.CancelAsync();

        await Assert.ThrowsAsync<SqliteException>(() => run);
        Assert.Equal(2, attempts);
    }

    [Fact]
    public async Task AWriteAfterTheStopIsTriedOnceSoTheQueueIsStillStored()
    {
        using var stopping = new CancellationTokenSource();
        await stopping.CancelAsync();
        var retry = new StoreRetry(NullLogger.Instance, "test rows", () => { }, new FakeTimeProvider());
        var attempts = 0;

        await retry.RunAsync(() => attempts++, stopping.Token);

        Assert.Equal(1, attempts);
    }
}
