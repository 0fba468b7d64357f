using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using SmartCommunity.Dashboard.Tests.Support;

namespace SmartCommunity.Dashboard.Tests.Views;

/// <summary>
/// The audit log (操作日志) in the administration view against the real gateway: changes made by two people are
/// listed with their names, the change in words, what it was about by name and the local time; filtered by person
/// and by kind of change.
/// </summary>
[Collection(SharedDashboard.Name)]
public sealed partial class AuditLogTests(DashboardFixture fixture)
{
    [Fact]
    public async Task AnAdminReadsWhoChangedWhatByNameInLocalTimeAndFiltersByPersonAndKind()
    {
        using var admin = await fixture.SignedInClientAsync("admin", DemoPeople.AdminPassword);
        using var emergency = await fixture.SignedInClientAsync(DemoPeople.Emergency, DemoPeople.Password);
        var guard = await admin.GetFromJsonAsync<JsonElement>($"/api/people/{DemoPeople.OtherGuard}");
        var phone = "1390000" + Random.Shared.Next(1000, 9999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        (await admin.PutAsJsonAsync($"/api/people/{DemoPeople.OtherGuard}", new
        {
            name = guard.GetProperty("name").GetString(), role = guard.GetProperty("role").GetString(), duty = guard.GetProperty("duty").GetString(),
            cells = guard.GetProperty("cells"), phone, enabled = true,
        })).EnsureSuccessStatusCode();
        (await emergency.PostAsJsonAsync("/api/alerts/silences", new { sourceKind = "spot", sourceId = DemoPeople.BeachSpot, minutes = 1, reason = "审计测试" })).EnsureSuccessStatusCode();
        var guardName = ChineseOf(guard.GetProperty("name").GetString()!);
        var emergencyName = ChineseOf((await admin.GetFromJsonAsync<JsonElement>($"/api/people/{DemoPeople.Emergency}")).GetProperty("name").GetString()!);

        var page = await fixture.Browser.NewPageAsync(fixture.Gateway.BaseUrl);
        await page.SignInAsync("admin", DemoPeople.AdminPassword);
        await page.GetByTestId("nav-admin").ClickAsync();
        await page.GetByTestId("admin-tab-audit").ClickAsync();

        var change = page.Locator("[data-testid=audit-row][data-kind=people][data-method=PUT]").Filter(new() { HasText = guardName }).First;
        await Assertions.Expect(change.GetByTestId("audit-who")).ToHaveTextAsync("系统管理员");
        await Assertions.Expect(change.GetByTestId("audit-what")).ToHaveTextAsync("人员 · 保存");
        await Assertions.Expect(change.GetByTestId("audit-on")).ToHaveTextAsync(guardName);
        var silence = page.Locator("[data-testid=audit-row][data-kind='alerts.silences']").First;
        await Assertions.Expect(silence.GetByTestId("audit-who")).ToHaveTextAsync(emergencyName);
        await Assertions.Expect(silence.GetByTestId("audit-on")).ToContainTextAsync("沙洲滩");

        var text = await page.GetByTestId("admin-audit").InnerTextAsync();
        Assert.False(IsoTime().IsMatch(text), "local times, not ISO: " + IsoTime().Match(text).Value);
        foreach (var id in (string[])["admin", DemoPeople.OtherGuard, DemoPeople.Emergency, DemoPeople.BeachSpot, "alerts.silences", "PUT"])
        {
            Assert.DoesNotContain(id, text, StringComparison.Ordinal);
        }

        await page.SaveScreenshotAsync("admin-audit");

        // One person: only their changes.
        await page.GetByTestId("audit-actor").SelectOptionAsync(DemoPeople.Emergency);
        await page.GetByTestId("audit-filter").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=audit-row][data-kind=people]")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("[data-testid=audit-row][data-kind='alerts.silences']").First).ToBeVisibleAsync();
        foreach (var who in await page.GetByTestId("audit-who").AllInnerTextsAsync())
        {
            Assert.Equal(emergencyName, who);
        }

        // One kind of change, anyone: the person's change is back, the silence is not.
        await page.GetByTestId("audit-actor").SelectOptionAsync("");
        await page.GetByTestId("audit-kind").SelectOptionAsync("people");
        await page.GetByTestId("audit-filter").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=audit-row][data-kind='alerts.silences']")).ToHaveCountAsync(0);
        await Assertions.Expect(change).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    /// <summary>The Chinese half of a bilingual registry name, as the dashboard's name() shows it.</summary>
    private static string ChineseOf(string bilingual) => BilingualSplit().Match(bilingual) is { Success: true } m ? m.Groups[1].Value.Trim() : bilingual;

    [GeneratedRegex(@"^([^A-Za-z]*[\u3400-\u9fff][^A-Za-z]*?)\s+[A-Za-z].*$")]
    private static partial Regex BilingualSplit();

    [GeneratedRegex(@"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")]
    private static partial Regex IsoTime();
}
