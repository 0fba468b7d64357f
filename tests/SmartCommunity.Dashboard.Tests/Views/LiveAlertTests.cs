using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using SmartCommunity.Dashboard.Tests.Support;

namespace SmartCommunity.Dashboard.Tests.Views;

/// <summary>
/// From a level station's MQTT publish to a red alert on the emergency desk without a reload, a guard's one-tap
/// acknowledgement on a phone, and that acknowledgement back on the desk — all through the live stream.
/// </summary>
[Collection(SharedDashboard.Name)]
public sealed class LiveAlertTests(DashboardFixture fixture)
{
    [Fact]
    public async Task ALevelAboveDangerShowsARedAlertLiveTheGuardsAckReachesTheDeskAndTheDeskResolvesIt()
    {
        var desk = await fixture.Browser.NewPageAsync(fixture.Gateway.BaseUrl, Browser.Desk);
        await desk.SignInAsync(DemoPeople.Emergency);
        var guard = await fixture.Browser.NewPageAsync(fixture.Gateway.BaseUrl, Browser.Phone);
        await guard.SignInAsync(DemoPeople.Guard);
        var otherGuard = await fixture.Browser.NewPageAsync(fixture.Gateway.BaseUrl, Browser.Phone);
        await otherGuard.SignInAsync(DemoPeople.OtherGuard);
        await Assertions.Expect(otherGuard.Locator("[data-testid=guard-alerts][data-loaded=true]")).ToHaveCountAsync(1);
        var beachAlert = "[data-testid=alert][data-source='spot:spot-hetan-beach'][data-level=red]";
        await Assertions.Expect(desk.Locator(beachAlert)).ToHaveCountAsync(0);

        // Danger is 32.30 m; five readings above it (the current level is the median of the last five).
        await fixture.PublishBeachLevelsAsync(32.55, 32.60, 32.62, 32.65, 32.70);

        var deskCard = desk.Locator(beachAlert).First;
        await Assertions.Expect(deskCard).ToBeVisibleAsync();
        await Assertions.Expect(deskCard.Locator(".level")).ToHaveTextAsync("红色 Ⅰ级");
        await Assertions.Expect(deskCard).ToHaveAttributeAsync("data-state", "raised");
        await Assertions.Expect(desk.Locator("[data-testid=plan-alert][data-cell=b-hetan-beach][data-level=red]")).ToHaveCountAsync(1);
        var alertId = await deskCard.GetAttributeAsync("data-alert-id");
        Assert.False(string.IsNullOrEmpty(alertId));
        await desk.SaveScreenshotAsync("emergency-red-alert");

        // The guard's phone got it too, with the spot's readings and the way there; one tap acknowledges.
        var guardCard = guard.Locator($"[data-alert-id='{alertId}']");
        await Assertions.Expect(guardCard).ToBeVisibleAsync();
        await Assertions.Expect(guardCard.Locator(".readings")).ToContainTextAsync("32.");
        await Assertions.Expect(guardCard.Locator("details.way")).ToBeVisibleAsync();
        await guard.SaveScreenshotAsync("guard-phone-red-alert");
        var ack = guardCard.GetByTestId("ack");
        var box = await ack.BoundingBoxAsync();
        Assert.True(box is { Height: >= 44 }, "a touch target at least 44 px high");
        await ack.TapAsync();
        await Assertions.Expect(guardCard).ToHaveAttributeAsync("data-state", "acknowledged");
        await guard.SaveScreenshotAsync("guard-phone-acknowledged");

        // The desk shows it acknowledged, by whom (the person's name, never their ID), without a reload.
        var deskCardById = desk.Locator($"[data-alert-id='{alertId}']");
        await Assertions.Expect(deskCardById).ToHaveAttributeAsync("data-state", "acknowledged");
        await Assertions.Expect(deskCardById.Locator(".state")).ToHaveTextAsync("已确认");
        await Assertions.Expect(deskCardById.GetByTestId("alert-ack-by")).ToContainTextAsync("王强");
        await Assertions.Expect(deskCardById).Not.ToContainTextAsync(DemoPeople.Guard);
        await desk.SaveScreenshotAsync("emergency-acknowledged");

        // A guard of other cells never saw it.
        await Assertions.Expect(otherGuard.Locator($"[data-alert-id='{alertId}']")).ToHaveCountAsync(0);

        using var api = await fixture.SignedInClientAsync(DemoPeople.Emergency);
        var stored = await api.GetFromJsonAsync<JsonElement>($"/api/alerts/{alertId}");
        Assert.Equal("acknowledged", stored.GetProperty("alert").GetProperty("state").GetString());
        Assert.Equal(DemoPeople.Guard, stored.GetProperty("alert").GetProperty("acknowledgedBy").GetString());
        Assert.DoesNotContain(fixture.Browser.ConsoleErrors, e => !e.Contains("Failed to load resource", StringComparison.Ordinal));

        // Resolving from the desk asks first, with a note saying what was done: cancelled, the alert stays; without
        // a note, nothing is sent; confirmed with one, the alert leaves the active list.
        await deskCardById.GetByTestId("resolve").ClickAsync();
        var note = desk.GetByTestId("confirm-note");
        await Assertions.Expect(note).ToBeFocusedAsync();
        await desk.GetByTestId("confirm-cancel").ClickAsync();
        await Assertions.Expect(desk.GetByTestId("confirm-dialog")).ToHaveCountAsync(0);
        await Assertions.Expect(deskCardById).ToHaveAttributeAsync("data-state", "acknowledged");
        await deskCardById.GetByTestId("resolve").ClickAsync();
        await desk.GetByTestId("confirm-ok").ClickAsync();
        await Assertions.Expect(desk.GetByTestId("confirm-dialog")).ToContainTextAsync("请填写说明");
        await Assertions.Expect(deskCardById).ToHaveAttributeAsync("data-state", "acknowledged");
        await note.FillAsync("Cleared the beach; barrier closed.");
        await desk.GetByTestId("confirm-ok").ClickAsync();
        await Assertions.Expect(deskCardById).ToHaveCountAsync(0);
        // …and from the guard's phone too, live.
        await Assertions.Expect(guardCard).ToHaveCountAsync(0);
        stored = await api.GetFromJsonAsync<JsonElement>($"/api/alerts/{alertId}");
        Assert.Equal("resolved", stored.GetProperty("alert").GetProperty("state").GetString());

        await desk.Context.CloseAsync();
        await guard.Context.CloseAsync();
        await otherGuard.Context.CloseAsync();
    }
}
