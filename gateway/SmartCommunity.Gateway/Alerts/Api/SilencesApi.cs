using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using SmartCommunity.Gateway.Alerts.Engine;
using SmartCommunity.Gateway.Auth;
using SmartCommunity.Gateway.Infrastructure.Http;

namespace SmartCommunity.Gateway.Alerts.Api;

/// <param name="Type">One alert type, or null for every type of the source.</param>
/// <param name="Minutes">How long, stated: 1 minute up to <see cref="AlertsOptions.MaxSilence"/>.</param>
public sealed record SilenceRequest(string? SourceKind, string? SourceId, string? Type, int Minutes, string? Reason);

/// <summary>
/// <c>api/alerts/silences</c>: staff mute one source for a stated time, with a reason. Silences are kept for
/// good (who, when, why, ended early by whom) as the audit trail; alerts raised meanwhile are stored and
/// shown but notify nobody until the silence ends.
/// </summary>
public static class SilencesApi
{
    public static void MapSilencesEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("silences", List).RequireAuthorization(AuthPolicies.Staff);
        api.MapPost("silences", Create).RequireAuthorization(AuthPolicies.Staff);
        api.MapDelete("silences/{id}", End).RequireAuthorization(AuthPolicies.Staff);
    }

    private static Ok<List<AlertSilence>> List(AlertStore store, int? limit) => TypedResults.Ok(store.Silences(Math.Clamp(limit ?? 200, 1, 2000)));

    private static async Task<Results<Created<AlertSilence>, BadRequest<ApiProblem>, Conflict<ApiProblem>>> Create(
        SilenceRequest request, ClaimsPrincipal user, AlertEngine engine, IOptions<AlertsOptions> options)
    {
        var max = options.Value.MaxSilence;
        var errors = new Dictionary<string, string>();
        if (string.IsNullOrWhiteSpace(request.SourceKind) || request.SourceKind.Length > 64)
        {
            errors["sourceKind"] = "required, up to 64 characters";
        }

        if (string.IsNullOrWhiteSpace(request.SourceId) || request.SourceId.Length > 128)
        {
            errors["sourceId"] = "required, up to 128 characters";
        }

        if (request.Minutes < 1 || TimeSpan.FromMinutes(request.Minutes) > max)
        {
            errors["minutes"] = $"1 to {max.TotalMinutes:0}";
        }

        if (string.IsNullOrWhiteSpace(request.Reason) || request.Reason.Length > 500)
        {
            errors["reason"] = "required, up to 500 characters";
        }

        if (errors.Count > 0)
        {
            return ApiProblem.BadRequest("invalid_silence", "A silence needs a source, a stated duration and a reason.", errors);
        }

        var result = await engine.SendAsync(new SilenceCommand(new AlertSource(request.SourceKind!.Trim(), request.SourceId!.Trim()),
            string.IsNullOrWhiteSpace(request.Type) ? null : request.Type.Trim(), TimeSpan.FromMinutes(request.Minutes), request.Reason!.Trim(), user.Id()));
        return result.Silence is { } silence
            ? TypedResults.Created($"/api/alerts/silences/{silence.Id}", silence)
            : ApiProblem.Conflict("silence_not_possible", result.Error ?? "Not possible now.");
    }

    private static async Task<Results<NoContent, NotFound>> End(string id, ClaimsPrincipal user, AlertEngine engine) =>
        id.Length > 0 && (await engine.SendAsync(new EndSilenceCommand(id, user.Id()))).Status == AlertCommandStatus.Done
            ? TypedResults.NoContent()
            : TypedResults.NotFound();
}
