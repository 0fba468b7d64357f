using Microsoft.Extensions.Logging;

namespace SmartCommunity.Storage;

/// <summary>
/// How a hot-path writer waits out an unreachable database (server stopped, network gone, SQLite busy or disk
/// full): the same batch is tried again, backing off from 100 ms to 5 s, for as long as it takes. The writer's
/// loop holds meanwhile, its bounded queue fills, the ingest workers wait for room and the broker holds back
/// PUBACKs: back-pressure reaches the devices instead of events being dropped. A statement the database refuses
/// (a constraint, a syntax error) is not retried: it would fail again.
/// </summary>
public static class StoreRetry
{
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(5);

    /// <summary>Runs <paramref name="write"/> until it succeeds; rethrows a refusal, or the last error once <paramref name="stopping"/> is cancelled.</summary>
    public static void Run(Action write, ILogger logger, string what, CancellationToken stopping)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        var attempt = 0;
        while (true)
        {
            try
            {
                write();
                if (attempt > 0)
                {
                    logger.LogInformation("Storing {What} works again after {Attempts} retries.", what, attempt);
                }

                return;
            }
            catch (Exception ex) when (SqlDialect.IsUnavailable(ex) && !stopping.IsCancellationRequested)
            {
                attempt++;
                if (attempt == 1 || attempt % 20 == 0)
                {
                    logger.LogWarning("Storing {What} failed ({Error}); retrying (attempt {Attempt}), ingest waits meanwhile.", what, ex.Message, attempt);
                }

                // Wakes early when the host stops; the next attempt then rethrows for the stop path.
                stopping.WaitHandle.WaitOne(delay);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxDelay.Ticks));
            }
        }
    }
}
