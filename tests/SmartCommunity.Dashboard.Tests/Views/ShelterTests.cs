using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using SmartCommunity.Dashboard.Tests.Support;

namespace SmartCommunity.Dashboard.Tests.Views;

/// <summary>
/// The emergency desk's shelters: occupancy against capacity moves live as a door unit counts people in, a closed
/// shelter is opened from the page, and a shelter past 80 % suggests where to send people.
/// </summary>
[Collection(SharedDashboard.Name)]
public sealed class ShelterTests(DashboardFixture fixture)
{
    // Demo shelters (deploy/demo-community/30-shelters.json): the school gym, open, 1 200 m² fixed → 800 places,
    // counted at its try-it entrance by door-try-01 (any door); Binhe Square, closed, 3 000 places.
    private const string Gym = "school-gym";
    private const string Square = "binhe-square";
    private const string DoorUnit = "door-try-01";
    private const string DoorSecret = "demo-secret-door-try-01";

    [Fact]
    public async Task OccupancyMovesLiveAClosedShelterOpensFromThePageAndAFillingOneSuggestsAnother()
    {
        var desk = await fixture.Browser.NewPageAsync(fixture.Gateway.BaseUrl);
        await desk.SignInAsync(DemoPeople.Emergency);
        var gym = desk.Locator($"[data-testid=shelter][data-shelter-id={Gym}]");
        var square = desk.Locator($"[data-testid=shelter][data-shelter-id={Square}]");
        await Assertions.Expect(gym.GetByTestId("shelter-state")).ToHaveTextAsync("开放");
        await Assertions.Expect(gym.GetByTestId("shelter-occupancy")).ToContainTextAsync("在场人数 0 / 容量 800 (0%)");

        await PassAsync(60);
        await Assertions.Expect(gym.GetByTestId("shelter-occupancy")).ToContainTextAsync("在场人数 60 / 容量 800 (8%)");
        await Assertions.Expect(gym.GetByRole(AriaRole.Meter)).ToHaveAttributeAsync("aria-valuenow", "60");
        // The door log in words: the unit by name and the event as 通行, never the wire's `passage`.
        await Assertions.Expect(desk.GetByTestId("door-event").First).ToContainTextAsync("通行");
        Assert.DoesNotContain("passage", await desk.GetByTestId("door-events").InnerTextAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(DoorUnit, await desk.GetByTestId("door-events").InnerTextAsync(), StringComparison.Ordinal);

        // Open the square from the page; the gateway records it.
        await Assertions.Expect(square.GetByTestId("shelter-state")).ToHaveTextAsync("关闭");
        await square.GetByTestId("shelter-toggle").ClickAsync();
        await Assertions.Expect(square.GetByTestId("shelter-state")).ToHaveTextAsync("开放");

        using var api = await fixture.SignedInClientAsync(DemoPeople.Emergency);
        var stored = await api.GetFromJsonAsync<JsonElement>($"/api/shelters/{Square}");
        Assert.True(stored.GetProperty("shelter").GetProperty("open").GetBoolean());

        // Past 80 %: said in words, and the nearest open shelter with room is suggested.
        await PassAsync(600);
        await Assertions.Expect(gym.GetByTestId("shelter-occupancy")).ToContainTextAsync("660 / 容量 800 (83%) · 接近满员");
        await Assertions.Expect(gym.GetByTestId("shelter-redirect")).ToContainTextAsync("滨河广场");
        await desk.SaveScreenshotAsync("emergency-shelters");

        // Closing asks first, with a note: cancelled, the square stays open; confirmed, it closes and the note is kept.
        await square.GetByTestId("shelter-toggle").ClickAsync();
        await Assertions.Expect(desk.GetByTestId("confirm-dialog")).ToContainTextAsync("滨河广场");
        await desk.GetByTestId("confirm-cancel").ClickAsync();
        await Assertions.Expect(square.GetByTestId("shelter-state")).ToHaveTextAsync("开放");
        Assert.True((await api.GetFromJsonAsync<JsonElement>($"/api/shelters/{Square}")).GetProperty("shelter").GetProperty("open").GetBoolean());
        await square.GetByTestId("shelter-toggle").ClickAsync();
        await desk.GetByTestId("confirm-note").FillAsync("积水，改用体育馆");
        await desk.GetByTestId("confirm-ok").ClickAsync();
        await Assertions.Expect(square.GetByTestId("shelter-state")).ToHaveTextAsync("关闭");
        Assert.False((await api.GetFromJsonAsync<JsonElement>($"/api/shelters/{Square}")).GetProperty("shelter").GetProperty("open").GetBoolean());
        var audit = await api.GetFromJsonAsync<JsonElement[]>($"/api/shelters/{Square}/audit");
        Assert.Equal("积水，改用体育馆", audit![0].GetProperty("detail").GetString());
        await desk.Context.CloseAsync();
    }

    private Task PassAsync(int people) =>
        DeviceMqtt.PublishAsync(fixture.Gateway.MqttPort, DoorUnit, DoorSecret, "event",
            [DeviceMqtt.Invariant($$"""{"v":1,"ts":{{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}},"seq":{{DeviceMqtt.NextSeq()}},"type":"passage","door":"main","direction":"in","count":{{people}}}""")]);
}
