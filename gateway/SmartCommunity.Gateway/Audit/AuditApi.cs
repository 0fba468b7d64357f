using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using SmartCommunity.Gateway.Auth;
using SmartCommunity.Gateway.Infrastructure.Http;

namespace SmartCommunity.Gateway.Audit;

/// <summary>
/// <c>GET api/audit</c> (admins only): the audit log newest first, a page at a time (<c>before</c> = the previous
/// page's <c>nextBefore</c>), filtered by actor, kind (with its sub-kinds) and time (<c>from</c> inclusive, <c>to</c> exclusive).
/// </summary>
public static partial class AuditApi
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    public static void MapAuditApi(this IEndpointRouteBuilder app) =>
        app.MapGet("api/audit", Read).RequireAuthorization(AuthPolicies.Admin).WithTags("Audit");

    private static Results<Ok<AuditPage>, BadRequest<ApiProblem>> Read(AuditLog log, string? actor, string? kind, DateTimeOffset? from,
        DateTimeOffset? to, long? before, int? limit)
    {
        var errors = new Dictionary<string, string>();
        if (actor is { Length: > 128 })
        {
            errors["actor"] = "up to 128 characters";
        }

        if (kind is not null && !KindPattern().IsMatch(kind))
        {
            errors["kind"] = "words of a-z, 0-9 and '-' joined by dots, e.g. people or alerts.ack";
        }

        if (from > to)
        {
            errors["from"] = "must not be after 'to'";
        }

        if (limit is < 1 or > MaxLimit)
        {
            errors["limit"] = $"1 to {MaxLimit}";
        }

        if (errors.Count > 0)
        {
            return ApiProblem.BadRequest("invalid_audit_query", "The audit log cannot be read with these filters.", errors);
        }

        return TypedResults.Ok(log.Read(new AuditQuery(actor, string.IsNullOrEmpty(kind) ? null : kind, from, to, before, limit ?? DefaultLimit)));
    }

    [GeneratedRegex("^[a-z0-9-]{1,40}(\\.[a-z0-9-]{1,40}){0,5}$")]
    private static partial Regex KindPattern();
}
