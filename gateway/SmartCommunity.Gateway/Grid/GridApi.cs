using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using SmartCommunity.Gateway.Auth;
using SmartCommunity.Gateway.Infrastructure.Http;

namespace SmartCommunity.Gateway.Grid;

public sealed record CellRequest(string? ParentId, CellLevel Level, string Name, double? Lat, double? Lon);

/// <summary>Grid cells: every person may read (guards see their subtrees); admins change them.</summary>
public static class GridApi
{
    public static RouteGroupBuilder MapGridApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/grid/cells").WithTags("Grid");
        api.MapGet("", List).RequireAuthorization(AuthPolicies.AnyPerson);
        api.MapGet("{id}", Get).RequireAuthorization(AuthPolicies.AnyPerson);
        api.MapPut("{id}", Put).RequireAuthorization(AuthPolicies.Admin);
        api.MapDelete("{id}", Delete).RequireAuthorization(AuthPolicies.Admin);
        return api;
    }

    private static Ok<IEnumerable<GridCell>> List(ClaimsPrincipal user, GridRegistry grid)
    {
        var snapshot = grid.Snapshot;
        var visible = user.VisibleCells(snapshot);
        return TypedResults.Ok(snapshot.Cells.Where(c => visible.Contains(c.Id)).OrderBy(c => c.Level).ThenBy(c => c.Id, StringComparer.Ordinal).AsEnumerable());
    }

    private static Results<Ok<GridCell>, NotFound> Get(string id, ClaimsPrincipal user, GridRegistry grid)
    {
        var snapshot = grid.Snapshot;
        var visible = user.VisibleCells(snapshot);
        return snapshot.Cell(id) is { } cell && visible.Contains(id) ? TypedResults.Ok(cell) : TypedResults.NotFound();
    }

    private static Results<Ok<GridCell>, BadRequest<ApiProblem>> Put(string id, CellRequest request, GridRegistry grid)
    {
        var cell = new GridCell(id, request.ParentId, request.Level, request.Name ?? "", request.Lat, request.Lon);
        var error = grid.UpsertCell(cell);
        return error is null ? TypedResults.Ok(cell) : ApiProblem.BadRequest("invalid_cell", error);
    }

    private static Results<NoContent, NotFound, Conflict<ApiProblem>> Delete(string id, GridRegistry grid)
    {
        if (grid.Snapshot.Cell(id) is null)
        {
            return TypedResults.NotFound();
        }

        var error = grid.DeleteCell(id);
        return error is null ? TypedResults.NoContent() : ApiProblem.Conflict("cell_in_use", error);
    }
}
