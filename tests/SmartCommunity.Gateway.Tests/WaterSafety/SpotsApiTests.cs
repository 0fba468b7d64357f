using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SmartCommunity.Gateway.Tests.Support;
using SmartCommunity.Gateway.WaterSafety.Spots;

namespace SmartCommunity.Gateway.Tests.WaterSafety;

public sealed class SpotsApiTests
{
    [Fact]
    public async Task TheWaterAuthorityRegistersASpotStaffAndTheGuardOfItsCellSeeItOtherGuardsDoNotAndItSurvivesARestart()
    {
        var gateway = new GatewayFactory();
        await WaterSafetyTestBed.PutSpotAsync(gateway);

        using var guardA = await gateway.LoginAsync("guard-a");
        using var guardB = await gateway.LoginAsync("guard-b");
        using var ps = await gateway.LoginAsync("ps");
        var seen = await guardA.GetFromJsonAsync<JsonElement>("/api/water/spots/spot-a");
        Assert.Equal("reach-1", seen.GetProperty("spot").GetProperty("reachId").GetString());
        // No reading yet: no risk, except the one step a risk time gives by itself (the test spot's 16:00–19:00 Beijing
        // time, weekends and summer holidays, on the real clock), which must then be the only reason.
        var reasons = seen.GetProperty("reasons").EnumerateArray().Select(r => r.GetProperty("code").GetString()).ToList();
        Assert.True(reasons is [] or ["risk_time"], string.Join(", ", reasons));
        Assert.Equal(reasons.Count == 0 ? "none" : "blue", seen.GetProperty("risk").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await guardB.GetAsync("/api/water/spots/spot-a")).StatusCode);
        Assert.Empty(await guardB.GetFromJsonAsync<JsonElement[]>("/api/water/spots") ?? []);
        Assert.Single(await ps.GetFromJsonAsync<JsonElement[]>("/api/water/spots") ?? []);

        await gateway.DisposeAsync();
        await using var restarted = gateway.Reopen();
        restarted.Start();
        var spot = restarted.Get<SpotRegistry>().Get("spot-a");
        Assert.NotNull(spot);
        Assert.Equal(TestCommunity.Camera, spot.Devices.Cameras![0].Id);
        Assert.Equal(["07-01..08-31"], spot.RiskTimes.Seasons);
    }

    public static TheoryData<string, string> BadBodies() => new()
    {
        { "{not json", "" },
        { JsonSerializer.Serialize(WaterSafetyTestBed.SpotBody(cellId: "no-such-cell")), "Cell 'no-such-cell' does not exist" },
        { JsonSerializer.Serialize(WaterSafetyTestBed.SpotBody(warning: 33)), "normalM < warningM < dangerM" },
        { JsonSerializer.Serialize(WaterSafetyTestBed.SpotBody(station: TestCommunity.DoorUnit)), "is a door-access, not a water-level" },
        { JsonSerializer.Serialize(WaterSafetyTestBed.SpotBody(station: "ghost")), "'ghost' in 'levelStation' is not registered" },
        { JsonSerializer.Serialize(WaterSafetyTestBed.SpotBody()).Replace("\"reach-1\"", "\"" + new string('r', 60_000) + "\"", StringComparison.Ordinal), "Field 'reachId' must be 1–64" },
        { JsonSerializer.Serialize(WaterSafetyTestBed.SpotBody()).Replace("\"reach-1\"", "\"reach 1/../x\"", StringComparison.Ordinal), "Field 'reachId' must be 1–64" },
        { """{"name":"x","cellId":"b-a","lat":28.2,"lon":112.9,"levels":{"normalM":1,"warningM":2,"dangerM":3},"rise":{"warningMPerHour":0.3,"dangerMPerHour":1},"riskTimes":{"dailyHours":["25:00-26:00"]}}""", "not 'HH:mm-HH:mm'" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task ABadSpotIsRefusedWith400AndTheReason(string body, string reason)
    {
        await using var gateway = new GatewayFactory();
        using var wa = await gateway.LoginAsync("wa");
        var response = await wa.PutAsync("/api/water/spots/bad", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(reason, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
