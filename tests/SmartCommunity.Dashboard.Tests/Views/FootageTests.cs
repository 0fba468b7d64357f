using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using SmartCommunity.Dashboard.Tests.Support;
using SmartCommunity.Testing;

namespace SmartCommunity.Dashboard.Tests.Views;

/// <summary>
/// Footage of a real RTSP camera (GStreamer's RTSP server, recorded by the gateway's ffmpeg) plays in the public
/// security view through hls.js, and a camera event's footage is exported as a clip whose "ready" arrives live.
/// Its own gateway (a class fixture), since the camera records for the whole test.
/// </summary>
public sealed class FootageTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    private const string Camera = "43010200011320000001";
    private const string CameraSecret = "demo-secret-43010200011320000001";

    [Fact]
    public async Task FootageOfTheTestCameraPlaysAndAnEventsClipIsExported()
    {
        await using var rtsp = await RtspServerProcess.StartAsync();
        using var ps = await fixture.SignedInClientAsync(DemoPeople.PublicSecurity);
        var put = await ps.PutAsJsonAsync($"/api/video/cameras/{Camera}", new
        {
            name = "沙洲滩雪亮摄像机 Sandbar Beach camera",
            cellId = "b-hetan-beach",
            lat = 28.1997,
            lon = 112.967,
            mainUrl = rtsp.Url,
            recording = new { enabled = true, segmentSeconds = 2, retentionDays = 7 },
            analysis = new { site = "off", detectFps = 5, detectWidth = 640, detectHeight = 360 },
        });
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());

        // Recorded long enough that an event 12 s ago has footage on both sides of it (bookmarks take ±10 s).
        var started = DateTimeOffset.UtcNow;
        await Eventually.TrueAsync(async () => (await SegmentsAsync(ps, started.AddMinutes(-1))) >= 2, TimeSpan.FromSeconds(90), "the camera is recorded");
        await Eventually.TrueAsync(() => DateTimeOffset.UtcNow - started > TimeSpan.FromSeconds(26), TimeSpan.FromSeconds(60));
        var eventAt = DateTimeOffset.UtcNow.AddSeconds(-12).ToUnixTimeMilliseconds();
        await DeviceMqtt.PublishAsync(fixture.Gateway.MqttPort, Camera, CameraSecret, "event",
            [DeviceMqtt.Invariant($$"""{"v":1,"ts":{{eventAt}},"seq":{{DeviceMqtt.NextSeq()}},"type":"motion_start"}""")]);

        var page = await fixture.Browser.NewPageAsync(fixture.Gateway.BaseUrl);
        await page.SignInAsync(DemoPeople.PublicSecurity);
        var tile = page.Locator($"[data-camera-id='{Camera}']");
        await Assertions.Expect(tile).ToHaveAttributeAsync("data-online", "online");

        // Footage search: the camera, the last quarter-hour (the form's default), play.
        await page.Locator("#f-camera").SelectOptionAsync(Camera);
        await page.GetByTestId("footage-search-button").ClickAsync();
        var player = page.GetByTestId("footage-player");
        await Assertions.Expect(player).ToHaveAttributeAsync("data-playing", "true", new() { Timeout = 45_000 });
        await page.WaitForFunctionAsync("() => document.querySelector('[data-testid=footage-video]').currentTime > 0.5", null, new() { Timeout = 45_000 });
        Assert.Null(await player.GetAttributeAsync("data-error"));
        await page.SaveScreenshotAsync("security-footage-playing");

        // The event's bookmark: export its footage as a clip; the ready message arrives on the live stream.
        var bookmark = page.GetByTestId("camera-event").Filter(new() { HasTextRegex = new System.Text.RegularExpressions.Regex("画面移动开始|Motion started") }).First; // the type in words, never its code
        await Assertions.Expect(bookmark).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await bookmark.GetByRole(AriaRole.Button, new() { Name = "导出片段" }).ClickAsync();
        var link = page.GetByTestId("clip-link");
        await Assertions.Expect(link).ToBeVisibleAsync(new() { Timeout = 60_000 });
        // The clip is named by its camera and minutes, not by its ID.
        await Assertions.Expect(link).ToContainTextAsync("沙洲滩雪亮摄像机");
        Assert.DoesNotContain((await link.GetAttributeAsync("data-clip-id"))!, await page.GetByTestId("clip-status").InnerTextAsync(), StringComparison.Ordinal);
        var clip = await ps.GetAsync(await link.GetAttributeAsync("href"));
        Assert.Equal("video/mp4", clip.Content.Headers.ContentType?.MediaType);
        Assert.True((await clip.Content.ReadAsByteArrayAsync()).Length > 1000);
        await page.SaveScreenshotAsync("security-clip-exported");
        await page.Context.CloseAsync();
    }

    private static async Task<int> SegmentsAsync(HttpClient api, DateTimeOffset from)
    {
        var now = DateTimeOffset.UtcNow.AddSeconds(30).ToUnixTimeMilliseconds();
        var answer = await api.GetAsync($"/api/video/cameras/{Camera}/segments?from={from.ToUnixTimeMilliseconds()}&to={now}");
        return answer.IsSuccessStatusCode ? (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetArrayLength() : 0;
    }
}
