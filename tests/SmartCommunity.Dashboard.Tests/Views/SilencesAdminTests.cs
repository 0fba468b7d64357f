using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using SmartCommunity.Dashboard.Tests.Support;

namespace SmartCommunity.Dashboard.Tests.Views;

/// <summary>
/// Alert silences (维护静默) in the administration view against the real gateway: a spot is silenced for a stated
/// time with a reason (refused without one, in Chinese), shown by name with its local times, and ended early after
/// asking, which the gateway records with who ended it.
/// </summary>
[Collection(SharedDashboard.Name)]
public sealed partial class SilencesAdminTests(DashboardFixture fixture)
{
    private const string Spot = "spot-hetan-bridge";

    [Fact]
    public async Task AnAdminSilencesASpotWithAReasonSeesItByNameAndEndsItEarlyAfterAsking()
    {
        using var admin = await fixture.SignedInClientAsync("admin", DemoPeople.AdminPassword);
        var page = await fixture.Browser.NewPageAsync(fixture.Gateway.BaseUrl);
        await page.SignInAsync("admin", DemoPeople.AdminPassword);
        await page.GetByTestId("nav-admin").ClickAsync();
        await page.GetByTestId("admin-tab-silences").ClickAsync();
        await page.GetByTestId("silence-target").SelectOptionAsync($"spot:{Spot}");
        await page.GetByTestId("silence-minutes").SelectOptionAsync("30");

        // No reason: the gateway's refusal in the view's language, and nothing is silenced.
        await page.GetByTestId("silence-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("silence-form-status")).ToHaveAttributeAsync("data-outcome", "error");
        await Assertions.Expect(page.GetByTestId("silence-form-status")).ToContainTextAsync("原因");
        Assert.DoesNotContain(await ActiveAsync(admin), s => s.GetProperty("source").GetProperty("id").GetString() == Spot);

        await page.GetByTestId("silence-reason").FillAsync("水位站检修");
        await page.GetByTestId("silence-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("silence-form-status")).ToHaveAttributeAsync("data-outcome", "ok");
        var silence = Assert.Single(await ActiveAsync(admin), s => s.GetProperty("source").GetProperty("id").GetString() == Spot);
        var minutes = (silence.GetProperty("endsAt").GetDateTimeOffset() - silence.GetProperty("startsAt").GetDateTimeOffset()).TotalMinutes;
        Assert.Equal(30, minutes, 3);

        var row = page.Locator($"[data-testid=silences-active] [data-testid=silence-row][data-silence='{silence.GetProperty("id").GetString()}']");
        await Assertions.Expect(row).ToContainTextAsync("老桥下");
        await Assertions.Expect(row).ToContainTextAsync("水位站检修");
        var text = await row.InnerTextAsync();
        Assert.DoesNotContain(Spot, text, StringComparison.Ordinal);
        Assert.False(IsoTime().IsMatch(text), "local times, not ISO: " + text);
        await page.SaveScreenshotAsync("admin-silences");

        // Ending early asks first; cancelled, it stays; confirmed, the gateway records who ended it.
        await row.GetByTestId("silence-end").ClickAsync();
        await Assertions.Expect(page.GetByTestId("confirm-dialog")).ToContainTextAsync("老桥下");
        await page.GetByTestId("confirm-cancel").ClickAsync();
        Assert.Contains(await ActiveAsync(admin), s => s.GetProperty("id").GetString() == silence.GetProperty("id").GetString());
        await row.GetByTestId("silence-end").ClickAsync();
        await page.GetByTestId("confirm-ok").ClickAsync();
        await Assertions.Expect(page.GetByTestId("admin-status")).ToHaveAttributeAsync("data-outcome", "ok");
        await Assertions.Expect(row).ToHaveCountAsync(0);
        var ended = (await admin.GetFromJsonAsync<JsonElement[]>("/api/alerts/silences"))!.Single(s => s.GetProperty("id").GetString() == silence.GetProperty("id").GetString());
        Assert.Equal("admin", ended.GetProperty("endedBy").GetString());
        await Assertions.Expect(page.Locator($"[data-testid=silences-history] [data-silence='{silence.GetProperty("id").GetString()}']")).ToContainTextAsync("提前结束");
        await page.Context.CloseAsync();
    }

    private static async Task<JsonElement[]> ActiveAsync(HttpClient admin) =>
        [.. (await admin.GetFromJsonAsync<JsonElement[]>("/api/alerts/silences"))!
            .Where(s => (!s.TryGetProperty("endedEarlyAt", out var early) || early.ValueKind == JsonValueKind.Null) && s.GetProperty("endsAt").GetDateTimeOffset() > DateTimeOffset.UtcNow)];

    [GeneratedRegex(@"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")]
    private static partial Regex IsoTime();
}
