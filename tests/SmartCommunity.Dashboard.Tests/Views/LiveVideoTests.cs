using System.Globalization;
using System.Net.Http.Json;
using Microsoft.Playwright;
using SmartCommunity.Dashboard.Tests.Support;
using SmartCommunity.Testing;
using Xunit.Abstractions;

namespace SmartCommunity.Dashboard.Tests.Views;

/// <summary>
/// A real RTSP camera (GStreamer) plays live in the public security view: the wall's tile and the large view,
/// remuxed by the gateway's ffmpeg into fragmented MP4 and played through Media Source Extensions in Chromium.
/// The camera's picture is switched between black and white at known instants and the browser notes when each
/// change is shown: the glass-to-glass latency, reported (docs/benchmarks.md), not asserted. The stream runs only
/// while someone watches. Its own gateway, so the viewer counts are this test's alone.
/// </summary>
public sealed class LiveVideoTests(DashboardFixture fixture, ITestOutputHelper output) : IClassFixture<DashboardFixture>
{
    private const string Camera = "43010200011320000001";

    // Notes, for every frame the page shows, when it is shown (wall clock, ms) and how bright its corner is.
    private const string WatchFrames = """
        video => {
          const canvas = document.createElement('canvas');
          canvas.width = 8; canvas.height = 8;
          const context = canvas.getContext('2d', { willReadFrequently: true });
          window.__frames = [];
          const step = (now, frame) => {
            context.drawImage(video, 0, 0, 8, 8);
            const pixels = context.getImageData(0, 0, 8, 8).data;
            let sum = 0;
            for (let i = 0; i < pixels.length; i += 4) sum += pixels[i];
            window.__frames.push({ at: performance.timeOrigin + frame.expectedDisplayTime, bright: sum / 64 });
            if (window.__frames.length > 5000) window.__frames.splice(0, 1000);
            video.requestVideoFrameCallback(step);
          };
          video.requestVideoFrameCallback(step);
        }
        """;

    // The first frame shown after the switch whose picture has the new brightness: its display time.
    private const string ShownAfter = """
        ([since, white]) => (window.__frames.find(f => f.at >= since && (white ? f.bright > 200 : f.bright < 50)) ?? null)?.at ?? null
        """;

    [Fact]
    public async Task ACameraPlaysLiveOnTheWallAndLargeAndItsStreamStopsWhenNobodyWatches()
    {
        await using var rtsp = await RtspServerProcess.StartAsync(fps: 25, pattern: "black");
        using var ps = await fixture.SignedInClientAsync(DemoPeople.PublicSecurity);
        var put = await ps.PutAsJsonAsync($"/api/video/cameras/{Camera}", new
        {
            name = "沙洲滩雪亮摄像机 Sandbar Beach camera",
            cellId = "b-hetan-beach",
            mainUrl = rtsp.Url,
            recording = new { enabled = false, segmentSeconds = 2, retentionDays = 7 },
            analysis = new { site = "off", detectFps = 5, detectWidth = 640, detectHeight = 360 },
        });
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());

        var page = await fixture.Browser.NewPageAsync(fixture.Gateway.BaseUrl);
        await page.SignInAsync(DemoPeople.PublicSecurity);
        var tile = page.Locator($"[data-testid=camera][data-camera-id='{Camera}'] [data-testid=live-player]");
        await Assertions.Expect(tile).ToHaveAttributeAsync("data-state", "playing", new() { Timeout = 45_000 });
        await ExpectAdvancingAsync(page, tile);

        // The large view: the same camera's main stream (shared with the tile: one ffmpeg for both).
        await page.Locator($"[data-testid=camera][data-camera-id='{Camera}'] [data-testid=camera-open]").ClickAsync();
        var large = page.Locator("[data-testid=camera-view] [data-testid=live-player]");
        await Assertions.Expect(large).ToHaveAttributeAsync("data-state", "playing", new() { Timeout = 45_000 });
        await ExpectAdvancingAsync(page, large);
        Assert.True(await MetricAsync(ps, "sc_video_live_viewers") >= 2, "the tile and the large view are counted as viewers");
        await page.SaveScreenshotAsync("security-live-view");

        // Glass to glass: the camera's picture switches at a known instant; when does the page show it?
        await large.Locator("video").EvaluateAsync(WatchFrames);
        var latencies = new List<double>();
        for (var i = 0; i < 6; i++)
        {
            var white = i % 2 == 0;
            var switchedAt = (await rtsp.SetPatternAsync(white ? "white" : "black")).ToUnixTimeMilliseconds();
            var shown = await page.WaitForFunctionAsync(ShownAfter, new object[] { switchedAt, white }, new() { Timeout = 30_000, PollingInterval = 20 });
            latencies.Add((await shown.JsonValueAsync<double>()) - switchedAt);
        }

        latencies.Sort();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"live glass-to-glass latency over {latencies.Count} picture switches: median {latencies[latencies.Count / 2]:F0} ms, min {latencies[0]:F0} ms, max {latencies[^1]:F0} ms ({string.Join(", ", latencies.Select(l => l.ToString("F0", CultureInfo.InvariantCulture)))})"));
        Assert.All(latencies, l => Assert.True(l > 0, "a picture is shown after it was taken"));

        // Nobody watching: the stream is stopped (after Video:LiveLinger) and no viewer is counted.
        await page.Context.CloseAsync();
        await Eventually.TrueAsync(async () => await MetricAsync(ps, "sc_video_live_viewers") == 0 && await MetricAsync(ps, "sc_video_live_streams") == 0,
            TimeSpan.FromSeconds(60), "the live stream stops when nobody watches");
    }

    [Fact]
    public async Task ALiveRequestForAnUnknownCameraOrStreamIsRefusedWithAReason()
    {
        using var ps = await fixture.SignedInClientAsync(DemoPeople.PublicSecurity);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await ps.GetAsync("/api/video/cameras/43010200011329999999/live")).StatusCode);
        const string Other = "43010200011320000009";
        var put = await ps.PutAsJsonAsync($"/api/video/cameras/{Other}", new
        {
            name = "无人值守 Unwatched",
            cellId = "b-hetan-beach",
            mainUrl = "rtsp://127.0.0.1:9/none",
            recording = new { enabled = false, segmentSeconds = 2, retentionDays = 7 },
            analysis = new { site = "off", detectFps = 5, detectWidth = 640, detectHeight = 360 },
        });
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        var bad = await ps.GetAsync($"/api/video/cameras/{Other}/live?stream=third");
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("invalid_stream", await bad.Content.ReadAsStringAsync());

        // A camera that does not answer: a problem with its code, not a hanging or empty answer.
        var down = await ps.GetAsync($"/api/video/cameras/{Other}/live");
        Assert.Equal(System.Net.HttpStatusCode.BadGateway, down.StatusCode);
        Assert.Contains("live_unavailable", await down.Content.ReadAsStringAsync());
    }

    private static async Task ExpectAdvancingAsync(IPage page, ILocator player)
    {
        var video = player.Locator("video");
        var before = await video.EvaluateAsync<double>("v => v.currentTime");
        await page.WaitForFunctionAsync("([v, t]) => v.currentTime > t + 0.5", new object[] { await video.ElementHandleAsync(), before }, new() { Timeout = 30_000 });
    }

    private static async Task<double> MetricAsync(HttpClient http, string name)
    {
        var text = await http.GetStringAsync("/metrics");
        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith(name + " ", StringComparison.Ordinal));
        return line is null ? -1 : double.Parse(line[(name.Length + 1)..], CultureInfo.InvariantCulture);
    }
}
