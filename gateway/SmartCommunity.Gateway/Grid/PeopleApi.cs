using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using SmartCommunity.Gateway.Auth;
using SmartCommunity.Gateway.Infrastructure.Security;
using SmartCommunity.Gateway.Infrastructure.Http;

namespace SmartCommunity.Gateway.Grid;

/// <param name="Password">Sets the password when given (at least 10 characters); omitted keeps the current one.</param>
public sealed record PersonRequest(string Name, string Role, Duty Duty, IReadOnlyList<string>? Cells, string? Phone, string? WebhookUrl, bool Enabled = true, string? Password = null);

public sealed record PasswordChange(string? CurrentPassword, string NewPassword);

/// <summary>People and their responsibilities. Staff read everyone; admins change; anyone changes their own password.</summary>
public static class PeopleApi
{
    public const int MinPasswordLength = 10;

    public static RouteGroupBuilder MapPeopleApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/people").WithTags("People");
        api.MapGet("", List).RequireAuthorization(AuthPolicies.Staff);
        api.MapGet("{id}", Get).RequireAuthorization(AuthPolicies.Staff);
        api.MapPut("{id}", Put).RequireAuthorization(AuthPolicies.Admin);
        api.MapDelete("{id}", Delete).RequireAuthorization(AuthPolicies.Admin);
        api.MapPost("{id}/password", ChangePassword).RequireAuthorization(AuthPolicies.AnyPerson);
        return api;
    }

    private static Ok<IEnumerable<Person>> List(GridRegistry grid) =>
        TypedResults.Ok(grid.Snapshot.People.OrderBy(p => p.Id, StringComparer.Ordinal).AsEnumerable());

    private static Results<Ok<Person>, NotFound> Get(string id, GridRegistry grid) =>
        grid.Snapshot.PersonById(id) is { } person ? TypedResults.Ok(person) : TypedResults.NotFound();

    /// <summary>
    /// The checks of <c>PUT /api/people/{id}</c> before anything is hashed or stored: the problem code and reason of a
    /// refusal, or null with the person. <see cref="GridRegistry.UpsertPerson"/> checks the grid again under its lock.
    /// </summary>
    internal static (string Code, string Reason)? Check(string id, PersonRequest request, GridSnapshot grid, out Person? person)
    {
        person = null;
        if (request.Password is { } password && password.Length is < MinPasswordLength or > 256)
        {
            return ("password_length", $"Password must have {MinPasswordLength}–256 characters.");
        }

        var candidate = new Person(id, request.Name ?? "", request.Role ?? "", request.Duty, request.Cells ?? [], request.Phone, request.WebhookUrl, request.Enabled);
        if (GridRules.CheckPerson(candidate, grid) is { } error)
        {
            return ("invalid_person", error);
        }

        person = candidate;
        return null;
    }

    private static Results<Ok<Person>, BadRequest<ApiProblem>> Put(string id, PersonRequest request, GridRegistry grid, SessionStore sessions, IOptions<AuthOptions> auth)
    {
        if (Check(id, request, grid.Snapshot, out var person) is { } refused)
        {
            return ApiProblem.BadRequest(refused.Code, refused.Reason);
        }

        var hash = request.Password is null ? null : SecretHasher.Hash(request.Password, auth.Value.PasswordIterations);
        var error = grid.UpsertPerson(person!, hash);
        if (error is not null)
        {
            return ApiProblem.BadRequest("invalid_person", error);
        }

        if (hash is not null || !person!.Enabled)
        {
            sessions.RevokeAll(id);
        }

        return TypedResults.Ok(person!);
    }

    private static Results<NoContent, NotFound, Conflict<ApiProblem>> Delete(string id, ClaimsPrincipal user, GridRegistry grid)
    {
        if (id == user.Id())
        {
            return ApiProblem.Conflict("cannot_delete_self", "You cannot delete your own account.");
        }

        return grid.DeletePerson(id) ? TypedResults.NoContent() : TypedResults.NotFound();
    }

    private static Results<NoContent, ForbidHttpResult, BadRequest<ApiProblem>> ChangePassword(
        string id, PasswordChange request, ClaimsPrincipal user, GridRegistry grid, SessionStore sessions, IOptions<AuthOptions> auth)
    {
        var self = id == user.Id();
        if (!self && user.Role() != Roles.Admin)
        {
            return TypedResults.Forbid();
        }

        if (request.NewPassword is null || request.NewPassword.Length is < MinPasswordLength or > 256)
        {
            return ApiProblem.BadRequest("password_length", $"New password must have {MinPasswordLength}–256 characters.");
        }

        if (self)
        {
            var hash = grid.GetPasswordHash(id);
            if (hash is null || request.CurrentPassword is null || !SecretHasher.Verify(request.CurrentPassword, hash))
            {
                return ApiProblem.BadRequest("wrong_password", "Current password is wrong.");
            }
        }

        if (grid.Snapshot.PersonById(id) is not { } person)
        {
            return ApiProblem.BadRequest("unknown_person", "No such person.");
        }

        grid.UpsertPerson(person, SecretHasher.Hash(request.NewPassword, auth.Value.PasswordIterations));
        sessions.RevokeAll(id);
        return TypedResults.NoContent();
    }
}
