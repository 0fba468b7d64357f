using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using SmartCommunity.Dashboard.Tests.Support;
using SmartCommunity.Testing;

namespace SmartCommunity.Dashboard.Tests.Views;

/// <summary>
/// An admin draws a danger zone and a counting line on a real camera's current picture (GStreamer RTSP, analysed by
/// the gateway, whose latest picture the editor shows), names them and saves: the camera keeps them across a reload
/// of the page, and the gateway's analysis restarts watching them.
/// </summary>
[Collection(SharedDashboard.Name)]
public sealed class CameraRegionsTests(DashboardFixture fixture)
{
    private const string Camera = "43010200011320000031";

    [Fact]
    public async Task AnAdminDrawsAZoneAndALineOnTheCamerasPictureAndTheAnalysisWatchesThem()
    {
        await using var rtsp = await RtspServerProcess.StartAsync(width: 640, height: 360, fps: 10);
        using var admin = await fixture.SignedInClientAsync("admin", DemoPeople.AdminPassword);
        var put = await admin.PutAsJsonAsync($"/api/video/cameras/{Camera}", new
        {
            name = "测试摄像机",
            cellId = "b-hetan-beach",
            mainUrl = rtsp.Url,
            recording = new { enabled = false, segmentSeconds = 2, retentionDays = 7 },
            analysis = new { site = "gateway", detectFps = 5, detectWidth = 640, detectHeight = 360 },
        });
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        try
        {
            await Eventually.TrueAsync(async () => (await admin.GetAsync($"/api/video/cameras/{Camera}/snapshot")).StatusCode == HttpStatusCode.OK,
                TimeSpan.FromSeconds(90), "the analysed camera has a latest picture");

            var page = await OpenEditorAsync();
            await page.WaitForFunctionAsync("() => document.querySelector('[data-testid=regions-picture]')?.naturalWidth > 0");
            var canvas = page.GetByTestId("regions-canvas");
            var box = (await canvas.BoundingBoxAsync())!;
            Task ClickAtAsync(double x, double y) => canvas.ClickAsync(new() { Position = new() { X = (float)(x * box.Width), Y = (float)(y * box.Height) } });

            // A zone: four corners, then finish; its name is what people will read.
            await page.GetByTestId("regions-draw-zone").ClickAsync();
            foreach (var (x, y) in new[] { (0.1, 0.6), (0.9, 0.6), (0.9, 0.95), (0.1, 0.95) })
            {
                await ClickAtAsync(x, y);
            }

            await page.GetByTestId("regions-finish").ClickAsync();
            await page.GetByTestId("region-zone").GetByTestId("region-name").FillAsync("测试水边");

            // A line: start, end, then the side that counts as "in".
            await page.GetByTestId("regions-draw-line").ClickAsync();
            foreach (var (x, y) in new[] { (0.2, 0.4), (0.8, 0.4), (0.5, 0.8) })
            {
                await ClickAtAsync(x, y);
            }

            await page.GetByTestId("region-line").GetByTestId("region-name").FillAsync("测试步道");
            await page.GetByTestId("regions-save").ClickAsync();
            await Assertions.Expect(page.GetByTestId("regions-status")).ToHaveAttributeAsync("data-outcome", "ok");
            await Assertions.Expect(page.GetByTestId("regions-status")).ToHaveTextAsync("已保存");
            await page.SaveScreenshotAsync("admin-camera-regions");

            // Stored as drawn, as fractions of the picture.
            var camera = await admin.GetFromJsonAsync<JsonElement>($"/api/video/cameras/{Camera}");
            var zone = camera.GetProperty("zones").EnumerateArray().Single();
            Assert.Equal("测试水边", zone.GetProperty("name").GetString());
            Assert.Equal("danger-water", zone.GetProperty("kind").GetString());
            var corners = zone.GetProperty("polygon").EnumerateArray().Select(p => (p.GetProperty("x").GetDouble(), p.GetProperty("y").GetDouble())).ToArray();
            Assert.Equal(4, corners.Length);
            Assert.InRange(corners[0].Item1, 0.08, 0.12);
            Assert.InRange(corners[2].Item2, 0.93, 0.97);
            var line = camera.GetProperty("lines").EnumerateArray().Single();
            Assert.Equal("测试步道", line.GetProperty("name").GetString());
            Assert.InRange(line.GetProperty("inSide").GetProperty("y").GetDouble(), 0.78, 0.82);

            // The analysis restarts with them: its status names the zone and counts on the line.
            var zoneId = zone.GetProperty("id").GetString()!;
            var lineId = line.GetProperty("id").GetString()!;
            await Eventually.TrueAsync(async () =>
            {
                // While the analysis restarts, the camera is briefly not analysed (404).
                using var response = await admin.GetAsync($"/api/video/analysis/{Camera}");
                if (!response.IsSuccessStatusCode)
                {
                    return false;
                }

                var analysis = await response.Content.ReadFromJsonAsync<JsonElement>();
                return analysis.GetProperty("zones").EnumerateArray().Any(z => z.GetString() == zoneId)
                    && analysis.GetProperty("lines").EnumerateArray().Any(l => l.GetProperty("id").GetString() == lineId);
            }, TimeSpan.FromSeconds(60), "the analysis watches the drawn zone and line");

            // Opened again in a new session, the editor shows what was saved, by name.
            await page.Context.CloseAsync();
            var again = await OpenEditorAsync();
            await Assertions.Expect(again.GetByTestId("region-zone").GetByTestId("region-name")).ToHaveValueAsync("测试水边");
            await Assertions.Expect(again.GetByTestId("region-line").GetByTestId("region-name")).ToHaveValueAsync("测试步道");
            await Assertions.Expect(again.Locator("[data-testid=regions-canvas] polygon")).ToHaveCountAsync(1);

            // Removing a saved region asks first; cancelled, nothing changes.
            await again.GetByTestId("region-line").GetByTestId("region-remove").ClickAsync();
            await again.GetByTestId("regions-save").ClickAsync();
            await Assertions.Expect(again.GetByTestId("confirm-dialog")).ToContainTextAsync("测试步道");
            await again.GetByTestId("confirm-cancel").ClickAsync();
            var kept = await admin.GetFromJsonAsync<JsonElement>($"/api/video/cameras/{Camera}");
            Assert.Equal(1, kept.GetProperty("lines").GetArrayLength());
            await again.Context.CloseAsync();
        }
        finally
        {
            await admin.DeleteAsync($"/api/video/cameras/{Camera}");
            await admin.DeleteAsync($"/api/devices/{Camera}");
        }
    }

    private async Task<IPage> OpenEditorAsync()
    {
        var page = await fixture.Browser.NewPageAsync(fixture.Gateway.BaseUrl);
        await page.SignInAsync("admin", DemoPeople.AdminPassword);
        await page.GetByTestId("nav-admin").ClickAsync();
        await page.GetByTestId("admin-tab-cameras").ClickAsync();
        await page.Locator($"[data-testid=admin-row][data-id='{Camera}'] [data-testid=camera-regions]").ClickAsync();
        await Assertions.Expect(page.GetByTestId("regions-editor")).ToBeVisibleAsync();
        return page;
    }
}
