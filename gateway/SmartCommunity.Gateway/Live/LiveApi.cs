using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using SmartCommunity.Gateway.Auth;
using SmartCommunity.Gateway.Grid;
using SmartCommunity.Gateway.Infrastructure.Http;

namespace SmartCommunity.Gateway.Live;

/// <summary>
/// <c>GET /api/live?topic=alert</c>: Server-Sent Events for dashboards (the <c>sc_session</c> cookie works, so a
/// browser's EventSource needs no header). First a <c>ready</c> event, then every event the caller may see,
/// and a <c>ping</c> every 15 s so proxies keep the connection open. <c>seconds=N</c> closes the stream after N
/// seconds (scripts: <c>curl -N …/api/live?seconds=60</c>; 0 answers with the <c>ready</c> event only).
/// </summary>
public static class LiveApi
{
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);

    public static IEndpointRouteBuilder MapLiveApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("api/live", Stream).RequireAuthorization(AuthPolicies.AnyPerson).WithTags("Live");
        return app;
    }

    private static Results<ServerSentEventsResult<string>, BadRequest<ApiProblem>> Stream(
        ClaimsPrincipal user, LiveHub hub, GridRegistry grid, string[]? topic, int? seconds, CancellationToken cancellationToken)
    {
        if (seconds is < 0 or > 86_400)
        {
            return ApiProblem.BadRequest("invalid_seconds", "seconds must be 0–86400.");
        }

        var subscription = hub.Subscribe(user.VisibleCells(grid.Snapshot), topic is { Length: > 0 } ? topic.ToHashSet(StringComparer.Ordinal) : null);
        return TypedResults.ServerSentEvents(Read(subscription, seconds, cancellationToken));
    }

    private static async IAsyncEnumerable<SseItem<string>> Read(LiveSubscription subscription, int? seconds, [EnumeratorCancellation] CancellationToken requestAborted)
    {
        using var _ = subscription;
        using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
        if (seconds is { } limit)
        {
            lifetime.CancelAfter(TimeSpan.FromSeconds(limit));
        }

        var cancellationToken = lifetime.Token;
        long id = 0;
        yield return new SseItem<string>("{}", "ready");
        if (seconds == 0)
        {
            yield break;
        }

        while (!cancellationToken.IsCancellationRequested)
        {
            bool more;
            using (var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                wait.CancelAfter(Heartbeat);
                try
                {
                    more = await subscription.Reader.WaitToReadAsync(wait.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Only the heartbeat wait timed out: send a ping. The stream's own end (client gone, seconds
                    // elapsed) ends the enumeration quietly rather than aborting the response.
                    more = !cancellationToken.IsCancellationRequested;
                }
            }

            if (!more || cancellationToken.IsCancellationRequested)
            {
                yield break;
            }

            if (subscription.Reader.Count == 0)
            {
                yield return new SseItem<string>("{}", "ping");
            }

            while (subscription.Reader.TryRead(out var liveEvent))
            {
                yield return new SseItem<string>(liveEvent.Json, liveEvent.Topic) { EventId = (++id).ToString(System.Globalization.CultureInfo.InvariantCulture) };
            }
        }
    }
}
