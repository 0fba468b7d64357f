using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using SmartCommunity.Gateway.Alerts.Engine;
using SmartCommunity.Gateway.Auth;
using SmartCommunity.Gateway.Grid;
using SmartCommunity.Gateway.Video.Cameras;
using SmartCommunity.Gateway.Video.Footage;
using SmartCommunity.Gateway.Infrastructure.Http;

namespace SmartCommunity.Gateway.Video.Clips;

/// <summary>
/// Clip exports: public security and admins export (evidence); anyone who may see the camera lists clips and
/// downloads them (MP4 with byte ranges).
/// </summary>
public static class ClipsApi
{
    public static void MapClipsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/video/clips").WithTags("Video");
        api.MapPost("", Create).RequireAuthorization(AuthPolicies.PublicSecurity);
        api.MapGet("", List).RequireAuthorization(AuthPolicies.AnyPerson);
        api.MapGet("{clipId}", Get).RequireAuthorization(AuthPolicies.AnyPerson);
        api.MapGet("{clipId}/file", Download).RequireAuthorization(AuthPolicies.AnyPerson);
    }

    private static IResult Create(ClipRequest request, ClaimsPrincipal user, CameraRegistry cameras, GridRegistry grid, ClipExporter exporter, IServiceProvider services, IOptions<VideoOptions> options)
    {
        string cameraId;
        long? from = request.From;
        long? to = request.To;
        if (request.AlertId is { } alertId)
        {
            if (alertId.Length > 100 || services.GetService<AlertStore>()?.Get(alertId) is not { } alert)
            {
                return ApiProblem.BadRequest("unknown_alert", $"Alert '{alertId}' does not exist.");
            }

            // The alert's footage evidence names the camera and the range (as water safety links it).
            var footage = alert.Evidence.FirstOrDefault(e => e.Kind == "footage" && e.From is not null && e.To is not null && FootageLink.CameraOf(e.Uri) is not null);
            if (footage is null)
            {
                return ApiProblem.BadRequest("no_footage_evidence", $"Alert '{alertId}' has no footage evidence.");
            }

            cameraId = FootageLink.CameraOf(footage.Uri)!;
            from = footage.From!.Value.ToUnixTimeMilliseconds();
            to = footage.To!.Value.ToUnixTimeMilliseconds();
        }
        else
        {
            cameraId = request.CameraId ?? "";
        }

        if (cameras.Visible(cameraId, user, grid) is null)
        {
            return ApiProblem.BadRequest("unknown_camera", $"Camera '{cameraId}' does not exist.");
        }

        if (TimeRange.TryCreate(from, to, options.Value.MaxClipLength, out var range) is { } error)
        {
            return ApiProblem.BadRequest("invalid_clip", error);
        }

        var clip = exporter.Enqueue(cameraId, DateTimeOffset.FromUnixTimeMilliseconds(range.FromMs), DateTimeOffset.FromUnixTimeMilliseconds(range.ToMs), request.AlertId, user.Id());
        return TypedResults.Accepted($"/api/video/clips/{clip.Id}", clip);
    }

    private static Ok<IEnumerable<Clip>> List(string? camera, ClaimsPrincipal user, CameraRegistry cameras, GridRegistry grid, ClipStore store)
    {
        var visible = user.VisibleCells(grid.Snapshot);
        return TypedResults.Ok(store.List(camera, 500)
            .Where(c => visible.Contains(cameras.Find(c.Clip.CameraId)?.CellId))
            .Select(c => c.Clip));
    }

    private static IResult Get(string clipId, ClaimsPrincipal user, CameraRegistry cameras, GridRegistry grid, ClipStore store) =>
        Find(clipId, user, cameras, grid, store) is { } entry ? TypedResults.Ok(entry.Clip) : TypedResults.NotFound();

    private static IResult Download(string clipId, ClaimsPrincipal user, CameraRegistry cameras, GridRegistry grid, ClipStore store, VideoPaths paths) =>
        Find(clipId, user, cameras, grid, store) is { Path: { } relative } entry && paths.Resolve(relative) is { } file && File.Exists(file)
            ? TypedResults.PhysicalFile(file, "video/mp4", $"clip-{entry.Clip.CameraId}-{entry.Clip.From.ToUnixTimeMilliseconds()}.mp4", enableRangeProcessing: true)
            : TypedResults.NotFound();

    private static (Clip Clip, string? Path)? Find(string clipId, ClaimsPrincipal user, CameraRegistry cameras, GridRegistry grid, ClipStore store)
    {
        if (clipId.Length > 64 || store.Get(clipId) is not { } entry)
        {
            return null;
        }

        var visible = user.VisibleCells(grid.Snapshot);
        return visible.Contains(cameras.Find(entry.Clip.CameraId)?.CellId) ? entry : null;
    }
}
