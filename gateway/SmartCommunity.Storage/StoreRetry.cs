using Microsoft.Extensions.Logging;
using Polly;
using SmartCommunity.Resilience;

namespace SmartCommunity.Storage;

/// <summary>
/// How a hot-path writer waits out an unreachable database (server stopped, network gone, SQLite busy or disk
/// full): the same batch is tried again, on the project's one retry policy (<see cref="Retry.Pipeline{T}"/> with
/// <see cref="Policy"/>: 100 ms doubling to 5 s, equal jitter), for as long as it takes. The writer's loop holds
/// meanwhile, its bounded queue fills, the ingest workers wait for room and the broker holds back PUBACKs:
/// back-pressure reaches the devices instead of events being dropped. A statement the database refuses (a
/// constraint, a syntax error) is not retried: it would fail again. Each retry is counted by the caller's
/// <c>onRetry</c> (the gateway's <c>sc_storage_retries_total{store}</c>).
/// </summary>
public sealed class StoreRetry
{
    /// <summary>100 ms doubling to 5 s, as before the move to the one policy (its jitter is now <see cref="Backoff"/>'s).</summary>
    public static readonly Backoff Policy = new(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5));

    private readonly ILogger _logger;
    private readonly string _what;
    private readonly ResiliencePipeline<bool> _pipeline;

    /// <param name="what">What is stored, for the log (<c>door events</c>).</param>
    /// <param name="onRetry">Called once per failed attempt that will be retried (a counter).</param>
    public StoreRetry(ILogger logger, string what, Action onRetry, TimeProvider time)
    {
        _logger = logger;
        _what = what;
        _pipeline = Retry.Pipeline<bool>(Policy, int.MaxValue, outcome => outcome.Exception is { } ex && SqlDialect.IsUnavailable(ex), time,
            (attempt, outcome, _) =>
            {
                onRetry();
                if (attempt == 1 || attempt % 20 == 0)
                {
                    _logger.LogWarning("Storing {What} failed ({Error}); retrying (attempt {Attempt}), ingest waits meanwhile.", _what, outcome.Exception?.Message, attempt);
                }
            });
    }

    /// <summary>
    /// Runs <paramref name="write"/> until it succeeds, waiting between attempts without holding a thread (the
    /// writer's loop awaits). A refusal is rethrown at once. When <paramref name="stopping"/> is cancelled, during
    /// a wait or before the call, <paramref name="write"/> gets one last attempt at once: a clean stop still stores
    /// what was queued, and an error from that attempt (the database is still away) goes to the writer's stop
    /// path, where the ingest journal keeps the events for replay.
    /// </summary>
    public async Task RunAsync(Action write, CancellationToken stopping)
    {
        if (!stopping.IsCancellationRequested)
        {
            var attempts = 0;
            try
            {
                await _pipeline.ExecuteAsync(_ =>
                {
                    attempts++;
                    write();
                    return ValueTask.FromResult(true);
                }, stopping).ConfigureAwait(false);
                if (attempts > 1)
                {
                    _logger.LogInformation("Storing {What} works again after {Attempts} retries.", _what, attempts - 1);
                }

                return;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                // The host stopped during a wait: the last attempt below, without waiting out the backoff.
            }
        }

        write();
    }
}
