using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using SmartCommunity.Gateway.Auth;
using SmartCommunity.Gateway.Grid;
using SmartCommunity.Gateway.Video.Cameras;
using SmartCommunity.Gateway.Video.Recording;
using SmartCommunity.Gateway.Infrastructure.Http;

namespace SmartCommunity.Gateway.Video.Footage;

/// <summary>A segment as the API lists it, with the URL of its file.</summary>
public sealed record SegmentView(long Id, DateTimeOffset Start, DateTimeOffset End, long DurationMs, long Size, bool Motion, bool Events, bool Evidence, bool Repaired, string Url)
{
    public static SegmentView From(VideoSegment s) =>
        new(s.Id, DateTimeOffset.FromUnixTimeMilliseconds(s.StartMs), DateTimeOffset.FromUnixTimeMilliseconds(s.EndMs), s.DurationMs, s.Size, s.Motion, s.Events, s.Evidence, s.Repaired,
            $"/api/video/cameras/{s.CameraId}/segments/{s.Id}.ts");
}

/// <summary>
/// Footage over HTTP, for anyone who may see the camera: the segments of a range, the range as an HLS playlist
/// (<c>footage</c>, the link alerts carry as evidence), and the segment files with byte ranges (named <c>.ts</c>:
/// ffmpeg's HLS reader refuses segment URLs without a media extension).
/// </summary>
public static class FootageApi
{
    public const string PlaylistType = "application/vnd.apple.mpegurl";

    public static void MapFootageApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/video/cameras/{id}").WithTags("Video");
        api.MapGet("segments", Segments).RequireAuthorization(AuthPolicies.AnyPerson);
        api.MapGet("footage", Playlist).RequireAuthorization(AuthPolicies.AnyPerson);
        api.MapGet("segments/{segmentId:long}.ts", SegmentFile).RequireAuthorization(AuthPolicies.AnyPerson);
    }

    private static Results<Ok<IEnumerable<SegmentView>>, NotFound, BadRequest<ApiProblem>> Segments(
        string id, long? from, long? to, ClaimsPrincipal user, CameraRegistry cameras, GridRegistry grid, SegmentIndex index, IOptions<VideoOptions> options)
    {
        if (cameras.Visible(id, user, grid) is null)
        {
            return TypedResults.NotFound();
        }

        return TimeRange.TryCreate(from, to, options.Value.MaxQueryRange, out var range) is { } error
            ? ApiProblem.BadRequest("invalid_range", error)
            : TypedResults.Ok(index.Range(id, range.FromMs, range.ToMs).Select(SegmentView.From));
    }

    private static IResult Playlist(string id, long? from, long? to, HttpRequest request, ClaimsPrincipal user, CameraRegistry cameras, GridRegistry grid, SegmentIndex index, IOptions<VideoOptions> options)
    {
        if (cameras.Visible(id, user, grid) is not { } camera)
        {
            return TypedResults.NotFound();
        }

        if (TimeRange.TryCreate(from, to, options.Value.MaxQueryRange, out var range) is { } error)
        {
            return ApiProblem.BadRequest("invalid_range", error);
        }

        if (FootagePage.Wanted(request))
        {
            return TypedResults.Content(FootagePage.Html(camera.Name), "text/html; charset=utf-8");
        }

        var segments = index.Range(id, range.FromMs, range.ToMs);
        if (segments.Count == 0)
        {
            return ApiProblem.NotFound("no_footage", "No footage of this camera in the range.");
        }

        // Relative URIs resolve against .../cameras/{id}/footage, so the playlist works behind any prefix or proxy.
        return TypedResults.Text(HlsPlaylist.Build(segments, s => $"segments/{s.Id}.ts"), PlaylistType);
    }

    private static IResult SegmentFile(string id, long segmentId, ClaimsPrincipal user, CameraRegistry cameras, GridRegistry grid, SegmentIndex index, VideoPaths paths) =>
        cameras.Visible(id, user, grid) is not null && index.Get(segmentId) is { } segment && segment.CameraId == id
        && paths.FileOf(segment) is { } file
            ? TypedResults.PhysicalFile(file, "video/mp2t", enableRangeProcessing: true)
            : TypedResults.NotFound();
}
