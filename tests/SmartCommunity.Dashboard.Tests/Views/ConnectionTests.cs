using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using SmartCommunity.Testing;
using SmartCommunity.Dashboard.Tests.Support;

namespace SmartCommunity.Dashboard.Tests.Views;

/// <summary>
/// The gateway goes away under an open dashboard: the page says so at once, and when the gateway is back it
/// reconnects by itself and shows what happened meanwhile. Its own gateway (a class fixture, not the shared
/// collection's), since it is killed and restarted.
/// </summary>
public sealed class ConnectionTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    [Fact]
    public async Task WhenTheGatewayGoesAwayConnectionLostShowsAndTheViewRecoversByItselfWithWhatWasMissed()
    {
        var page = await fixture.Browser.NewPageAsync(fixture.Gateway.BaseUrl);
        await page.SignInAsync(DemoPeople.Emergency);
        var connection = page.GetByTestId("connection");
        await Assertions.Expect(connection).ToHaveTextAsync("实时连接正常");

        await fixture.Gateway.KillAsync();
        await Assertions.Expect(connection).ToHaveAttributeAsync("data-state", "lost");
        await Assertions.Expect(connection).ToHaveTextAsync("连接中断，正在自动重连…");
        await page.SaveScreenshotAsync("emergency-connection-lost");

        // Back on the same ports and data (the session is stored, so nobody signs in again). The page's stream is
        // held off while a red alert is raised, so its live event cannot reach the page…
        await page.RouteAsync("**/api/live**", route => route.AbortAsync());
        await fixture.Gateway.RestartAsync();
        await LevelStation.PublishBeachAsync(fixture.Gateway.MqttPort, 32.6, 32.6, 32.7, 32.7, 32.8);
        using var api = await fixture.SignedInClientAsync(DemoPeople.Emergency);
        await Eventually.TrueAsync(async () => (await api.GetFromJsonAsync<JsonElement>("/api/alerts?open=true&level=red")).GetArrayLength() == 1,
            TimeSpan.FromSeconds(30), "the red alert is raised");
        await Assertions.Expect(connection).ToHaveAttributeAsync("data-state", "lost");
        await Assertions.Expect(page.Locator("[data-testid=alert][data-level=red]")).ToHaveCountAsync(0);

        // …and once the stream gets through, the page reconnects by itself and reloads: the alert is there.
        await page.UnrouteAsync("**/api/live**");
        await Assertions.Expect(connection).ToHaveAttributeAsync("data-state", "live", new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("[data-testid=alert][data-level=red]")).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByTestId("view-emergency")).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }
}
