using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using SmartCommunity.Dashboard.Tests.Support;

namespace SmartCommunity.Dashboard.Tests.Views;

/// <summary>
/// Every view as a person meets it, with the network to anything but the gateway cut off (视频专网 and community
/// networks often have no internet): nothing is fetched from outside, no raw ID or ISO timestamp is in the visible
/// text, and a Chinese view carries no English registry names. Screenshots at desk and phone size.
/// </summary>
[Collection(SharedDashboard.Name)]
public sealed partial class ForPeopleTests(DashboardFixture fixture)
{
    private const string TryItDoor = "door-try-01";

    // IDs of the demo community that must never be what a person reads (names are shown instead).
    private static readonly string[] RawIds =
    [
        DemoPeople.Guard, DemoPeople.Emergency, DemoPeople.WaterAuthority, DemoPeople.PublicSecurity, "c-qingxi", "b-hetan-beach", "b-hetan-bridge",
        DemoPeople.BeachSpot, DemoPeople.BeachStation, DemoPeople.BridgeStation, "43010200011370000001", "43010200011320000001", "line_cross", "zone_enter", TryItDoor,
        // Door event types as the wire names them (the shelter desk's door log once showed `passage`).
        "passage", "door_forced", "motion_start",
    ];

    // The walk raises an alert of its own first (a door forced open at the try-it door unit, "试用门禁 Try-it door unit"),
    // so the texts the gateway composes (titles, texts, places, evidence) are always checked, whatever ran before.
    // A full run once found the gateway putting bilingual seed names whole into Chinese alert texts.
    [Theory]
    [InlineData(1600, 1000)]
    [InlineData(390, 844)]
    public async Task EveryViewWorksOfflineWithNamesAndLocalTimesInOneLanguage(int width, int height)
    {
        var page = await fixture.Browser.NewPageAsync(fixture.Gateway.BaseUrl, new ViewportSize { Width = width, Height = height });
        var outside = await BlockEverythingButTheGatewayAsync(page);
        await RaiseADoorAlarmAsync();
        await SaveAGuardUnchangedAsync();
        await page.SignInAsync("admin", DemoPeople.AdminPassword);
        // The audit log is the admin view's tab with the most IDs behind it (people, devices, places changed).
        foreach (var view in new[] { "emergency", "water", "security", "guard", "admin", "admin/audit" })
        {
            await page.GetByTestId("nav-" + view.Split('/')[0]).ClickAsync();
            var root = page.GetByTestId("view-" + view.Split('/')[0]);
            await Assertions.Expect(root).ToBeVisibleAsync();
            if (view.Contains('/', StringComparison.Ordinal))
            {
                await page.GetByTestId("admin-tab-" + view.Split('/')[1]).ClickAsync();
                await Assertions.Expect(page.GetByTestId("admin-" + view.Split('/')[1])).ToBeVisibleAsync();
                await Assertions.Expect(page.GetByTestId("audit-row").First).ToBeVisibleAsync();
            }

            await Assertions.Expect(root.GetByText("加载中…")).ToHaveCountAsync(0);
            var text = await page.Locator("main").InnerTextAsync();
            Assert.False(IsoTime().IsMatch(text), $"{view}: an ISO timestamp is shown: {IsoTime().Match(text).Value}");
            foreach (var id in RawIds)
            {
                Assert.False(text.Contains(id, StringComparison.Ordinal), $"{view}: the raw ID {id} is shown instead of a name");
            }

            Assert.False(EnglishName().IsMatch(text), $"{view}: English in the Chinese view: {EnglishName().Match(text).Value}");
            await page.SaveScreenshotAsync($"people-{view.Replace('/', '-')}-{width}");
        }

        Assert.Empty(outside);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task TheApiReferenceLoadsWithNothingFromOutside()
    {
        var page = await fixture.Browser.NewPageAsync(fixture.Gateway.BaseUrl);
        var outside = await BlockEverythingButTheGatewayAsync(page);
        // The reference's script is a few megabytes; on a loaded CI machine its "load" event came after the page's
        // 20 s default (CI at cd71083), so the wait is for the rendered text, with room for the load.
        await page.GotoAsync("/api/reference", new() { WaitUntil = WaitUntilState.Commit, Timeout = 60_000 });
        await Assertions.Expect(page.GetByText("SmartCommunity", new() { Exact = false }).First).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle, new() { Timeout = 60_000 });
        await page.SaveScreenshotAsync("api-reference");
        Assert.Empty(outside);
        await page.Context.CloseAsync();
    }

    /// <summary>
    /// The reference's "Test Request" works once signed in: the document declares the session cookie (and bearer,
    /// device Basic), the page preselects the cookie, and the browser sends the dashboard's HttpOnly cookie.
    /// </summary>
    [Fact]
    public async Task TheApiReferencesTestRequestWorksAfterSigningIn()
    {
        var page = await fixture.Browser.NewPageAsync(fixture.Gateway.BaseUrl);
        var outside = await BlockEverythingButTheGatewayAsync(page);
        await page.SignInAsync(DemoPeople.Emergency);
        await page.GotoAsync("/api/reference#tag/auth/GET/api/auth/me", new() { WaitUntil = WaitUntilState.Commit, Timeout = 60_000 });
        await page.Locator("button", new() { HasText = "Test Request(get /api/auth/me)" }).ClickAsync(new() { Timeout = 30_000 });
        var answered = page.WaitForResponseAsync(r => r.Url.EndsWith("/api/auth/me", StringComparison.Ordinal), new() { Timeout = 30_000 });
        await page.Locator("button", new() { HasText = "Send get request" }).First.ClickAsync();
        var response = await answered;
        Assert.Equal(200, response.Status);
        Assert.Contains(DemoPeople.Emergency, await response.TextAsync(), StringComparison.Ordinal);
        await Assertions.Expect(page.GetByText("200 OK").First).ToBeVisibleAsync();
        await page.SaveScreenshotAsync("api-reference-test-request");
        Assert.Empty(outside);
        await page.Context.CloseAsync();
    }

    /// <summary>An audit entry of the walk's own (an admin saves the guard as they are), so the log is never empty.</summary>
    private async Task SaveAGuardUnchangedAsync()
    {
        using var http = await fixture.SignedInClientAsync("admin", DemoPeople.AdminPassword);
        var guard = await http.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/people/{DemoPeople.Guard}");
        (await http.PutAsJsonAsync($"/api/people/{DemoPeople.Guard}", guard)).EnsureSuccessStatusCode();
    }

    private async Task RaiseADoorAlarmAsync()
    {
        await DeviceMqtt.PublishAsync(fixture.Gateway.MqttPort, TryItDoor, "demo-secret-door-try-01", "event",
            [DeviceMqtt.Invariant($$"""{"v":1,"ts":{{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}},"seq":{{DeviceMqtt.NextSeq()}},"type":"door_forced","door":"east"}""")]);
        using var http = await fixture.SignedInClientAsync("admin", DemoPeople.AdminPassword);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        // The demo's grouping rules may fold it into a burst alert of the unit: any alert from the unit will do.
        while (await http.GetStringAsync("/api/alerts?limit=1000") is var alerts && !alerts.Contains($"\"id\":\"{TryItDoor}\"", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, "the door alarm was not raised");
            await Task.Delay(100);
        }
    }

    private async Task<ConcurrentBag<string>> BlockEverythingButTheGatewayAsync(IPage page)
    {
        var gateway = new Uri(fixture.Gateway.BaseUrl);
        var outside = new ConcurrentBag<string>();
        await page.Context.RouteAsync("**/*", async route =>
        {
            var uri = new Uri(route.Request.Url);
            if (uri.Scheme is "data" or "blob" || (uri.Host == gateway.Host && uri.Port == gateway.Port))
            {
                await route.ContinueAsync();
                return;
            }

            outside.Add(route.Request.Url);
            await route.AbortAsync("internetdisconnected");
        });
        return outside;
    }

    [GeneratedRegex(@"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")]
    private static partial Regex IsoTime();

    // Two capitalised English words in a row: a registry name's English half ("Sandbar Beach") left in a Chinese view.
    [GeneratedRegex(@"\b[A-Z][a-z]{2,} [A-Z][a-z]{2,}\b")]
    private static partial Regex EnglishName();
}
