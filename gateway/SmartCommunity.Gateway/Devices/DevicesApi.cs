using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using SmartCommunity.Gateway.Auth;
using SmartCommunity.Gateway.Grid;
using SmartCommunity.Gateway.Infrastructure.Security;
using SmartCommunity.Protocol.Identity;
using SmartCommunity.Protocol.Messages;
using SmartCommunity.Gateway.Infrastructure.Http;

namespace SmartCommunity.Gateway.Devices;

/// <summary>The device registry over HTTP. Guards see devices in their cells; staff see all; admins change.</summary>
public static class DevicesApi
{
    public static RouteGroupBuilder MapDevicesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/devices").WithTags("Devices");
        api.MapGet("", List).RequireAuthorization(AuthPolicies.AnyPerson);
        api.MapGet("me", Me).RequireAuthorization(AuthPolicies.Device);
        api.MapGet("{id}", Get).RequireAuthorization(AuthPolicies.AnyPerson);
        api.MapPut("{id}", Put).RequireAuthorization(AuthPolicies.Admin);
        api.MapDelete("{id}", Delete).RequireAuthorization(AuthPolicies.Admin);
        api.MapPost("{id}/secret", RotateSecret).RequireAuthorization(AuthPolicies.Admin);
        app.MapGet("api/gb28181/{code}", Decode).WithTags("Devices").RequireAuthorization(AuthPolicies.AnyPerson);
        return api;
    }

    private static Ok<IEnumerable<DeviceView>> List(ClaimsPrincipal user, DeviceRegistry devices, GridRegistry grid, string? kind, string? cell, bool? online)
    {
        var visible = user.VisibleCells(grid.Snapshot);
        var subtree = cell is null ? null : grid.Snapshot.Subtree(cell);
        var result = devices.All
            .Where(d => visible.Contains(d.Device.CellId))
            .Where(d => kind is null || d.Device.Kind.ToWireName() == kind)
            .Where(d => subtree is null || (d.Device.CellId is { } c2 && subtree.Contains(c2)))
            .Where(d => online is null || d.Online == online)
            .OrderBy(d => d.Id, StringComparer.Ordinal)
            .Select(DeviceView.From);
        return TypedResults.Ok(result);
    }

    private static Results<Ok<DeviceView>, NotFound> Get(string id, ClaimsPrincipal user, DeviceRegistry devices, GridRegistry grid)
    {
        var visible = user.VisibleCells(grid.Snapshot);
        return devices.Get(id) is { } d && visible.Contains(d.Device.CellId)
            ? TypedResults.Ok(DeviceView.From(d))
            : TypedResults.NotFound();
    }

    private static Results<Ok<DeviceView>, NotFound> Me(ClaimsPrincipal user, DeviceRegistry devices) =>
        devices.Get(user.Id()) is { } d ? TypedResults.Ok(DeviceView.From(d)) : TypedResults.NotFound();

    private static Results<Ok<DeviceSecretResponse>, BadRequest<ApiProblem>> Put(string id, DeviceRequest request, DeviceRegistry devices, GridRegistry grid)
    {
        var error = DeviceRules.Check(id, request, grid.Snapshot, out var device);
        if (error is not null)
        {
            return ApiProblem.BadRequest("invalid_device", error);
        }

        var isNew = devices.Get(id) is null;
        var generated = isNew && request.Secret is null ? SecretHasher.NewSecret() : null;
        error = devices.Upsert(device!, request.Secret ?? generated);
        return error is null
            ? TypedResults.Ok(new DeviceSecretResponse(DeviceView.From(devices.Get(id)!), generated))
            : ApiProblem.BadRequest("invalid_device", error);
    }

    private static Results<NoContent, NotFound> Delete(string id, DeviceRegistry devices) =>
        devices.Delete(id) ? TypedResults.NoContent() : TypedResults.NotFound();

    private static Results<Ok<DeviceSecretResponse>, NotFound> RotateSecret(string id, DeviceRegistry devices)
    {
        if (devices.Get(id) is not { } runtime)
        {
            return TypedResults.NotFound();
        }

        var secret = SecretHasher.NewSecret();
        devices.Upsert(runtime.Device, secret);
        return TypedResults.Ok(new DeviceSecretResponse(DeviceView.From(runtime), secret));
    }

    private static Results<Ok<Gb28181View>, BadRequest<ApiProblem>> Decode(string code) =>
        Gb28181Id.TryParse(code, out var id, out var error)
            ? TypedResults.Ok(Gb28181View.From(id)!)
            : ApiProblem.BadRequest("invalid_device", error!);
}
