using System.Security.Claims;
using Microsoft.Extensions.Options;
using SmartCommunity.Gateway.Auth;
using SmartCommunity.Gateway.Grid;
using SmartCommunity.Gateway.Video.Cameras;
using SmartCommunity.Gateway.Video.Footage;
using SmartCommunity.Gateway.Infrastructure.Http;

namespace SmartCommunity.Gateway.Video.Events;

/// <summary>A bookmark: the event and the footage around it (an HLS playlist link, as alerts carry).</summary>
public sealed record EventBookmark(CameraEvent Event, string Footage);

/// <summary>Camera events as bookmarks, newest first, for the cameras the caller may see.</summary>
public static class EventsApi
{
    private static readonly TimeSpan MaxRange = TimeSpan.FromDays(31);

    public static void MapCameraEventsApi(this IEndpointRouteBuilder app) =>
        app.MapGroup("api/video/events").WithTags("Video").MapGet("", List).RequireAuthorization(AuthPolicies.AnyPerson);

    /// <summary>Without <c>from</c>/<c>to</c>: the last day.</summary>
    private static IResult List(string? camera, long? from, long? to, string? type, int? limit, ClaimsPrincipal user, CameraRegistry cameras, GridRegistry grid, CameraEventIndex events, IOptions<VideoOptions> options, TimeProvider time)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (TimeRange.TryCreate(from ?? (to ?? now + 1) - 86_400_000, to ?? now + 1, MaxRange, out var range) is { } error)
        {
            return ApiProblem.BadRequest("invalid_filter", error);
        }

        if (limit is < 1 or > 5000 || type is { Length: > 64 })
        {
            return ApiProblem.BadRequest("invalid_filter", "Query 'limit' must be 1–5000 and 'type' at most 64 characters.");
        }

        var visible = user.VisibleCells(grid.Snapshot);
        var ids = cameras.All.Where(c => (camera is null || c.Id == camera) && visible.Contains(c.CellId)).Select(c => c.Id).ToList();
        if (ids.Count == 0)
        {
            return camera is null ? TypedResults.Ok(Array.Empty<EventBookmark>()) : TypedResults.NotFound();
        }

        var margin = (long)options.Value.BookmarkMargin.TotalMilliseconds;
        return TypedResults.Ok(events.List(ids, range.FromMs, range.ToMs, type, limit ?? 500).Select(e =>
            new EventBookmark(e, $"/api/video/cameras/{e.CameraId}/footage?from={e.At.ToUnixTimeMilliseconds() - margin}&to={e.At.ToUnixTimeMilliseconds() + margin}")));
    }
}
