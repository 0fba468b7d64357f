using System.Net.Http.Json;
using SmartCommunity.Gateway.Tests.Support;

namespace SmartCommunity.Gateway.Tests.WaterSafety;

/// <summary>The test community's spot: level-1, the camera (zone <c>z1</c>) and spk-1, all in building A.</summary>
public static class WaterSafetyTestBed
{
    public const string SpotId = "spot-a";
    public const string Zone = "z1";

    public static object SpotBody(string? cellId = TestCommunity.BuildingA, string station = TestCommunity.LevelStation, double warning = 31.0) => new
    {
        name = "沙洲滩 Sandbar",
        cellId,
        lat = 28.1996,
        lon = 112.9671,
        reachId = "reach-1",
        levels = new { normalM = 30.0, warningM = warning, dangerM = 32.0 },
        rise = new { warningMPerHour = 0.3, dangerMPerHour = 1.0 },
        riskTimes = new { dailyHours = new[] { "16:00-19:00" }, seasons = new[] { "07-01..08-31" }, weekends = true },
        devices = new
        {
            levelStation = station,
            cameras = new[] { new { id = TestCommunity.Camera, zone = Zone } },
            loudspeakers = new[] { TestCommunity.Speaker },
        },
    };

    public static async Task PutSpotAsync(GatewayFactory gateway, string id = SpotId)
    {
        using var wa = await gateway.LoginAsync("wa");
        var response = await wa.PutAsJsonAsync($"/api/water/spots/{id}", SpotBody());
        response.EnsureSuccessStatusCode();
    }
}
