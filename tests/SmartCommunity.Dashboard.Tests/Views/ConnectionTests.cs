using Microsoft.Playwright;
using SmartCommunity.Dashboard.Tests.Support;

namespace SmartCommunity.Dashboard.Tests.Views;

/// <summary>
/// The gateway goes away under an open dashboard: the page says so at once, and when the gateway is back it
/// reconnects by itself and shows what happened meanwhile. Its own gateway, since it is killed and restarted.
/// </summary>
public sealed class ConnectionTests : IAsyncLifetime
{
    private GatewayProcess Gateway { get; set; } = null!;

    private Browser Chromium { get; set; } = null!;

    public async Task InitializeAsync()
    {
        Assertions.SetDefaultExpectTimeout(20_000);
        Gateway = new GatewayProcess(DashboardFixture.AllDayBeachSpot);
        await Gateway.StartAsync();
        Chromium = await Browser.LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        if (Chromium is not null)
        {
            await Chromium.DisposeAsync();
        }

        if (Gateway is not null)
        {
            await Gateway.DisposeAsync();
        }
    }

    [Fact]
    public async Task WhenTheGatewayGoesAwayConnectionLostShowsAndTheViewRecoversByItselfWithWhatWasMissed()
    {
        var page = await Chromium.NewPageAsync(Gateway.BaseUrl);
        await page.SignInAsync(DemoPeople.Emergency);
        var connection = page.GetByTestId("connection");
        await Assertions.Expect(connection).ToHaveTextAsync("实时连接正常");

        await Gateway.StopAsync();
        await Assertions.Expect(connection).ToHaveAttributeAsync("data-state", "lost");
        await Assertions.Expect(connection).ToHaveTextAsync("连接中断，正在自动重连…");
        await page.SaveScreenshotAsync("emergency-connection-lost");

        // Back on the same ports and data (the session is stored, so nobody signs in again). An alert raised
        // before the page reconnects is on the list afterwards: the view reloads on reconnect.
        await Gateway.StartAsync();
        await BeachStation.PublishLevelsAsync(Gateway.MqttPort, 32.6, 32.6, 32.7, 32.7, 32.8);
        await Assertions.Expect(connection).ToHaveAttributeAsync("data-state", "live", new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("[data-testid=alert][data-level=red]")).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByTestId("view-emergency")).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }
}
