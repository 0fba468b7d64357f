using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using SmartCommunity.Gateway.Grid;

namespace SmartCommunity.Gateway.Auth;

/// <summary>
/// Marks an anonymous endpoint that answers more to some roles (<c>/metrics</c>: anonymous from loopback only,
/// admins from anywhere), so the OpenAPI document offers the credentials without requiring them.
/// </summary>
public sealed record OptionalAuthorization(params string[] Roles);

/// <summary>
/// Declares the gateway's one authentication scheme to OpenAPI as the three ways a caller presents it
/// (<see cref="GatewayAuthenticationHandler"/>): a session token as <c>Authorization: Bearer</c>, the same token
/// in the <c>sc_session</c> cookie, and a device's HTTP Basic credentials. Each operation lists the schemes that
/// can satisfy its policy, with the policy's roles (OpenAPI 3.1 §4.8.30: for non-OAuth schemes the array MAY list
/// role names), so the reference page's "Test Request" sends the credentials and a generated client knows them.
/// </summary>
public static class OpenApiSecurity
{
    public const string Bearer = "session";
    public const string Cookie = "sessionCookie";
    public const string Basic = "device";

    public static IServiceCollection AddGatewayOpenApi(this IServiceCollection services) => services.AddOpenApi(options =>
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[Bearer] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "A person's session token: the `token` that `POST /api/auth/login` answers.",
            };
            document.Components.SecuritySchemes[Cookie] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Cookie,
                Name = GatewayAuthenticationHandler.CookieName,
                Description = "The same session token in the HttpOnly cookie that signing in sets (the dashboard, and this page once signed in).",
            };
            document.Components.SecuritySchemes[Basic] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "basic",
                Description = "A device's ID and the secret the gateway issued for it.",
            };
            return Task.CompletedTask;
        });
        options.AddOperationTransformer(DeclareAsync);
    });

    private static async Task DeclareAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        IReadOnlyList<string>? roles;
        var optional = false;
        if (metadata.OfType<IAllowAnonymous>().Any())
        {
            if (metadata.OfType<OptionalAuthorization>().LastOrDefault() is not { } extra)
            {
                return;
            }

            (roles, optional) = (extra.Roles, true);
        }
        else
        {
            var policies = context.ApplicationServices.GetRequiredService<IAuthorizationPolicyProvider>();
            var policy = await AuthorizationPolicy.CombineAsync(policies, [.. metadata.OfType<IAuthorizeData>()], [.. metadata.OfType<AuthorizationPolicy>()])
                ?? await policies.GetFallbackPolicyAsync();
            if (policy is null)
            {
                return;
            }

            // Every roles requirement must hold, so the roles that may call are their intersection; no roles
            // requirement (the fallback policy) means any authenticated caller, person or device.
            roles = policy.Requirements.OfType<RolesAuthorizationRequirement>()
                .Select(r => (IEnumerable<string>)r.AllowedRoles)
                .Aggregate((IEnumerable<string>?)null, (all, next) => all is null ? next : all.Intersect(next))?.ToList()
                ?? [.. Roles.PersonRoles, Roles.Device];
        }

        var people = roles.Where(Roles.IsPersonRole).ToList();
        var device = roles.Contains(Roles.Device);
        var document = context.Document;
        // A list of requirement objects is "any one of" (OpenAPI 3.1 §4.8.10 security); an empty one is "none needed".
        operation.Security = [];
        if (optional)
        {
            operation.Security.Add(new OpenApiSecurityRequirement());
        }

        if (people.Count > 0)
        {
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Bearer, document)] = people });
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Cookie, document)] = people });
        }

        if (device)
        {
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Basic, document)] = [Roles.Device] });
        }

        operation.Responses ??= [];
        operation.Responses.TryAdd("401", new OpenApiResponse { Description = "No credentials, or a session that ended (code `unauthorized`)." });
        if (!optional)
        {
            operation.Responses.TryAdd("403", new OpenApiResponse { Description = $"Signed in, but not as {string.Join(", ", roles)} (code `forbidden`)." });
        }
    }
}
