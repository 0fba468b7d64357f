using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using SmartCommunity.Gateway.Alerts.Cap;
using SmartCommunity.Gateway.Alerts.Engine;
using SmartCommunity.Gateway.Auth;
using SmartCommunity.Gateway.Grid;
using SmartCommunity.Gateway.Infrastructure.Http;

namespace SmartCommunity.Gateway.Alerts.Api;

public sealed record AlertDetail(Alert Alert, IReadOnlyList<AlertHistoryEntry> History);

public sealed record AckRequest(string? Note);

public sealed record ResolveRequest(string? Note);

/// <summary>
/// <c>api/alerts</c>: list and filter, one alert with its history, acknowledge, resolve with a note, CAP 1.2 and
/// an Atom feed. Guards see and act on alerts of their cells only (others answer 404, so nothing leaks);
/// staff roles see all. Silences are in <see cref="SilencesApi"/>.
/// </summary>
public static class AlertsApi
{
    public const string CapMediaType = "application/cap+xml";

    public static IEndpointRouteBuilder MapAlertsEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/alerts").WithTags("Alerts");
        api.MapGet("", List).RequireAuthorization(AuthPolicies.AnyPerson);
        api.MapGet("feed", Feed).RequireAuthorization(AuthPolicies.AnyPerson);
        api.MapGet("{id}", Get).RequireAuthorization(AuthPolicies.AnyPerson);
        api.MapGet("{id}/cap", GetCap).RequireAuthorization(AuthPolicies.AnyPerson);
        api.MapPost("{id}/ack", Acknowledge).RequireAuthorization(AuthPolicies.AnyPerson);
        api.MapPost("{id}/resolve", Resolve).RequireAuthorization(AuthPolicies.AnyPerson);
        api.MapSilencesEndpoints();
        return app;
    }

    private static Results<Ok<List<Alert>>, BadRequest<ApiProblem>> List(
        ClaimsPrincipal user, AlertStore store, GridRegistry grid,
        string? level, string? state, string? cell, string? type, DateTimeOffset? from, DateTimeOffset? to, bool? open, int? limit)
    {
        AlertLevel? parsedLevel = null;
        if (level is not null)
        {
            if (AlertNames.ParseLevel(level) is not { } l)
            {
                return ApiProblem.BadRequest("invalid_level", "level must be red, orange, yellow or blue (or I–IV).");
            }

            parsedLevel = l;
        }

        AlertState? parsedState = null;
        if (state is not null)
        {
            if (AlertNames.ParseState(state) is not { } s)
            {
                return ApiProblem.BadRequest("invalid_state", "state must be raised, acknowledged, resolved or cancelled.");
            }

            parsedState = s;
        }

        var query = new AlertQuery(parsedLevel, parsedState, cell, type, from, to, open ?? false, Math.Clamp(limit ?? 100, 1, 1000));
        return TypedResults.Ok(store.List(query, user.VisibleCells(grid.Snapshot).Cells));
    }

    private static Results<Ok<AlertDetail>, NotFound> Get(string id, ClaimsPrincipal user, AlertStore store, GridRegistry grid) =>
        Visible(id, user, store, grid) is { } alert ? TypedResults.Ok(new AlertDetail(alert, store.History(id))) : TypedResults.NotFound();

    /// <summary>
    /// The alert as CAP 1.2, checked before it leaves: a message a CAP consumer would refuse is not handed out, but
    /// answered 500 <c>cap_invalid</c> with the rules it breaks, counted and logged (an alert's text or evidence, or a
    /// setting, that CAP cannot carry is the gateway's fault, not the caller's).
    /// </summary>
    private static Results<ContentHttpResult, NotFound, JsonHttpResult<ApiProblem>> GetCap(
        string id, HttpContext http, ClaimsPrincipal user, AlertStore store, GridRegistry grid, IOptions<AlertsOptions> options, AlertMetrics metrics, ILoggerFactory logs)
    {
        if (Visible(id, user, store, grid) is not { } alert)
        {
            return TypedResults.NotFound();
        }

        var self = new Uri($"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}/");
        var cap = CapWriter.Render(alert, options.Value.Cap, grid.Snapshot, self);
        var violations = CapValidator.Validate(cap);
        if (violations.Count == 0)
        {
            return TypedResults.Content(cap.ToString(), CapMediaType);
        }

        metrics.CapInvalid.Inc();
        logs.CreateLogger(typeof(CapValidator)).LogWarning("CAP export of alert {AlertId} refused: {Violations}", alert.Id,
            string.Join("; ", violations.Select(v => $"{v.Path} {v.Rule}")));
        var problem = ApiProblem.Of(StatusCodes.Status500InternalServerError, "cap_invalid", $"The alert cannot be exported as valid CAP 1.2: {violations.Count} rule(s) broken.")
            with { Errors = violations.GroupBy(v => v.Path, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(v => v.Rule).ToArray(), StringComparer.Ordinal) };
        return TypedResults.Json(problem, statusCode: StatusCodes.Status500InternalServerError, contentType: "application/problem+json");
    }

    private static ContentHttpResult Feed(HttpContext http, ClaimsPrincipal user, AlertStore store, GridRegistry grid, IOptions<AlertsOptions> options, TimeProvider time)
    {
        var open = store.List(new AlertQuery(OpenOnly: true, Limit: 1000), user.VisibleCells(grid.Snapshot).Cells);
        var self = $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}/api/alerts";
        return TypedResults.Content(AtomFeed.Render(open, self, options.Value.Cap, time.GetUtcNow()).ToString(), "application/atom+xml; charset=utf-8");
    }

    private static async Task<Results<Ok<Alert>, NotFound, Conflict<ApiProblem>>> Acknowledge(
        string id, AckRequest? request, ClaimsPrincipal user, AlertStore store, GridRegistry grid, AlertEngine engine)
    {
        if (Visible(id, user, store, grid) is null)
        {
            return TypedResults.NotFound();
        }

        var result = await engine.SendAsync(new AckCommand(id, user.Id(), Trim(request?.Note), Via: "api", CheckVisibility: false));
        return Answer(result);
    }

    private static async Task<Results<Ok<Alert>, NotFound, Conflict<ApiProblem>, BadRequest<ApiProblem>>> Resolve(
        string id, ResolveRequest request, ClaimsPrincipal user, AlertStore store, GridRegistry grid, AlertEngine engine)
    {
        if (Trim(request.Note) is not { } note)
        {
            return ApiProblem.BadRequest("note_required", "A note saying what was done is required.", new Dictionary<string, string> { ["note"] = "required" });
        }

        if (Visible(id, user, store, grid) is null)
        {
            return TypedResults.NotFound();
        }

        var result = await engine.SendAsync(new ResolveByPersonCommand(id, user.Id(), note));
        return result.Status switch
        {
            AlertCommandStatus.Done => TypedResults.Ok(result.Alert!),
            AlertCommandStatus.NotFound => TypedResults.NotFound(),
            _ => ApiProblem.Conflict("alert_not_actionable", result.Error ?? "Not possible now."),
        };
    }

    private static Results<Ok<Alert>, NotFound, Conflict<ApiProblem>> Answer(AlertCommandResult result) => result.Status switch
    {
        AlertCommandStatus.Done => TypedResults.Ok(result.Alert!),
        AlertCommandStatus.NotFound => TypedResults.NotFound(),
        _ => ApiProblem.Conflict("alert_not_actionable", result.Error ?? "Not possible now."),
    };

    /// <summary>The alert if the caller may see it: staff always; others when its cell is in their visible cells.</summary>
    internal static Alert? Visible(string id, ClaimsPrincipal user, AlertStore store, GridRegistry grid)
    {
        if (id.Length > 64 || store.Get(id) is not { } alert)
        {
            return null;
        }

        return user.VisibleCells(grid.Snapshot).Contains(alert.CellId) ? alert : null;
    }

    private static string? Trim(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim()[..Math.Min(text.Trim().Length, 2000)];
}
