using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using SmartCommunity.Gateway.Auth;
using SmartCommunity.Gateway.Devices;
using SmartCommunity.Gateway.DoorAccess.Events;
using SmartCommunity.Gateway.Grid;
using SmartCommunity.Protocol.Messages;
using SmartCommunity.Gateway.Infrastructure.Http;

namespace SmartCommunity.Gateway.DoorAccess.Api;

/// <summary>
/// The door event log and the door units' state. Every person may read (guards only their cells). Card and person
/// references are whole for admins and public security, masked for everyone else, who may not filter by them
/// either (a filter would reveal the reference it matches).
/// </summary>
public static class DoorAccessApi
{
    public const int MaxLimit = 1000;

    public static RouteGroupBuilder MapDoorEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/doors").WithTags("Door access");
        api.MapGet("events", Events).RequireAuthorization(AuthPolicies.AnyPerson);
        api.MapGet("units", Units).RequireAuthorization(AuthPolicies.AnyPerson);
        return api;
    }

    private static Results<Ok<IReadOnlyList<DoorEvent>>, BadRequest<ApiProblem>, ForbidHttpResult> Events(
        ClaimsPrincipal user, DoorEventLog log, GridRegistry grid,
        string? device, string? door, string? cell, string? type, DateTimeOffset? from, DateTimeOffset? to, string? person, string? card, int? limit)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        if (type is not null && !EventTypes.IsKnownFor(DeviceKind.DoorAccess, type))
        {
            fields["type"] = "One of: " + string.Join(", ", EventTypes.For(DeviceKind.DoorAccess));
        }

        if (limit is < 1 or > MaxLimit)
        {
            fields["limit"] = $"1–{MaxLimit}.";
        }

        if (from is not null && to is not null && to <= from)
        {
            fields["to"] = "Must be after 'from'.";
        }

        foreach (var (name, value) in new[] { ("device", device), ("door", door), ("cell", cell), ("person", person), ("card", card) })
        {
            if (value is { Length: 0 or > 64 })
            {
                fields[name] = "1–64 characters.";
            }
        }

        if (fields.Count > 0)
        {
            return ApiProblem.BadRequest("invalid_filter", "Invalid filter.", fields);
        }

        if ((person is not null || card is not null) && !ReferenceMask.MaySeeReferences(user))
        {
            return TypedResults.Forbid();
        }

        var visible = user.VisibleCells(grid.Snapshot);
        var events = log.Query(new DoorEventFilter(device, door, cell, type, from, to, person, card, visible.Cells, limit ?? 100));
        return TypedResults.Ok<IReadOnlyList<DoorEvent>>([.. events.Select(e => ReferenceMask.For(user, e))]);
    }

    private static Ok<List<DoorUnitView>> Units(ClaimsPrincipal user, DeviceRegistry devices, DoorAlarms alarms, GridRegistry grid)
    {
        var visible = user.VisibleCells(grid.Snapshot);
        return TypedResults.Ok(devices.All
            .Where(d => d.Device.Kind == DeviceKind.DoorAccess && visible.Contains(d.Device.CellId))
            .OrderBy(d => d.Id, StringComparer.Ordinal)
            .Select(d => new DoorUnitView(d.Id, d.Device.Name, d.Device.CellId, d.Online, d.LastSeenUnixMs > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(d.LastSeenUnixMs) : null,
                alarms.Unit(d.Id)?.PowerLost ?? false, alarms.Unit(d.Id)?.LastEventAt, alarms.Unit(d.Id)?.LastEventType))
            .ToList());
    }
}

/// <summary>A door unit: online (device presence), power as its last power event said, its newest event since the gateway started.</summary>
public sealed record DoorUnitView(string Id, string Name, string? CellId, bool Online, DateTimeOffset? LastSeen, bool PowerLost, DateTimeOffset? LastEventAt, string? LastEventType);
