using Polly;
using Polly.Retry;

namespace SmartCommunity.Resilience;

/// <summary>
/// Polly retry pipelines whose waits come from <see cref="Backoff"/>, so one operation retried to success or
/// give-up (a webhook POST, a broker connect) uses the same delays and jitter as every other retry here.
/// </summary>
public static class Retry
{
    /// <summary>
    /// A pipeline that runs an operation up to <paramref name="attempts"/> times (<c>int.MaxValue</c>: until it
    /// succeeds or is cancelled), waiting <see cref="Backoff.Delay"/> on <paramref name="time"/> between attempts.
    /// </summary>
    /// <param name="retryOn">True when an outcome (a result or an exception) is a failure worth another attempt.</param>
    /// <param name="onRetry">Told of each failure that will be retried (1-based attempt number, outcome, wait).</param>
    public static ResiliencePipeline<T> Pipeline<T>(Backoff backoff, int attempts, Func<Outcome<T>, bool> retryOn, TimeProvider time,
        Action<int, Outcome<T>, TimeSpan>? onRetry = null)
    {
        ArgumentNullException.ThrowIfNull(backoff);
        ArgumentOutOfRangeException.ThrowIfLessThan(attempts, 1);
        if (attempts == 1)
        {
            return ResiliencePipeline<T>.Empty;
        }

        return new ResiliencePipelineBuilder<T> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<T>
            {
                MaxRetryAttempts = attempts == int.MaxValue ? int.MaxValue : attempts - 1,
                ShouldHandle = args => ValueTask.FromResult(retryOn(args.Outcome)),
                // Polly's AttemptNumber is 0 for the first attempt; its failure is followed by retry 1.
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(backoff.Delay(args.AttemptNumber + 1)),
                OnRetry = args =>
                {
                    onRetry?.Invoke(args.AttemptNumber + 1, args.Outcome, args.RetryDelay);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }
}
