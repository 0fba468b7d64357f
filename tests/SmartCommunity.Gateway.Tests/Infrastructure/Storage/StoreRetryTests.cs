using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using SmartCommunity.Storage;

namespace SmartCommunity.Gateway.Tests.Infrastructure.Storage;

/// <summary>StoreRetry on the one retry policy: an unreachable database is waited out and counted, a refusal is not retried.</summary>
public sealed class StoreRetryTests
{
    [Fact]
    public void AWriteIsRetriedWhileTheDatabaseIsUnreachableAndEachRetryIsCounted()
    {
        var retries = 0;
        var retry = new StoreRetry(NullLogger.Instance, "test rows", () => retries++, TimeProvider.System);
        var attempts = 0;

        retry.Run(() =>
        {
            if (++attempts < 3)
            {
                throw new SqliteException("database is locked", 5); // SQLITE_BUSY
            }
        }, CancellationToken.None);

        Assert.Equal((3, 2), (attempts, retries));
    }

    [Fact]
    public void AStatementTheDatabaseRefusesIsNotRetried()
    {
        var retries = 0;
        var retry = new StoreRetry(NullLogger.Instance, "test rows", () => retries++, TimeProvider.System);
        var attempts = 0;

        Assert.Throws<SqliteException>(() => retry.Run(() =>
        {
            attempts++;
            throw new SqliteException("UNIQUE constraint failed", 19); // SQLITE_CONSTRAINT
        }, CancellationToken.None));

        Assert.Equal((1, 0), (attempts, retries));
    }

    [Fact]
    public void AStopEndsTheRetriesWithTheLastError()
    {
        using var stopping = new CancellationTokenSource();
        var retry = new StoreRetry(NullLogger.Instance, "test rows", () => { }, TimeProvider.System);
        var attempts = 0;

        Assert.ThrowsAny<Exception>(() => retry.Run(() =>
        {
            attempts++;
            stopping.Cancel();
            throw new SqliteException("disk I/O error", 10); // SQLITE_IOERR
        }, stopping.Token));

        Assert.Equal(1, attempts);
    }
}
