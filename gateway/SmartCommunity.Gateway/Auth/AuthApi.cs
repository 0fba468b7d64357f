using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using SmartCommunity.Gateway.Grid;
using SmartCommunity.Gateway.Infrastructure.Http;

namespace SmartCommunity.Gateway.Auth;

public sealed record LoginRequest(string? Username, string? Password);

public sealed record LoginResponse(string Token, DateTimeOffset ExpiresAt, string Id, string Name, string Role, IReadOnlyList<string> Cells);

public sealed record MeResponse(string Id, string Name, string Role, string? Duty, IReadOnlyList<string> Cells);

public static class AuthApi
{
    public static RouteGroupBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/auth").WithTags("Auth");
        api.MapPost("login", Login).AllowAnonymous();
        api.MapPost("logout", Logout).RequireAuthorization(AuthPolicies.AnyPerson);
        api.MapGet("me", Me).RequireAuthorization(AuthPolicies.AnyPerson);
        return api;
    }

    private static Results<Ok<LoginResponse>, UnauthorizedHttpResult, BadRequest<ApiProblem>> Login(
        LoginRequest request, CredentialVerifier credentials, SessionStore sessions, HttpContext http)
    {
        if (string.IsNullOrEmpty(request.Username) || string.IsNullOrEmpty(request.Password) || request.Username.Length > 64 || request.Password.Length > 256)
        {
            return ApiProblem.BadRequest("credentials_required", "Username and password are required.");
        }

        var login = credentials.Verify(request.Username, request.Password, http.Connection.RemoteIpAddress, LoginPrincipals.People, "api");
        if (login.Person is not { } person)
        {
            return TypedResults.Unauthorized();
        }

        var (token, expires) = sessions.Create(person.Id);
        http.Response.Cookies.Append(GatewayAuthenticationHandler.CookieName, token, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = http.Request.IsHttps,
            Expires = expires,
            Path = "/",
        });
        return TypedResults.Ok(new LoginResponse(token, expires, person.Id, person.Name, person.Role, person.Cells));
    }

    private static NoContent Logout(HttpContext http, SessionStore sessions)
    {
        string? header = http.Request.Headers.Authorization;
        var token = header?.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) == true
            ? header["Bearer ".Length..].Trim()
            : http.Request.Cookies[GatewayAuthenticationHandler.CookieName];
        if (token is not null)
        {
            sessions.Revoke(token);
        }

        http.Response.Cookies.Delete(GatewayAuthenticationHandler.CookieName);
        return TypedResults.NoContent();
    }

    private static Results<Ok<MeResponse>, NotFound> Me(ClaimsPrincipal user, GridRegistry grid) =>
        grid.Snapshot.PersonById(user.Id()) is { } person
            ? TypedResults.Ok(new MeResponse(person.Id, person.Name, person.Role, person.Duty.ToString(), person.Cells))
            : TypedResults.NotFound();
}

