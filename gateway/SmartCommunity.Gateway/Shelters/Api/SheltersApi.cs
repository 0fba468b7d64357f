using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using SmartCommunity.Gateway.Auth;
using SmartCommunity.Gateway.Devices;
using SmartCommunity.Gateway.Grid;
using SmartCommunity.Gateway.Shelters.Occupancy;
using SmartCommunity.Gateway.Infrastructure.Http;

namespace SmartCommunity.Gateway.Shelters.Api;

/// <summary>
/// Shelters over HTTP. Emergency staff (and admins) change shelters, open and close them and correct headcounts;
/// every person reads them (guards only in their cells); the summary is for the emergency role.
/// </summary>
public static class SheltersApi
{
    public const int MaxNoteLength = 500;

    public static RouteGroupBuilder MapShelterEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/shelters").WithTags("Shelters");
        api.MapGet("", List).RequireAuthorization(AuthPolicies.AnyPerson);
        api.MapGet("summary", Summary).RequireAuthorization(AuthPolicies.Emergency);
        api.MapGet("redirect", Redirect).RequireAuthorization(AuthPolicies.AnyPerson);
        api.MapGet("{id}", Get).RequireAuthorization(AuthPolicies.AnyPerson);
        api.MapPut("{id}", Put).RequireAuthorization(AuthPolicies.Emergency);
        api.MapDelete("{id}", Delete).RequireAuthorization(AuthPolicies.Emergency);
        api.MapPost("{id}/state", SetState).RequireAuthorization(AuthPolicies.Emergency);
        api.MapPost("{id}/headcount", Headcount).RequireAuthorization(AuthPolicies.Emergency);
        api.MapGet("{id}/audit", Audit).RequireAuthorization(AuthPolicies.Staff);
        return api;
    }

    private static Ok<List<ShelterView>> List(ClaimsPrincipal user, ShelterRegistry shelters, ShelterCounter counter, GridRegistry grid)
    {
        var visible = user.VisibleCells(grid.Snapshot);
        return TypedResults.Ok(shelters.Index.ById.Values
            .Where(s => visible.Contains(s.CellId))
            .OrderBy(s => s.Id, StringComparer.Ordinal)
            .Select(s => new ShelterView(s, counter.Occupancy(s.Id)))
            .ToList());
    }

    private static Results<Ok<ShelterView>, NotFound> Get(string id, ClaimsPrincipal user, ShelterRegistry shelters, ShelterCounter counter, GridRegistry grid) =>
        Visible(id, user, shelters, grid) is { } shelter ? TypedResults.Ok(new ShelterView(shelter, counter.Occupancy(id))) : TypedResults.NotFound();

    private static Results<Ok<ShelterView>, BadRequest<ApiProblem>> Put(string id, ShelterRequest? request, ClaimsPrincipal user, ShelterRegistry shelters, ShelterCounter counter,
        GridRegistry grid, DeviceRegistry devices, IOptions<SheltersOptions> options)
    {
        var context = new ShelterContext(grid.Snapshot, devices.DeviceOf, options.Value.AreaPerPerson, shelters.Get(id), shelters.Index.OwnerOf);
        if (ShelterRules.Check(id, request, context, out var shelter) is { } error)
        {
            return ApiProblem.BadRequest("invalid_shelter", error);
        }

        shelters.Upsert(shelter!, user.Id());
        return TypedResults.Ok(new ShelterView(shelter!, counter.Occupancy(id)));
    }

    private static Results<NoContent, NotFound> Delete(string id, ClaimsPrincipal user, ShelterRegistry shelters) =>
        shelters.Delete(id, user.Id()) ? TypedResults.NoContent() : TypedResults.NotFound();

    private static Results<Ok<ShelterView>, NotFound, BadRequest<ApiProblem>> SetState(string id, StateRequest? request, ClaimsPrincipal user, ShelterRegistry shelters, ShelterCounter counter)
    {
        if (request?.Open is not { } open)
        {
            return ApiProblem.BadRequest("open_required", "Field 'open' (true or false) is required.");
        }

        if (request.Note is { Length: > MaxNoteLength })
        {
            return ApiProblem.BadRequest("note_too_long", $"Field 'note' may have at most {MaxNoteLength} characters.");
        }

        return shelters.SetOpen(id, open, user.Id(), request.Note) is { } shelter
            ? TypedResults.Ok(new ShelterView(shelter, counter.Occupancy(id)))
            : TypedResults.NotFound();
    }

    private static async Task<Results<Ok<ShelterView>, NotFound, BadRequest<ApiProblem>>> Headcount(string id, HeadcountRequest? request, ClaimsPrincipal user,
        ShelterRegistry shelters, ShelterCounter counter, CancellationToken cancellationToken)
    {
        if (request?.Occupants is not { } occupants || occupants < 0 || occupants > ShelterRules.MaxCapacity)
        {
            return ApiProblem.BadRequest("invalid_occupants", $"Field 'occupants' must be a count of people, 0–{ShelterRules.MaxCapacity}.");
        }

        if (request.Note is { Length: > MaxNoteLength })
        {
            return ApiProblem.BadRequest("note_too_long", $"Field 'note' may have at most {MaxNoteLength} characters.");
        }

        if (shelters.Get(id) is null)
        {
            return TypedResults.NotFound();
        }

        var occupancy = await counter.HeadcountAsync(id, occupants, user.Id(), request.Note, cancellationToken).ConfigureAwait(false);
        return shelters.Get(id) is { } shelter ? TypedResults.Ok(new ShelterView(shelter, occupancy)) : TypedResults.NotFound();
    }

    private static Results<Ok<IReadOnlyList<ShelterAuditEntry>>, NotFound> Audit(string id, ShelterRegistry shelters, int? limit) =>
        shelters.Get(id) is null && shelters.AuditTrail(id, 1).Count == 0
            ? TypedResults.NotFound()
            : TypedResults.Ok(shelters.AuditTrail(id, Math.Clamp(limit ?? 100, 1, 1000)));

    private static Ok<SheltersSummary> Summary(ShelterRegistry shelters, ShelterCounter counter)
    {
        var items = shelters.Index.ById.Values.OrderBy(s => s.Id, StringComparer.Ordinal)
            .Select(s => counter.Occupancy(s.Id) ?? Empty(s)).ToList();
        return TypedResults.Ok(new SheltersSummary(
            items.Count,
            items.Count(i => i.Open),
            items.Sum(i => i.Occupants),
            items.Sum(i => (long)i.Capacity),
            items.Where(i => i.Open).Sum(i => i.Free),
            items.Count(i => i.Thresholds.Contains("shelter_80")),
            items.Count(i => i.Thresholds.Contains("shelter_95")),
            items.Count(i => i.Thresholds.Contains("shelter_full")),
            items.Sum(i => i.Entrances.Count(e => e.OnFallback)),
            items.Sum(i => i.Entrances.Sum(e => e.Sources.Count(s => s.Drifting))),
            items));
    }

    /// <summary>
    /// "Where should people go": the nearest open shelters with free places, from a shelter (<c>from</c>) or a point
    /// (<c>lat</c>, <c>lon</c>); <c>people</c> asks for at least that many free places.
    /// </summary>
    private static Results<Ok<IReadOnlyList<ShelterSuggestion>>, BadRequest<ApiProblem>, NotFound> Redirect(string? from, double? lat, double? lon, int? people, int? count,
        ClaimsPrincipal user, ShelterRegistry shelters, ShelterCounter counter, GridRegistry grid, IOptions<SheltersOptions> options)
    {
        if (people is < 1 or > ShelterRules.MaxCapacity || count is < 1 or > 50)
        {
            return ApiProblem.BadRequest("invalid_arrival", $"'people' must be 1–{ShelterRules.MaxCapacity} and 'count' 1–50.");
        }

        double pointLat, pointLon;
        if (from is not null)
        {
            if (Visible(from, user, shelters, grid) is not { } origin)
            {
                return TypedResults.NotFound();
            }

            (pointLat, pointLon) = (origin.Lat, origin.Lon);
        }
        else if (lat is >= -90 and <= 90 && lon is >= -180 and <= 180)
        {
            (pointLat, pointLon) = (lat.Value, lon.Value);
        }
        else
        {
            return ApiProblem.BadRequest("from_required", "Give 'from' (a shelter ID) or 'lat' and 'lon' (WGS-84).");
        }

        // Every person may be told where to send people: any open shelter may be named, whatever its cell.
        return TypedResults.Ok(ShelterSuggestions.Nearest(shelters.Index.ById.Values, counter.Occupancy, pointLat, pointLon, from, count ?? options.Value.Suggestions, people ?? 1));
    }

    private static Shelter? Visible(string id, ClaimsPrincipal user, ShelterRegistry shelters, GridRegistry grid)
    {
        var visible = user.VisibleCells(grid.Snapshot);
        return shelters.Get(id) is { } s && visible.Contains(s.CellId) ? s : null;
    }

    private static ShelterOccupancy Empty(Shelter s) =>
        new(s.Id, s.CellId, s.Open, 0, s.Capacity, s.Capacity, 0, 0, 0, [], [], null, null, DateTimeOffset.MinValue);
}

/// <summary>A shelter with its occupancy (null until the counting loop has loaded it after a start).</summary>
public sealed record ShelterView(Shelter Shelter, ShelterOccupancy? Occupancy);

/// <summary>Body of <c>POST api/shelters/{id}/state</c>.</summary>
public sealed record StateRequest(bool? Open, string? Note);

/// <summary>Body of <c>POST api/shelters/{id}/headcount</c>: the people counted inside now.</summary>
public sealed record HeadcountRequest(long? Occupants, string? Note);
