using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using SmartCommunity.Dashboard.Tests.Support;

namespace SmartCommunity.Dashboard.Tests.Views;

/// <summary>
/// The administration view against the real gateway: people created and disabled, a device registered whose
/// secret (shown once) lets it connect, a new secret, shelters' headcount and spots' thresholds. Every
/// destructive action asks first, and cancelling it changes nothing; refusals show the gateway's reason in words.
/// </summary>
[Collection(SharedDashboard.Name)]
public sealed class AdminTests(DashboardFixture fixture)
{
    private async Task<IPage> AdminPageAsync(string tab)
    {
        var page = await fixture.Browser.NewPageAsync(fixture.Gateway.BaseUrl);
        await page.SignInAsync("admin", DemoPeople.AdminPassword);
        await page.GetByTestId("nav-admin").ClickAsync();
        await Assertions.Expect(page.GetByTestId("view-admin")).ToBeVisibleAsync();
        await page.GetByTestId("admin-tab-" + tab).ClickAsync();
        return page;
    }

    [Fact]
    public async Task AnAdminCreatesAPersonWhoCanSignInAndDisablingAsksFirst()
    {
        var page = await AdminPageAsync("people");
        await page.GetByTestId("person-add").ClickAsync();
        var form = page.GetByTestId("person-form");
        await page.GetByTestId("person-id").FillAsync("guard-admin-ui");
        await page.GetByTestId("person-name").FillAsync("测试员 Tester");
        await page.GetByTestId("person-role").SelectOptionAsync("guard");
        await form.GetByLabel("沙洲滩", new() { Exact = false }).First.CheckAsync();
        // Too short a password: the gateway's reason, in the view's language; nothing is created.
        await page.GetByTestId("person-password").FillAsync("short");
        await page.GetByTestId("person-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("person-form-status")).ToContainTextAsync("密码长度须为 10–256 个字符");
        await Assertions.Expect(page.GetByTestId("person-form-status")).ToHaveAttributeAsync("data-outcome", "error");
        using var admin = await fixture.SignedInClientAsync("admin", DemoPeople.AdminPassword);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/people/guard-admin-ui")).StatusCode);

        await page.GetByTestId("person-password").FillAsync("tester-password-1");
        await page.GetByTestId("person-save").ClickAsync();
        var row = page.Locator("[data-testid=person-row][data-person='guard-admin-ui']");
        await Assertions.Expect(row).ToContainTextAsync("测试员");
        await Assertions.Expect(row).ToContainTextAsync("网格员");
        await Assertions.Expect(row).Not.ToContainTextAsync("guard-admin-ui");
        await Assertions.Expect(page.GetByTestId("admin-status")).ToHaveAttributeAsync("data-outcome", "ok");
        (await fixture.SignedInClientAsync("guard-admin-ui", "tester-password-1")).Dispose();
        await page.SaveScreenshotAsync("admin-people");

        // Disabling asks first; cancelled, the person stays enabled.
        await row.GetByTestId("person-toggle").ClickAsync();
        await Assertions.Expect(page.GetByTestId("confirm-dialog")).ToContainTextAsync("测试员");
        await page.GetByTestId("confirm-cancel").ClickAsync();
        Assert.True((await PersonAsync(admin)).GetProperty("enabled").GetBoolean());

        await row.GetByTestId("person-toggle").ClickAsync();
        await page.GetByTestId("confirm-ok").ClickAsync();
        await Assertions.Expect(row).ToContainTextAsync("已停用");
        Assert.False((await PersonAsync(admin)).GetProperty("enabled").GetBoolean());
        using var http = new HttpClient { BaseAddress = new Uri(fixture.Gateway.BaseUrl) };
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.PostAsJsonAsync("/api/auth/login", new { username = "guard-admin-ui", password = "tester-password-1" })).StatusCode);

        await row.GetByTestId("person-delete").ClickAsync();
        await page.GetByTestId("confirm-ok").ClickAsync();
        await Assertions.Expect(row).ToHaveCountAsync(0);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/people/guard-admin-ui")).StatusCode);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ADeviceRegisteredInTheConsoleConnectsWithTheSecretShownOnce()
    {
        const string Id = "wl-admin-ui";
        var page = await AdminPageAsync("devices");
        await page.GetByTestId("device-add").ClickAsync();
        await page.GetByTestId("device-id").FillAsync(Id);
        await page.GetByTestId("device-name").FillAsync("控制台水位站 Console station");
        await page.GetByTestId("device-kind").SelectOptionAsync("water-level");
        await page.GetByTestId("device-cell").SelectOptionAsync("b-hetan-bridge");
        await page.GetByTestId("device-save").ClickAsync();
        var secret = await page.GetByTestId("device-secret-value").InnerTextAsync();
        Assert.True(secret.Length >= 16, "a secret is shown");
        var row = page.Locator($"[data-testid=device-row][data-device='{Id}']");
        await Assertions.Expect(row).ToContainTextAsync("从未连接");
        await Assertions.Expect(row).ToContainTextAsync("水位站");
        await page.SaveScreenshotAsync("admin-device-secret");

        // The device connects with it and is accepted; the console shows when it was last seen.
        await LevelStation.PublishAsync(fixture.Gateway.MqttPort, Id, secret, 31.00);
        using var admin = await fixture.SignedInClientAsync("admin", DemoPeople.AdminPassword);
        var device = await admin.GetFromJsonAsync<JsonElement>($"/api/devices/{Id}");
        Assert.True(device.GetProperty("messagesAccepted").GetInt64() >= 1);
        await page.GetByTestId("admin-tab-devices").ClickAsync();
        await Assertions.Expect(row.GetByTestId("device-state").Locator("time")).ToBeVisibleAsync();

        // Shown once: a reload of the tab no longer shows it, and the API never gives it.
        await Assertions.Expect(page.GetByTestId("device-secret")).ToHaveCountAsync(0);
        Assert.DoesNotContain(secret, await admin.GetStringAsync($"/api/devices/{Id}"));

        // A new secret asks first; the old one stops working.
        await row.GetByTestId("device-rotate").ClickAsync();
        await page.GetByTestId("confirm-ok").ClickAsync();
        var rotated = await page.GetByTestId("device-secret-value").InnerTextAsync();
        Assert.NotEqual(secret, rotated);
        await Assert.ThrowsAnyAsync<Exception>(() => LevelStation.PublishAsync(fixture.Gateway.MqttPort, Id, secret, 31.01));
        await LevelStation.PublishAsync(fixture.Gateway.MqttPort, Id, rotated, 31.02);

        // Issue 16: a reading from a clock that says 2059 is kept with the receive time, and the console says which
        // device has the wrong clock, by how much and what it claimed, in the view's language.
        var year2059 = new DateTimeOffset(2059, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        await DeviceMqtt.PublishAsync(fixture.Gateway.MqttPort, Id, rotated, "telemetry",
            [DeviceMqtt.Invariant($$"""{"v":1,"ts":{{year2059}},"seq":{{DeviceMqtt.NextSeq()}},"level_m":31.03}""")]);
        await page.GetByTestId("admin-tab-devices").ClickAsync();
        var clock = row.GetByTestId("device-clock");
        await Assertions.Expect(clock).ToContainTextAsync("时钟异常");
        await Assertions.Expect(clock).ToContainTextAsync("快 ");
        await Assertions.Expect(clock).ToContainTextAsync("2059");
        await Assertions.Expect(clock).Not.ToContainTextAsync("ahead");
        await Assertions.Expect(page.GetByTestId("device-clock-summary")).ToContainTextAsync("控制台水位站");
        await page.SaveScreenshotAsync("admin-device-clock");

        // Its clock is set: the next plausible reading turns the warning into a note of when it came right.
        await LevelStation.PublishAsync(fixture.Gateway.MqttPort, Id, rotated, 31.04);
        await page.GetByTestId("admin-tab-devices").ClickAsync();
        await Assertions.Expect(clock).ToHaveAttributeAsync("data-clock", "right");
        await Assertions.Expect(clock).ToContainTextAsync("时钟自");
        await Assertions.Expect(page.GetByTestId("device-clock-summary")).ToHaveCountAsync(0);

        // Deleting asks first; cancelled, nothing happens.
        await row.GetByTestId("device-delete").ClickAsync();
        await page.GetByTestId("confirm-cancel").ClickAsync();
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/api/devices/{Id}")).StatusCode);
        await row.GetByTestId("device-delete").ClickAsync();
        await page.GetByTestId("confirm-ok").ClickAsync();
        await Assertions.Expect(row).ToHaveCountAsync(0);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/devices/{Id}")).StatusCode);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task AShelterHeadcountCorrectionNeedsANoteAndASpotsThresholdsAreEdited()
    {
        // The community centre: the other shelter tests watch the gym and the square.
        const string ShelterId = "community-centre";
        const string SpotId = "spot-hetan-bridge";
        using var admin = await fixture.SignedInClientAsync("admin", DemoPeople.AdminPassword);
        var occupantsBefore = (await admin.GetFromJsonAsync<JsonElement>($"/api/shelters/{ShelterId}")).GetProperty("occupancy").GetProperty("occupants").GetInt64();
        var before = await admin.GetFromJsonAsync<JsonElement>($"/api/water/spots/{SpotId}");
        var page = await AdminPageAsync("shelters");
        var shelter = page.Locator($"[data-testid=admin-row][data-id='{ShelterId}']");
        await shelter.GetByTestId("headcount").FillAsync("7");
        await shelter.GetByTestId("headcount-correct").ClickAsync();
        // The note is required: confirming without one keeps the dialog open.
        await page.GetByTestId("confirm-ok").ClickAsync();
        await Assertions.Expect(page.GetByTestId("confirm-dialog")).ToContainTextAsync("请填写说明");
        await page.GetByTestId("confirm-note").FillAsync("人工清点");
        await page.GetByTestId("confirm-ok").ClickAsync();
        await Assertions.Expect(shelter).ToContainTextAsync("7 /");
        var view = await admin.GetFromJsonAsync<JsonElement>($"/api/shelters/{ShelterId}");
        Assert.Equal(7, view.GetProperty("occupancy").GetProperty("occupants").GetInt64());
        await page.SaveScreenshotAsync("admin-shelters");

        await page.GetByTestId("admin-tab-spots").ClickAsync();
        var spot = page.Locator($"[data-testid=admin-row][data-id='{SpotId}']");
        await spot.GetByRole(AriaRole.Button, new() { Name = "编辑" }).ClickAsync();
        await page.GetByTestId("spot-warning").FillAsync("31.75");
        await page.GetByTestId("admin-save").ClickAsync();
        await Assertions.Expect(spot).ToContainTextAsync("31.75");
        var after = await admin.GetFromJsonAsync<JsonElement>($"/api/water/spots/{SpotId}");
        Assert.Equal(31.75, after.GetProperty("spot").GetProperty("levels").GetProperty("warningM").GetDouble(), 3);
        // Everything the form does not show is kept (devices, risk times).
        Assert.Equal(before.GetProperty("spot").GetProperty("devices").GetRawText(), after.GetProperty("spot").GetProperty("devices").GetRawText());
        Assert.Equal(before.GetProperty("spot").GetProperty("riskTimes").GetRawText(), after.GetProperty("spot").GetProperty("riskTimes").GetRawText());
        await page.Context.CloseAsync();

        // Put both back for the other tests of the collection.
        (await admin.PutAsJsonAsync($"/api/water/spots/{SpotId}", before.GetProperty("spot"))).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync($"/api/shelters/{ShelterId}/headcount", new { occupants = occupantsBefore, note = "test restores" })).EnsureSuccessStatusCode();
    }

    private static async Task<JsonElement> PersonAsync(HttpClient admin) =>
        await admin.GetFromJsonAsync<JsonElement>("/api/people/guard-admin-ui");
}
