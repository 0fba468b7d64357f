using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using SmartCommunity.Gateway.Auth;
using SmartCommunity.Gateway.WaterSafety.Commands;
using SmartCommunity.Gateway.Infrastructure.Http;

namespace SmartCommunity.Gateway.WaterSafety.Discharge;

/// <summary>Discharge notices (water authority and admins write; staff read) and reservoirs.</summary>
public static class NoticesApi
{
    public static RouteGroupBuilder MapNoticesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/water").WithTags("Water safety");
        api.MapGet("reservoirs", (DischargeScheduler s) => TypedResults.Ok(s.Reservoirs)).RequireAuthorization(AuthPolicies.Staff);
        api.MapPut("reservoirs/{id}", PutReservoir).RequireAuthorization(AuthPolicies.WaterAuthority);
        api.MapGet("notices", (DischargeScheduler s) => TypedResults.Ok(s.Notices())).RequireAuthorization(AuthPolicies.Staff);
        api.MapPost("notices", Issue).RequireAuthorization(AuthPolicies.WaterAuthority);
        api.MapGet("notices/{id}", Timeline).RequireAuthorization(AuthPolicies.Staff);
        api.MapPut("notices/{id}", Amend).RequireAuthorization(AuthPolicies.WaterAuthority);
        api.MapPost("notices/{id}/cancel", Cancel).RequireAuthorization(AuthPolicies.WaterAuthority);
        return api;
    }

    private static Results<Ok<Reservoir>, BadRequest<ApiProblem>> PutReservoir(string id, Reservoir body, DischargeScheduler s)
    {
        var reservoir = body with { Id = id };
        return s.UpsertReservoir(reservoir) is { } error ? ApiProblem.BadRequest("invalid_reservoir", error) : TypedResults.Ok(reservoir);
    }

    private static Results<Created<DischargeNotice>, BadRequest<ApiProblem>> Issue(NoticeRequest body, ClaimsPrincipal user, DischargeScheduler s)
    {
        var (notice, errors) = s.Issue(body, user.Id());
        return errors is not null
            ? ApiProblem.BadRequest("invalid_notice", "The discharge notice is not valid.", errors)
            : TypedResults.Created($"/api/water/notices/{notice!.Id}", notice);
    }

    private static Results<Ok<DischargeNotice>, NotFound, BadRequest<ApiProblem>> Amend(string id, NoticeRequest body, ClaimsPrincipal user, DischargeScheduler s)
    {
        var (notice, errors) = s.Amend(id, body, user.Id());
        return notice is null ? TypedResults.NotFound()
            : errors is not null ? ApiProblem.BadRequest("invalid_notice", "The amendment is not valid.", errors)
            : TypedResults.Ok(notice);
    }

    private static Results<Ok<DischargeNotice>, NotFound> Cancel(string id, ClaimsPrincipal user, DischargeScheduler s) =>
        s.Cancel(id, user.Id()) is { } notice ? TypedResults.Ok(notice) : TypedResults.NotFound();

    private static Results<Ok<NoticeTimeline>, NotFound> Timeline(string id, DischargeScheduler s, WarningCommandSender commands) =>
        s.Get(id) is { } notice
            ? TypedResults.Ok(new NoticeTimeline(notice, [.. commands.ForReason("notice:" + id + ":").Select(c => new CommandView(c.Id, c.DeviceId, c.Type, c.Reason, c.SentAt, c.Status, c.Detail, c.AnsweredAt, c.AlertRaised))]))
            : TypedResults.NotFound();
}

/// <summary>A notice, its schedule and timeline, and every command sent for it with the device's answer.</summary>
public sealed record NoticeTimeline(DischargeNotice Notice, IReadOnlyList<CommandView> Commands);

public sealed record CommandView(string Id, string DeviceId, string Type, string Reason, DateTimeOffset SentAt, string? Status, string? Detail, DateTimeOffset? AnsweredAt, bool UnconfirmedAlertRaised);
