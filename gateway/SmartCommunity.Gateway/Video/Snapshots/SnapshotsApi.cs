using System.Security.Claims;
using SmartCommunity.Gateway.Auth;
using SmartCommunity.Gateway.Grid;
using SmartCommunity.Gateway.Video.Cameras;

namespace SmartCommunity.Gateway.Video.Snapshots;

/// <summary>Snapshots over HTTP: the camera's latest picture and the event snapshots the frame path saved.</summary>
public static class SnapshotsApi
{
    public static void MapSnapshotsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/video/cameras/{id}").WithTags("Video");
        api.MapGet("snapshot", Latest).RequireAuthorization(AuthPolicies.AnyPerson);
        api.MapGet("snapshots/{name}", Saved).RequireAuthorization(AuthPolicies.AnyPerson);
    }

    private static async Task<IResult> Latest(string id, ClaimsPrincipal user, CameraRegistry cameras, GridRegistry grid, SnapshotStore store, LatestSnapshotSource fallback, CancellationToken cancellationToken)
    {
        if (cameras.Visible(id, user, grid) is null)
        {
            return TypedResults.NotFound();
        }

        var path = store.Latest(id) ?? await fallback.FromNewestSegmentAsync(id, cancellationToken);
        return path is null ? TypedResults.NotFound() : TypedResults.PhysicalFile(path, "image/jpeg");
    }

    private static IResult Saved(string id, string name, ClaimsPrincipal user, CameraRegistry cameras, GridRegistry grid, SnapshotStore store) =>
        cameras.Visible(id, user, grid) is not null && store.Find(id, name) is { } path
            ? TypedResults.PhysicalFile(path, "image/jpeg")
            : TypedResults.NotFound();
}
