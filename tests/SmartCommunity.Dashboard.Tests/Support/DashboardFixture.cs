using System.Net.Http.Json;
using Microsoft.Playwright;
using SmartCommunity.Testing;

namespace SmartCommunity.Dashboard.Tests.Support;

/// <summary>
/// One gateway (demo community) and one browser shared by the dashboard tests of a collection. The beach spot's
/// risk times are widened to the whole day, so a level above danger is red whatever the hour the tests run
/// (danger level → orange, risk time → one step up: docs/water-safety.md).
/// </summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    public const string AllDayBeachSpot = """
        {"spots": [{"id": "spot-hetan-beach", "name": "沙洲滩 Sandbar Beach", "cellId": "b-hetan-beach", "lat": 28.1996, "lon": 112.9671,
          "reachId": "reach-qingxi-lower", "levels": {"normalM": 31.2, "warningM": 31.8, "dangerM": 32.3},
          "rise": {"warningMPerHour": 0.3, "dangerMPerHour": 1.0},
          "riskTimes": {"dailyHours": ["00:00-12:00", "12:00-00:00"], "seasons": [], "weekends": true},
          "devices": {"levelStation": "wl-hetan-beach", "cameras": [{"id": "43010200011320000001", "zone": "beach-waterline"}],
            "loudspeakers": ["43010200011370000001"], "sirens": ["43010200011370000001"], "signs": []}}]}
        """;

    // The gateway's seed and data; deleted with the fixture (IAsyncLifetime, so not a TempDirectory field).
    private readonly string _work = Directory.CreateTempSubdirectory("sc-dash-").FullName;

    public GatewayProcess Gateway { get; private set; } = null!;

    public Browser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // Pages update live, but a loaded shared machine may take a while: wait on facts, with a ceiling.
        Assertions.SetDefaultExpectTimeout(20_000);
        Gateway = await DemoGateway.StartAsync(_work, AllDayBeachSpot);
        Browser = await Browser.LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        if (Gateway is not null)
        {
            await Gateway.DisposeAsync();
        }

        try
        {
            Directory.Delete(_work, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a dying process: the temp folder is cleaned by the system later.
        }
    }

    /// <summary>The beach's level station publishes readings over MQTT, as the real device does.</summary>
    public Task PublishBeachLevelsAsync(params double[] levels) => LevelStation.PublishBeachAsync(Gateway.MqttPort, levels);

    /// <summary>An HTTP client signed in as a person (bearer token), to check what the page did.</summary>
    public async Task<HttpClient> SignedInClientAsync(string username, string password = DemoPeople.Password)
    {
        var http = new HttpClient { BaseAddress = new Uri(Gateway.BaseUrl), Timeout = TimeSpan.FromSeconds(20) };
        var response = await http.PostAsJsonAsync("/api/auth/login", new { username, password });
        response.EnsureSuccessStatusCode();
        var login = await response.Content.ReadFromJsonAsync<LoginAnswer>();
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", login!.Token);
        return http;
    }

    private sealed record LoginAnswer(string Token);
}

[CollectionDefinition(Name)]
public sealed class SharedDashboard : ICollectionFixture<DashboardFixture>
{
    public const string Name = "Dashboard";
}
