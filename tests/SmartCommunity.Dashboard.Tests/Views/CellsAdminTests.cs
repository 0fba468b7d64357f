using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using SmartCommunity.Dashboard.Tests.Support;

namespace SmartCommunity.Dashboard.Tests.Views;

/// <summary>
/// Grid cells (网格) in the administration view against the real gateway: a cell is created under its compound with
/// a guard responsible and a device placed in it, renamed, and deleted after asking; the table names people, devices
/// and cells, never their IDs.
/// </summary>
[Collection(SharedDashboard.Name)]
public sealed class CellsAdminTests(DashboardFixture fixture)
{
    private const string CellId = "b-cells-ui";
    private const string DeviceId = "wl-cells-ui";

    [Fact]
    public async Task AnAdminCreatesACellAssignsAGuardAndADeviceRenamesItAndDeletesItAfterAsking()
    {
        using var admin = await fixture.SignedInClientAsync("admin", DemoPeople.AdminPassword);
        var device = await admin.PutAsJsonAsync($"/api/devices/{DeviceId}", new { kind = "water-level", name = "网格测试水位站", cellId = "b-hetan-bridge", enabled = true });
        Assert.True(device.IsSuccessStatusCode, await device.Content.ReadAsStringAsync());
        try
        {
            var page = await fixture.Browser.NewPageAsync(fixture.Gateway.BaseUrl);
            await page.SignInAsync("admin", DemoPeople.AdminPassword);
            await page.GetByTestId("nav-admin").ClickAsync();
            await page.GetByTestId("admin-tab-cells").ClickAsync();
            await page.GetByTestId("cell-add").ClickAsync();
            await page.GetByTestId("cell-id").FillAsync(CellId);
            await page.GetByTestId("cell-name").FillAsync("测试片区");
            await page.GetByTestId("cell-level").SelectOptionAsync("Building");
            await page.GetByTestId("cell-parent").SelectOptionAsync("p-hetan");
            await page.Locator($"[data-testid=cell-guard][value='{DemoPeople.OtherGuard}']").CheckAsync();
            await page.Locator($"[data-testid=cell-device][value='{DeviceId}']").CheckAsync();
            await page.GetByTestId("cell-save").ClickAsync();

            var row = page.Locator($"[data-testid=cell-row][data-cell='{CellId}']");
            await Assertions.Expect(row).ToContainTextAsync("测试片区");
            await Assertions.Expect(row).ToContainTextAsync("河滩片区");
            await Assertions.Expect(row.GetByTestId("cell-guards")).ToContainTextAsync("何静");
            await Assertions.Expect(row.GetByTestId("cell-devices")).ToHaveTextAsync("网格测试水位站");
            await Assertions.Expect(page.GetByTestId("admin-status")).ToHaveAttributeAsync("data-outcome", "ok");
            var text = await row.InnerTextAsync();
            foreach (var id in new[] { CellId, DeviceId, DemoPeople.OtherGuard, "p-hetan" })
            {
                Assert.DoesNotContain(id, text, StringComparison.Ordinal);
            }

            Assert.Contains(CellId, (await admin.GetFromJsonAsync<JsonElement>($"/api/people/{DemoPeople.OtherGuard}")).GetProperty("cells").EnumerateArray().Select(c => c.GetString()));
            Assert.Equal(CellId, (await admin.GetFromJsonAsync<JsonElement>($"/api/devices/{DeviceId}")).GetProperty("cellId").GetString());
            await page.SaveScreenshotAsync("admin-cells");

            // Renamed, and the guard taken off again: the other tabs read the new name.
            await row.GetByTestId("cell-edit").ClickAsync();
            await page.GetByTestId("cell-name").FillAsync("测试片区二");
            await page.Locator($"[data-testid=cell-guard][value='{DemoPeople.OtherGuard}']").UncheckAsync();
            await page.GetByTestId("cell-save").ClickAsync();
            await Assertions.Expect(row).ToContainTextAsync("测试片区二");
            await Assertions.Expect(row.GetByTestId("cell-guards")).ToHaveTextAsync("—");
            Assert.DoesNotContain(CellId, (await admin.GetFromJsonAsync<JsonElement>($"/api/people/{DemoPeople.OtherGuard}")).GetProperty("cells").EnumerateArray().Select(c => c.GetString()));
            Assert.Equal("测试片区二", (await admin.GetFromJsonAsync<JsonElement>($"/api/grid/cells/{CellId}")).GetProperty("name").GetString());

            // A cell with a device in it cannot go: the gateway's reason, in Chinese.
            await row.GetByTestId("cell-delete").ClickAsync();
            await page.GetByTestId("confirm-ok").ClickAsync();
            await Assertions.Expect(page.GetByTestId("admin-status")).ToHaveAttributeAsync("data-outcome", "error");
            await Assertions.Expect(page.GetByTestId("admin-status")).ToContainTextAsync("该网格仍在使用中");

            // Once empty, deleting asks first; cancelled, it stays; confirmed, it is gone.
            (await admin.DeleteAsync($"/api/devices/{DeviceId}")).EnsureSuccessStatusCode();
            await row.GetByTestId("cell-delete").ClickAsync();
            await Assertions.Expect(page.GetByTestId("confirm-dialog")).ToContainTextAsync("测试片区二");
            await page.GetByTestId("confirm-cancel").ClickAsync();
            Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/api/grid/cells/{CellId}")).StatusCode);
            await row.GetByTestId("cell-delete").ClickAsync();
            await page.GetByTestId("confirm-ok").ClickAsync();
            await Assertions.Expect(row).ToHaveCountAsync(0);
            Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/grid/cells/{CellId}")).StatusCode);
            await page.Context.CloseAsync();
        }
        finally
        {
            await admin.DeleteAsync($"/api/devices/{DeviceId}");
        }
    }
}
