using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;

namespace SmartCommunity.Gateway.Tests.Api;

/// <summary>
/// The OpenAPI document says what the role matrix proves: which credentials each operation takes and for which
/// roles, so "Test Request" on the reference page sends them and a generated client knows them (issue 15).
/// </summary>
public sealed partial class RoleMatrixTests
{
    /// <summary>The matrix's callers by the role the gateway gives them.</summary>
    private static readonly Dictionary<string, string> CallerOfRole = new()
    {
        ["admin"] = "admin", ["public-security"] = "ps", ["emergency"] = "em", ["water-authority"] = "wa", ["guard"] = "guard-a", ["device"] = DeviceRole,
    };

    /// <summary>
    /// Rows whose handler refuses some callers that the policy lets in (so the document, which states the policy,
    /// names more roles than the matrix lets through): the row's comment says why.
    /// </summary>
    private static readonly HashSet<string> DecidedInTheHandler = ["POST api/people/{id}/password"];

    [Fact]
    public async Task TheOpenApiDocumentDeclaresTheSessionAndDeviceSecuritySchemes()
    {
        using var document = await OpenApiDocumentAsync();
        var schemes = document.RootElement.GetProperty("components").GetProperty("securitySchemes");

        var bearer = schemes.GetProperty("session");
        Assert.Equal(("http", "bearer"), (bearer.GetProperty("type").GetString(), bearer.GetProperty("scheme").GetString()));
        var cookie = schemes.GetProperty("sessionCookie");
        Assert.Equal(("apiKey", "cookie", "sc_session"),
            (cookie.GetProperty("type").GetString(), cookie.GetProperty("in").GetString(), cookie.GetProperty("name").GetString()));
        var device = schemes.GetProperty("device");
        Assert.Equal(("http", "basic"), (device.GetProperty("type").GetString(), device.GetProperty("scheme").GetString()));

        // A person's operation: session token or cookie, for any person's role; never a device.
        var ack = Security(document, "post", "/api/alerts/{id}/ack");
        Assert.Equal(["session", "sessionCookie"], ack.Select(r => r.Scheme));
        Assert.All(ack, r => Assert.Equal(["admin", "public-security", "emergency", "water-authority", "guard"], r.Roles));
        // Two roles only.
        Assert.All(Security(document, "post", "/api/water/notices"), r => Assert.Equal(["admin", "water-authority"], r.Roles));
        // A device's own operation: HTTP Basic only.
        Assert.Equal([("device", (IReadOnlyList<string>)["device"])], Security(document, "get", "/api/devices/me").Select(r => (r.Scheme, r.Roles)));
        // Anonymous: no requirement. /metrics: none needed (from loopback), or an admin's session.
        Assert.False(Operation(document, "get", "/alive").TryGetProperty("security", out _));
        Assert.Equal(["", "session", "sessionCookie"], Security(document, "get", "/metrics").Select(r => r.Scheme));
        Assert.True(Operation(document, "post", "/api/alerts/{id}/ack").GetProperty("responses").TryGetProperty("403", out _));
    }

    [Fact]
    public async Task EveryMappedEndpointThatNeedsCredentialsDeclaresThemForTheRolesTheMatrixLetsIn()
    {
        using var document = await OpenApiDocumentAsync();
        var paths = document.RootElement.GetProperty("paths");
        var endpoints = _fixture.Gateway.Get<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<HttpMethodMetadata>() is not null)
            .ToList();
        Assert.NotEmpty(endpoints);

        foreach (var endpoint in endpoints)
        {
            var method = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Single();
            var pattern = endpoint.RoutePattern.RawText!;
            var row = Table.First(r => r.Method == method && Matches(r.Pattern, pattern));
            var anonymous = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
            var path = OpenApiPath(pattern);
            if (!paths.TryGetProperty(path, out var item) || !item.TryGetProperty(method.ToLowerInvariant(), out _))
            {
                // Only anonymous plumbing (the document itself, the reference page) may be left out.
                Assert.True(anonymous, $"{method} {pattern} needs credentials but is missing from the OpenAPI document as {path}");
                continue;
            }

            var security = Security(document, method.ToLowerInvariant(), path);
            if (security.Count == 0)
            {
                Assert.True(anonymous, $"{method} {path} needs credentials but declares no security requirement");
                Assert.Contains(Anonymous, row.Allowed);
                continue;
            }

            // The matrix's anonymous callers are left out: an optional requirement ("{}", /metrics) lets them in from
            // loopback only, which the test server's requests are not.
            var declared = security.SelectMany(r => r.Roles).Select(role => CallerOfRole[role]).ToHashSet();
            var allowed = row.Allowed.Where(c => c != Anonymous).ToHashSet();
            Assert.True(allowed.IsSubsetOf(declared),
                $"{method} {path} lets in {string.Join(",", allowed)} but declares only {string.Join(",", declared)}");
            Assert.True(declared.SetEquals(allowed) || DecidedInTheHandler.Contains($"{method} {row.Pattern}"),
                $"{method} {path} declares {string.Join(",", declared)} but the matrix lets in only {string.Join(",", allowed)}");
            // A device's Basic credentials are offered exactly where a device gets in.
            Assert.Equal(allowed.Contains(DeviceRole), security.Any(r => r.Scheme == "device"));
        }
    }

    private async Task<JsonDocument> OpenApiDocumentAsync()
    {
        using var client = _fixture.Gateway.CreateClient();
        return JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json"));
    }

    /// <summary>The document's path for a route pattern: leading slash, parameters without constraints or "?".</summary>
    private static string OpenApiPath(string pattern) =>
        "/" + Regex.Replace(pattern.Trim('/'), @"\{\*{0,2}([A-Za-z]+)[^}]*\}", "{$1}");

    private static JsonElement Operation(JsonDocument document, string method, string path) =>
        document.RootElement.GetProperty("paths").GetProperty(path).GetProperty(method);

    /// <summary>The operation's requirement objects as (scheme, roles); "" is the empty object, "nothing needed".</summary>
    private static List<(string Scheme, IReadOnlyList<string> Roles)> Security(JsonDocument document, string method, string path)
    {
        if (!Operation(document, method, path).TryGetProperty("security", out var security))
        {
            return [];
        }

        return [.. security.EnumerateArray().Select(requirement =>
        {
            var schemes = requirement.EnumerateObject().ToList();
            Assert.True(schemes.Count <= 1, $"{method} {path}: one scheme per requirement (any one of them will do)");
            return schemes.Count == 0
                ? ("", (IReadOnlyList<string>)[])
                : (schemes[0].Name, (IReadOnlyList<string>)[.. schemes[0].Value.EnumerateArray().Select(r => r.GetString()!)]);
        })];
    }
}
