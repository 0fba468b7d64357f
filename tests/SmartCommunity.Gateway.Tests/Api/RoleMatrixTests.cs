using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using SmartCommunity.Gateway.Tests.Support;
using Row = (string Method, string Pattern, string Path, string? Body, string[] Allowed);

namespace SmartCommunity.Gateway.Tests.Api;

/// <summary>
/// Every endpoint, every role: who gets in and who gets 401/403. The table must cover every mapped endpoint,
/// so a new endpoint cannot ship without a decision on who may call it. Each feature keeps its rows in a file of
/// its own (<c>RoleMatrixTests.Water.cs</c> …).
/// </summary>
public sealed partial class RoleMatrixTests : IClassFixture<RoleMatrixTests.Fixture>
{
    private const string Anonymous = "anonymous";
    private const string DeviceRole = "device";
    private static readonly string[] People = ["admin", "ps", "em", "wa", "guard-a"];
    private static readonly string[] Everyone = [.. People, DeviceRole, Anonymous];
    private static readonly string[] Staff = ["admin", "ps", "em", "wa"];

    /// <summary>(method, route pattern, concrete path, body, who may call it) for the platform's own endpoints.</summary>
    private static readonly Row[] CoreRows =
    [
        ("GET", "/alive", "/alive", null, Everyone),
        ("GET", "/health", "/health", null, Everyone),
        // Anonymous only from loopback; the test server's requests carry no remote address, so only admins get in.
        ("GET", "/metrics", "/metrics", null, ["admin"]),
        ("GET", "/openapi/{documentName}.json", "/openapi/v1.json", null, Everyone),
        ("GET", "/api/reference/{documentName?}", "/api/reference", null, Everyone),
        // The reference page's own assets (scripts, icons): one row for the whole prefix.
        ("GET", "/api/reference/*", "/api/reference/scalar.js", null, Everyone),
        ("POST", "api/auth/login", "/api/auth/login", """{"username":"x","password":"y"}""", Everyone),
        ("POST", "api/auth/logout", "/api/auth/logout", null, People),
        ("GET", "api/auth/me", "/api/auth/me", null, People),
        ("GET", "api/ingest/rejections", "/api/ingest/rejections", null, Staff),
        ("GET", "api/audit", "/api/audit", null, ["admin"]),
        ("GET", "api/grid/cells/", "/api/grid/cells", null, People),
        ("GET", "api/grid/cells/{id}", "/api/grid/cells/b-a", null, People),
        ("PUT", "api/grid/cells/{id}", "/api/grid/cells/b-new", """{"parentId":"p1","level":"Building","name":"N"}""", ["admin"]),
        ("DELETE", "api/grid/cells/{id}", "/api/grid/cells/no-such-cell", null, ["admin"]),
        ("GET", "api/people/", "/api/people", null, Staff),
        ("GET", "api/people/{id}", "/api/people/guard-a", null, Staff),
        ("PUT", "api/people/{id}", "/api/people/new-person", """{"name":"N","role":"emergency","duty":"Staff","cells":["c1"]}""", ["admin"]),
        ("DELETE", "api/people/{id}", "/api/people/no-such-person", null, ["admin"]),
        // Someone else's password: admins only (changing one's own is tested in PeopleApiTests).
        ("POST", "api/people/{id}/password", "/api/people/guard-b/password", """{"newPassword":"another-password-1"}""", ["admin"]),
        ("GET", "api/devices/", "/api/devices", null, People),
        ("GET", "api/devices/me", "/api/devices/me", null, [DeviceRole]),
        ("GET", "api/devices/{id}", "/api/devices/level-1", null, People),
        ("PUT", "api/devices/{id}", "/api/devices/new-device", """{"kind":"camera","name":"N","cellId":"b-a"}""", ["admin"]),
        ("DELETE", "api/devices/{id}", "/api/devices/no-such-device", null, ["admin"]),
        ("POST", "api/devices/{id}/secret", "/api/devices/no-such-device/secret", null, ["admin"]),
        ("GET", "api/gb28181/{code}", "/api/gb28181/43010200011320000001", null, People),
        ("GET", "api/admin/broker/mosquitto/passwd", "/api/admin/broker/mosquitto/passwd", null, ["admin"]),
        ("GET", "api/admin/broker/mosquitto/acl", "/api/admin/broker/mosquitto/acl", null, ["admin"]),
        ("GET", "api/alerts/", "/api/alerts", null, People),
        ("GET", "api/alerts/feed", "/api/alerts/feed", null, People),
        // Guards get 404 for alerts outside their cells (and for unknown IDs): in, but nothing leaks.
        ("GET", "api/alerts/{id}", "/api/alerts/no-such-alert", null, People),
        ("GET", "api/alerts/{id}/cap", "/api/alerts/no-such-alert/cap", null, People),
        ("POST", "api/alerts/{id}/ack", "/api/alerts/no-such-alert/ack", "{}", People),
        ("POST", "api/alerts/{id}/resolve", "/api/alerts/no-such-alert/resolve", """{"note":"n"}""", People),
        ("GET", "api/alerts/silences", "/api/alerts/silences", null, Staff),
        ("POST", "api/alerts/silences", "/api/alerts/silences", """{"sourceKind":"spot","sourceId":"matrix","minutes":1,"reason":"role matrix"}""", Staff),
        ("DELETE", "api/alerts/silences/{id}", "/api/alerts/silences/no-such-silence", null, Staff),
        ("GET", "api/timeseries/", "/api/timeseries", null, People),
        // A device in guard-a's cell: guards get in for their own devices (others answer 404, see TimeSeriesApiTests).
        ("GET", "api/timeseries/{measurement}", "/api/timeseries/water_level?field=level_m&device=level-1", null, People),
        // seconds=0: the stream answers its ready event and ends, so the matrix can read it whole.
        ("GET", "api/live", "/api/live?seconds=0", null, People),
    ];

    /// <summary>Every row: the platform's and each feature's (the feature rows are properties, so no field-order question).</summary>
    private static readonly Row[] Table = [.. CoreRows, .. WaterRows, .. VideoRows, .. ShelterRows, .. DashboardRows];

    private readonly Fixture _fixture;

    public RoleMatrixTests(Fixture fixture) => _fixture = fixture;

    public static TheoryData<string, string, string> Cases()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var row in Table)
        {
            foreach (var caller in Everyone)
            {
                data.Add(row.Method, row.Path, caller);
            }
        }

        return data;
    }

    [Fact]
    public void TheTableCoversEveryMappedEndpointAndEveryEndpointHasAnAuthorisationDecision()
    {
        var endpoints = _fixture.Gateway.Get<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>() is not null)
            .ToList();

        foreach (var endpoint in endpoints)
        {
            var method = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Single();
            var pattern = endpoint.RoutePattern.RawText!;
            Assert.True(Table.Any(r => r.Method == method && Matches(r.Pattern, pattern)), $"No role-matrix row for {method} {pattern}");
            var anonymous = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
            var policy = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => a.Policy is not null || a.Roles is not null);
            Assert.True(anonymous || policy, $"{method} {pattern} names no policy (it would fall back to any signed-in caller)");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task OnlyTheRolesInTheTableGetIn(string method, string path, string caller)
    {
        var row = Table.First(r => r.Method == method && r.Path == path);
        // Logging out ends the session, so it gets one of its own rather than the shared one.
        using var client = await _fixture.ClientForAsync(caller, fresh: path == "/api/auth/logout");
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (row.Body is not null)
        {
            request.Content = new StringContent(row.Body, Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request);

        var refused = response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden;
        var allowed = row.Allowed.Contains(caller);
        // Login with wrong credentials answers 401 by design; it is still reachable by everyone.
        if (path == "/api/auth/login")
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            return;
        }

        Assert.True(allowed != refused, $"{caller} {method} {path} → {(int)response.StatusCode}, expected {(allowed ? "allowed" : "refused")}");
    }

    private static string Normalise(string pattern) => pattern.TrimStart('/').TrimEnd('/');

    private static bool Matches(string row, string pattern) => row.EndsWith("/*", StringComparison.Ordinal)
        ? Normalise(pattern).StartsWith(Normalise(row[..^1]), StringComparison.Ordinal)
        : Normalise(row) == Normalise(pattern);

    public sealed class Fixture : IAsyncLifetime
    {
        private readonly Dictionary<string, string> _tokens = [];

        public GatewayFactory Gateway { get; } = new();

        public async Task InitializeAsync()
        {
            Gateway.Start();
            foreach (var person in People)
            {
                using var client = await Gateway.LoginAsync(person);
                _tokens[person] = client.DefaultRequestHeaders.Authorization!.Parameter!;
            }
        }

        public async Task DisposeAsync() => await Gateway.DisposeAsync();

        public async Task<HttpClient> ClientForAsync(string caller, bool fresh = false)
        {
            if (fresh && People.Contains(caller))
            {
                return await Gateway.LoginAsync(caller);
            }

            var client = Gateway.CreateClient();
            if (caller == DeviceRole)
            {
                var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{TestCommunity.LevelStation}:{TestCommunity.SecretOf(TestCommunity.LevelStation)}"));
                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", basic);
            }
            else if (caller != Anonymous)
            {
                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _tokens[caller]);
            }

            return client;
        }
    }
}
