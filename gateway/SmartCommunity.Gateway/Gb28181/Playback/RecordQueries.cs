using System.Collections.Concurrent;
using SmartCommunity.Gb28181.Manscdp;

namespace SmartCommunity.Gateway.Gb28181.Playback;

public enum RecordQueryOutcome
{
    /// <summary>Every item the device announced (SumNum) arrived.</summary>
    Complete,

    /// <summary>The device acknowledged the query but its answers stopped short of SumNum before the timeout.</summary>
    Partial,

    /// <summary>The device did not acknowledge the query MESSAGE.</summary>
    NotAnswered,

    /// <summary>The device answered the MESSAGE with an error status.</summary>
    Refused,

    /// <summary>Too many queries are waiting for answers already.</summary>
    Busy,
}

public sealed record RecordQueryResult(RecordQueryOutcome Outcome, RecordList? List, string? Detail = null);

/// <summary>
/// RecordInfo queries to devices (GB/T 28181-2016 §9.7.1 历史视音频文件检索, A.2.4.5 query and A.2.6.6 answer): the
/// gateway sends the Query MESSAGE to the channel through its registered parent; the device acknowledges it with 200 and
/// then sends one or more Response MESSAGEs with the same SN, which are collected until SumNum. An answer whose SN no
/// query waits for, or that comes from another device than the one asked, is refused and counted.
/// </summary>
public sealed class RecordQueries(Gb28181Options options, SipClient client, Gb28181Metrics metrics, ILogger<RecordQueries> logger)
{
    /// <summary>Queries waiting for answers at once; more are answered Busy (each holds a collector of up to 10 000 items).</summary>
    public const int MaxPending = 64;

    private readonly ConcurrentDictionary<long, Pending> _pending = new();

    public async Task<RecordQueryResult> QueryAsync(DeviceSession session, string channelId, DateTime start, DateTime end, CancellationToken cancellationToken)
    {
        if (_pending.Count >= MaxPending)
        {
            metrics.Refused("recordinfo-busy");
            return new RecordQueryResult(RecordQueryOutcome.Busy, null);
        }

        var sn = client.NextSn();
        var pending = new Pending(new RecordInfoCollector(channelId, sn), session.DeviceId);
        _pending[sn] = pending;
        try
        {
            var request = client.NewRequest("MESSAGE", session, user: channelId);
            request.Add("Content-Type", "Application/MANSCDP+xml");
            request.Body = ManscdpBodies.RecordInfoQuery(sn, channelId, start, end);
            var answer = await client.SendAsync(request, session, TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
            if (answer?.StatusCode is not (>= 200 and < 300))
            {
                metrics.Refused(answer is null ? "recordinfo-timeout" : "recordinfo-refused");
                return new RecordQueryResult(answer is null ? RecordQueryOutcome.NotAnswered : RecordQueryOutcome.Refused, null,
                    answer is null ? null : $"{answer.StatusCode} {answer.ReasonPhrase}");
            }

            metrics.Message("RecordInfo");
            try
            {
                var list = await pending.Done.Task.WaitAsync(options.RecordQueryTimeout, cancellationToken).ConfigureAwait(false);
                return new RecordQueryResult(RecordQueryOutcome.Complete, list);
            }
            catch (TimeoutException)
            {
                metrics.Refused("recordinfo-incomplete");
                lock (pending)
                {
                    logger.LogWarning("GB/T 28181: RecordInfo of {Channel} stopped short of SumNum", channelId);
                    return new RecordQueryResult(RecordQueryOutcome.Partial, pending.Collector.Partial());
                }
            }
        }
        finally
        {
            _pending.TryRemove(sn, out _);
        }
    }

    /// <summary>A <c>Response</c>/<c>RecordInfo</c> MESSAGE from a registered device (already acknowledged with 200).</summary>
    public void OnResponse(ManscdpMessage response, string senderId)
    {
        if (!_pending.TryGetValue(response.Sn, out var pending) || pending.ParentId != senderId)
        {
            metrics.Refused("recordinfo-stray");
            return;
        }

        lock (pending)
        {
            var list = pending.Collector.Add(response, out var refused);
            if (refused is not null)
            {
                metrics.Refused("recordinfo-" + refused);
            }

            if (list is not null)
            {
                pending.Done.TrySetResult(list);
            }
        }
    }

    private sealed class Pending(RecordInfoCollector collector, string parentId)
    {
        public RecordInfoCollector Collector { get; } = collector;

        public string ParentId { get; } = parentId;

        public TaskCompletionSource<RecordList> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
