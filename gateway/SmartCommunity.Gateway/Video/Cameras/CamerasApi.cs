using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using SmartCommunity.Gateway.Auth;
using SmartCommunity.Gateway.Grid;
using SmartCommunity.Gateway.Infrastructure.Http;

namespace SmartCommunity.Gateway.Video.Cameras;

/// <summary>Cameras over HTTP: public security and admins manage them, staff read all, guards read those in their cells.</summary>
public static class CamerasApi
{
    public static RouteGroupBuilder MapCamerasApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/video/cameras").WithTags("Video");
        api.MapGet("", List).RequireAuthorization(AuthPolicies.AnyPerson);
        api.MapGet("{id}", Get).RequireAuthorization(AuthPolicies.AnyPerson);
        api.MapPut("{id}", Put).RequireAuthorization(AuthPolicies.PublicSecurity);
        api.MapDelete("{id}", Delete).RequireAuthorization(AuthPolicies.PublicSecurity);
        // 32 zones of 64 points and 32 lines fit in well under 256 KiB; anything bigger is not a drawing.
        api.MapPut("{id}/regions", PutRegions).RequireAuthorization(AuthPolicies.PublicSecurity)
            .WithMetadata(new RequestSizeLimitAttribute(256 * 1024));
        return api;
    }

    /// <summary>The camera when the caller may see it (staff: all; guards: their cells), else null (answered 404, nothing leaks).</summary>
    public static Camera? Visible(this CameraRegistry cameras, string id, ClaimsPrincipal user, GridRegistry grid)
    {
        var visible = user.VisibleCells(grid.Snapshot);
        return cameras.Find(id) is { } camera && visible.Contains(camera.CellId) ? camera : null;
    }

    private static Ok<IEnumerable<CameraView>> List(ClaimsPrincipal user, CameraRegistry cameras, CameraStatusBoard status, GridRegistry grid)
    {
        var visible = user.VisibleCells(grid.Snapshot);
        return TypedResults.Ok(cameras.All
            .Where(c => visible.Contains(c.CellId))
            .OrderBy(c => c.Id, StringComparer.Ordinal)
            .Select(c => CameraView.From(c, status.Get(c.Id))));
    }

    private static Results<Ok<CameraView>, NotFound> Get(string id, ClaimsPrincipal user, CameraRegistry cameras, CameraStatusBoard status, GridRegistry grid) =>
        cameras.Visible(id, user, grid) is { } camera ? TypedResults.Ok(CameraView.From(camera, status.Get(id))) : TypedResults.NotFound();

    private static Results<Ok<CameraView>, BadRequest<ApiProblem>> Put(string id, CameraRequest request, CameraRegistry cameras, CameraStatusBoard status, GridRegistry grid, IOptions<VideoOptions> options)
    {
        var error = CameraRules.Check(id, request, cameras.Find(id), grid.Snapshot, options.Value.AllowFileUrls, out var camera)
            ?? cameras.Upsert(camera!);
        return error is null
            ? TypedResults.Ok(CameraView.From(camera!, status.Get(id)))
            : ApiProblem.BadRequest("invalid_camera", error);
    }

    /// <summary>
    /// The zones and counting lines drawn on the camera's picture (the console's region editor), replacing the ones
    /// it had; its streams, credentials and policies stay as they are. The analysis restarts with them.
    /// </summary>
    private static Results<Ok<CameraView>, NotFound, BadRequest<ApiProblem>> PutRegions(string id, CameraRegionsRequest request, CameraRegistry cameras, CameraStatusBoard status)
    {
        var zones = request.Zones ?? [];
        var lines = request.Lines ?? [];
        if (CameraRules.CheckRegions(zones, lines) is { } invalid)
        {
            return ApiProblem.BadRequest("invalid_regions", invalid);
        }

        var (camera, error) = cameras.Update(id, c => c with { Zones = zones, Lines = lines });
        return camera is null ? TypedResults.NotFound()
            : error is not null ? ApiProblem.BadRequest("invalid_regions", error)
            : TypedResults.Ok(CameraView.From(camera, status.Get(id)));
    }

    private static Results<NoContent, NotFound> Delete(string id, CameraRegistry cameras) =>
        cameras.Delete(id) ? TypedResults.NoContent() : TypedResults.NotFound();
}
