using System.Net.Http.Json;
using Microsoft.Playwright;
using SmartCommunity.Dashboard.Tests.Support;

namespace SmartCommunity.Dashboard.Tests.Views;

/// <summary>
/// The public security view names what a camera event was about (issue 15, "names, not IDs"): an event carries only
/// the zone's or line's ID, and the registry's name is optional, so the view reads the camera's regions: a named
/// zone by its name, an unnamed one by its kind and number, a line likewise, a zone since removed as such. Never
/// the IDs, in the timeline and in the camera's large view, in both languages. Its own gateway (a class fixture):
/// the camera's regions are changed and its events would otherwise reach the shared views.
/// </summary>
public sealed class SecurityNamesTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    private const string Camera = "43010200011320000002";
    private const string CameraSecret = "demo-secret-43010200011320000002";

    // What the camera's events name, and what a person must never read in their place.
    private static readonly string[] RawIds = ["bridge-bank", "bridge-piers", "bridge-steps", "zone-removed-7", Camera, "zone_enter", "line_cross"];

    [Fact]
    public async Task CameraEventsNameTheirZonesAndLinesNeverTheirIds()
    {
        using var ps = await fixture.SignedInClientAsync(DemoPeople.PublicSecurity);
        var square = new[] { new { x = 0.1, y = 0.5 }, new { x = 0.9, y = 0.5 }, new { x = 0.9, y = 1.0 }, new { x = 0.1, y = 1.0 } };
        // The demo seed's cameras stream from files, which this gateway refuses: the camera is registered here, with
        // a stream nobody serves (recording and analysis off; only its regions matter).
        var regions = await ps.PutAsJsonAsync($"/api/video/cameras/{Camera}", new
        {
            name = "老桥雪亮摄像机 Old Bridge camera",
            cellId = "b-hetan-bridge",
            mainUrl = "rtsp://127.0.0.1:9/bridge",
            recording = new { enabled = false, segmentSeconds = 2, retentionDays = 7 },
            analysis = new { site = "off", detectFps = 5, detectWidth = 640, detectHeight = 360 },
            zones = new object[]
            {
                new { id = "bridge-piers", kind = "danger-water", polygon = square },
                new { id = "bridge-bank", kind = "general", polygon = square, name = "老桥河岸 Old Bridge bank" },
            },
            lines = new[] { new { id = "bridge-steps", a = new { x = 0.1, y = 0.4 }, b = new { x = 0.9, y = 0.4 }, inSide = new { x = 0.5, y = 0.7 } } },
        });
        Assert.True(regions.IsSuccessStatusCode, await regions.Content.ReadAsStringAsync());

        var at = DateTimeOffset.UtcNow.AddSeconds(-5).ToUnixTimeMilliseconds();
        string Event(string type, string more) => DeviceMqtt.Invariant($$"""{"v":1,"ts":{{at}},"seq":{{DeviceMqtt.NextSeq()}},"type":"{{type}}",{{more}}}""");
        await DeviceMqtt.PublishAsync(fixture.Gateway.MqttPort, Camera, CameraSecret, "event",
        [
            Event("zone_enter", """ "zone":"bridge-bank","label":"person" """),
            Event("zone_leave", """ "zone":"bridge-piers" """),
            Event("line_cross", """ "line":"bridge-steps","direction":"in" """),
            Event("zone_enter", """ "zone":"zone-removed-7" """),
        ]);

        var page = await fixture.Browser.NewPageAsync(fixture.Gateway.BaseUrl, new ViewportSize { Width = 1600, Height = 1000 });
        await page.SignInAsync(DemoPeople.PublicSecurity);
        var timeline = page.GetByTestId("event-timeline");
        string[] chinese = ["老桥雪亮摄像机 · 进入区域 · 老桥河岸 · 人员", "离开区域 · 危险水域（第 1 个区域）", "越线 · 计数线 1 · 由外向内", "进入区域 · 已不在该摄像机上的区域"];
        foreach (var words in chinese)
        {
            await Assertions.Expect(timeline.GetByTestId("camera-event").Filter(new() { HasText = words })).ToHaveCountAsync(1);
        }

        // The camera's large view lists the same events in the same words.
        await page.Locator($"[data-camera-id='{Camera}']").GetByTestId("camera-open").ClickAsync();
        var cameraEvents = page.GetByTestId("camera-view-events");
        await Assertions.Expect(cameraEvents.Locator("li")).ToHaveCountAsync(4);
        await Assertions.Expect(cameraEvents).ToContainTextAsync("进入区域 · 老桥河岸 · 人员");
        await Assertions.Expect(cameraEvents).ToContainTextAsync("越线 · 计数线 1 · 由外向内");
        await AssertNoRawIdAsync(page, "zh");
        await page.SaveScreenshotAsync("security-event-names-zh-1600");
        await page.SetViewportSizeAsync(390, 844);
        await AssertNoRawIdAsync(page, "zh, phone");
        await page.SaveScreenshotAsync("security-event-names-zh-390");

        // English: the registry name's English half, and the words for the unnamed ones.
        await page.Locator("#lang").ClickAsync();
        foreach (var words in new[] { "Old Bridge camera · Entered a zone · Old Bridge bank · person", "Left a zone · Danger water (zone 1)", "Crossed a line · Counting line 1 · inward", "a zone this camera no longer has" })
        {
            await Assertions.Expect(page.GetByTestId("event-timeline").GetByTestId("camera-event").Filter(new() { HasText = words })).ToHaveCountAsync(1);
        }

        await AssertNoRawIdAsync(page, "en");
        await page.SaveScreenshotAsync("security-event-names-en-390");
        await page.Context.CloseAsync();
    }

    private static async Task AssertNoRawIdAsync(IPage page, string language)
    {
        var text = await page.GetByTestId("view-security").InnerTextAsync();
        foreach (var id in RawIds)
        {
            Assert.False(text.Contains(id, StringComparison.Ordinal), $"{language}: the raw ID {id} is shown instead of a name");
        }
    }
}
