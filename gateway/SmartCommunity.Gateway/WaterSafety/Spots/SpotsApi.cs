using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using SmartCommunity.Gateway.Auth;
using SmartCommunity.Gateway.Devices;
using SmartCommunity.Gateway.Grid;
using SmartCommunity.Gateway.WaterSafety.Commands;
using SmartCommunity.Gateway.WaterSafety.Discharge;
using SmartCommunity.Gateway.WaterSafety.Risk;
using SmartCommunity.Gateway.Infrastructure.Http;

namespace SmartCommunity.Gateway.WaterSafety.Spots;

/// <summary>Hazardous spots over HTTP: water authority and admins write, staff read all, guards read their cells.</summary>
public static class SpotsApi
{
    public static RouteGroupBuilder MapSpotsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/water/spots").WithTags("Water safety");
        api.MapGet("", List).RequireAuthorization(AuthPolicies.AnyPerson);
        api.MapGet("{id}", Get).RequireAuthorization(AuthPolicies.AnyPerson);
        api.MapGet("{id}/commands", Commands).RequireAuthorization(AuthPolicies.Staff);
        api.MapPut("{id}", Put).RequireAuthorization(AuthPolicies.WaterAuthority);
        api.MapDelete("{id}", Delete).RequireAuthorization(AuthPolicies.WaterAuthority);
        return api;
    }

    private static Ok<IEnumerable<SpotView>> List(ClaimsPrincipal user, SpotRegistry spots, SpotMonitor monitor, GridRegistry grid)
    {
        var visible = user.VisibleCells(grid.Snapshot);
        return TypedResults.Ok(spots.Index.ById.Values
            .Where(s => visible.Contains(s.CellId))
            .OrderBy(s => s.Id, StringComparer.Ordinal)
            .Select(s => SpotView.From(s, monitor.State(s.Id))));
    }

    private static Results<Ok<SpotView>, NotFound> Get(string id, ClaimsPrincipal user, SpotRegistry spots, SpotMonitor monitor, GridRegistry grid)
    {
        var visible = user.VisibleCells(grid.Snapshot);
        return spots.Get(id) is { } s && visible.Contains(s.CellId)
            ? TypedResults.Ok(SpotView.From(s, monitor.State(s.Id)))
            : TypedResults.NotFound();
    }

    /// <summary>The spot's own commands (the danger-zone voice warning) with each device's answer; a notice's are on the notice.</summary>
    private static Results<Ok<IEnumerable<CommandView>>, NotFound> Commands(string id, SpotRegistry spots, WarningCommandSender commands) =>
        spots.Get(id) is null
            ? TypedResults.NotFound()
            : TypedResults.Ok(commands.ForReason("spot:" + id + ":").Select(c => new CommandView(c.Id, c.DeviceId, c.Type, c.Reason, c.SentAt, c.Status, c.Detail, c.AnsweredAt, c.AlertRaised)));

    private static Results<Ok<SpotView>, BadRequest<ApiProblem>> Put(string id, SpotRequest request, SpotRegistry spots, SpotMonitor monitor, GridRegistry grid, DeviceRegistry devices)
    {
        if (SpotRules.Check(id, request, grid.Snapshot, devices.DeviceOf, out var spot) is { } error)
        {
            return ApiProblem.BadRequest("invalid_spot", error);
        }

        spots.Upsert(spot!);
        return TypedResults.Ok(SpotView.From(spot!, monitor.State(id)));
    }

    private static Results<NoContent, NotFound> Delete(string id, SpotRegistry spots) =>
        spots.Delete(id) ? TypedResults.NoContent() : TypedResults.NotFound();
}

/// <summary>A spot with its live level, rise rate, people in the zone and risk with the reasons for it.</summary>
public sealed record SpotView(HazardousSpot Spot, double? LevelM, double? RiseMPerHour, int PeopleInZone, RiskLevel Risk, IReadOnlyList<RiskReason> Reasons, string Wave, DateTimeOffset? RiskChangedAt)
{
    public static SpotView From(HazardousSpot spot, SpotState state) =>
        new(spot, state.LevelM, state.RiseMPerHour, state.PeopleInZone, state.Level, state.Reasons, state.Wave.ToString().ToLowerInvariant(), state.ChangedAt);
}
