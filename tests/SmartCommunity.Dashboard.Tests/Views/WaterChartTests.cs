using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using SmartCommunity.Dashboard.Tests.Support;
using SmartCommunity.Testing;

namespace SmartCommunity.Dashboard.Tests.Views;

/// <summary>The water authority's level chart draws the station's stored readings with uPlot served from /vendor.</summary>
[Collection(SharedDashboard.Name)]
public sealed class WaterChartTests(DashboardFixture fixture)
{
    [Fact]
    public async Task ASpotsChartShowsTheReadingsItsStationPublished()
    {
        // Below the bridge's warning level (31.50 m): readings for the chart, no alert.
        await LevelStation.PublishAsync(fixture.Gateway.MqttPort, DemoPeople.BridgeStation, DemoPeople.BridgeStationSecret, 31.00, 31.05, 31.10);
        using var api = await fixture.SignedInClientAsync(DemoPeople.WaterAuthority);
        await Eventually.TrueAsync(async () =>
            (await api.GetFromJsonAsync<JsonElement>($"/api/timeseries/water_level?field=level_m&device={DemoPeople.BridgeStation}&from={DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds()}"))
                .GetProperty("points").GetArrayLength() > 0, TimeSpan.FromSeconds(30), "the readings are stored");

        var page = await fixture.Browser.NewPageAsync(fixture.Gateway.BaseUrl);
        await page.SignInAsync(DemoPeople.WaterAuthority);
        var chart = page.Locator("[data-spot-id=spot-hetan-bridge] [data-testid=level-chart]");
        await Assertions.Expect(chart.Locator("canvas")).ToHaveCountAsync(1);
        Assert.True(int.Parse((await chart.GetAttributeAsync("data-points"))!, System.Globalization.CultureInfo.InvariantCulture) > 0);
        // The legend names each line, so the thresholds read without colour.
        await Assertions.Expect(chart).ToContainTextAsync("警戒");
        await Assertions.Expect(chart).ToContainTextAsync("危险");
        await page.Locator("[data-spot-id=spot-hetan-bridge]").ScreenshotAsync(new() { Path = Path.Combine(RepoPaths.Screenshots, "water-level-chart.png") });
        await page.Context.CloseAsync();
    }
}
