using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SmartCommunity.Gateway.Seed;
using SmartCommunity.Gateway.Tests.Support;
using SmartCommunity.Gateway.Video.Cameras;
using SmartCommunity.Gateway.Video.Recording;
using SmartCommunity.Gateway.Video.Snapshots;
using SmartCommunity.Testing;

namespace SmartCommunity.Gateway.Tests.Video;

/// <summary>Hostile and malformed input on every video input path: query ranges, file routes, snapshots, clip bodies, seed entries, events.</summary>
public sealed class VideoInputTests : IAsyncLifetime
{
    private GatewayFactory _gateway = null!;
    private HttpClient _ps = null!;

    public async Task InitializeAsync()
    {
        _gateway = new GatewayFactory(settings: VideoTestBed.Settings(new() { ["Video:RecordingEnabled"] = "false" })).Start();
        _ps = await _gateway.LoginAsync("ps");
        await VideoTestBed.PutCameraAsync(_ps, "rtsp://10.0.0.9/main");
    }

    public async Task DisposeAsync()
    {
        _ps.Dispose();
        await _gateway.DisposeAsync();
    }

    [Theory]
    [InlineData("")]
    [InlineData("?from=1000")]
    [InlineData("?from=2000&to=1000")]
    [InlineData("?from=-5&to=1000")]
    [InlineData("?from=0&to=99999999999999999")]
    [InlineData("?from=0&to=172800000")]
    public async Task BadRangesAreRefused(string query)
    {
        foreach (var route in new[] { "segments", "footage" })
        {
            var response = await _ps.GetAsync($"/api/video/cameras/{VideoTestBed.Camera}/{route}{query}");
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }
    }

    [Theory]
    [InlineData("/api/video/cameras/43010200011320000001/segments/999.ts")]
    [InlineData("/api/video/cameras/43010200011320000001/segments/..%2F..%2Fsmartcommunity.db")]
    [InlineData("/api/video/cameras/..%2F..%2F..%2Fetc/snapshot")]
    [InlineData("/api/video/cameras/43010200011320000001/snapshots/..%2F..%2F..%2Fsmartcommunity.db")]
    [InlineData("/api/video/cameras/43010200011320000001/snapshots/latest.jpg")]
    [InlineData("/api/video/cameras/43010200011320000001/snapshots/%2Fetc%2Fpasswd")]
    [InlineData("/api/video/clips/..%2F..%2Fsmartcommunity.db/file")]
    [InlineData("/api/video/cameras/43010200011320000001/footage?from=0&to=1000")]
    public async Task FileRoutesServeNothingOutsideTheirFiles(string path)
    {
        var response = await _ps.GetAsync(path);
        Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest, $"{path} → {(int)response.StatusCode}");
        Assert.DoesNotContain("SQLite format", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFootageLinkOpenedByABrowserIsAPlayerPageForTheSameUrl()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/video/cameras/{VideoTestBed.Camera}/footage?from=1000&to=5000");
        request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,*/*;q=0.8");
        var response = await _ps.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("hls.loadSource(url)", html, StringComparison.Ordinal);
        Assert.Contains("Test camera", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASegmentIsServedOnlyUnderItsOwnCamera()
    {
        var paths = _gateway.Get<SmartCommunity.Gateway.Video.VideoPaths>();
        var folder = Path.Combine(paths.CameraFootage("43010200011320000066"), "2026-01-01");
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, "00000000000b-000000.ts");
        await File.WriteAllBytesAsync(file, [0x47, 1, 2, 3]);
        var segment = _gateway.Get<SegmentIndex>().Add("43010200011320000066", 1000, 2000, 4, paths.Relative(file), "00000000000b", repaired: false);

        var response = await _ps.GetAsync($"/api/video/cameras/{VideoTestBed.Camera}/segments/{segment.Id}.ts");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task SnapshotsRefuseWhatIsNotAJpegAndServeWhatIs()
    {
        var store = _gateway.Get<ISnapshotStore>();
        byte[] jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 0xFF, 0xD9];
        Assert.Throws<ArgumentException>(() => store.Save(VideoTestBed.Camera, DateTimeOffset.UtcNow, "<html>"u8));
        Assert.Throws<ArgumentException>(() => store.Save(VideoTestBed.Camera, DateTimeOffset.UtcNow, []));
        Assert.Throws<ArgumentException>(() => store.Save("../../etc", DateTimeOffset.UtcNow, jpeg));
        Assert.Throws<ArgumentException>(() => store.Save(VideoTestBed.Camera, DateTimeOffset.UtcNow, new byte[(2 << 20) + 10]));
        Assert.Contains("sc_video_snapshots_refused_total 4", _gateway.Get<SmartCommunity.Metrics.PrometheusBridge>().Render(), StringComparison.Ordinal);

        var path = store.Save(VideoTestBed.Camera, DateTimeOffset.UtcNow, jpeg);
        Assert.Equal(jpeg, await _ps.GetByteArrayAsync(path));
        store.SetLatest(VideoTestBed.Camera, DateTimeOffset.UtcNow, jpeg);
        var latest = await _ps.GetAsync($"/api/video/cameras/{VideoTestBed.Camera}/snapshot");
        Assert.Equal("image/jpeg", latest.Content.Headers.ContentType!.MediaType);

        // Guards outside the camera's cell get nothing.
        using var guardB = await _gateway.LoginAsync("guard-b");
        Assert.Equal(HttpStatusCode.NotFound, (await guardB.GetAsync(path)).StatusCode);
    }

    [Theory]
    [InlineData("""{"cameraId":"43010200011320000099","from":0,"to":1000}""", "does not exist")]
    [InlineData("""{"alertId":"no-such-alert"}""", "does not exist")]
    [InlineData("""{"cameraId":"43010200011320000001","from":0,"to":7200000}""", "at most")]
    [InlineData("""{"cameraId":"43010200011320000001","from":5000,"to":1000}""", "after")]
    [InlineData("""{"cameraId":"43010200011320000001"}""", "required")]
    public async Task BadClipRequestsAreRefused(string body, string expected)
    {
        var response = await _ps.PostAsync("/api/video/clips", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AClipForAnAlertTakesTheCameraAndRangeOfItsFootageEvidence()
    {
        var from = DateTimeOffset.UtcNow.AddMinutes(-3);
        var to = from.AddMinutes(2);
        _gateway.Get<SmartCommunity.Gateway.Alerts.IAlertService>().Raise(new SmartCommunity.Gateway.Alerts.AlertTrigger(
            new SmartCommunity.Gateway.Alerts.AlertSource("spot", "clip-spot"), "person_in_danger_zone", SmartCommunity.Gateway.Alerts.AlertLevel.Red, TestCommunity.BuildingA,
            new SmartCommunity.Gateway.Alerts.AlertText("有人", "Person"), new SmartCommunity.Gateway.Alerts.AlertText("有人", "Person"))
        {
            Evidence = [new SmartCommunity.Gateway.Alerts.EvidenceLink("footage", $"/api/video/cameras/{VideoTestBed.Camera}/footage?from={from.ToUnixTimeMilliseconds()}&to={to.ToUnixTimeMilliseconds()}", From: from, To: to)],
        });
        SmartCommunity.Gateway.Alerts.Alert? alert = null;
        await Eventually.TrueAsync(() => (alert = _gateway.Get<SmartCommunity.Gateway.Alerts.Engine.AlertStore>().LoadOpen().FirstOrDefault(a => a.Source.Id == "clip-spot")) is not null);

        var created = await _ps.PostAsJsonAsync("/api/video/clips", new { alertId = alert!.Id });
        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        var clip = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(VideoTestBed.Camera, clip.GetProperty("cameraId").GetString());
        Assert.Equal(alert.Id, clip.GetProperty("alertId").GetString());
        Assert.Equal(from.ToUnixTimeMilliseconds(), clip.GetProperty("from").GetDateTimeOffset().ToUnixTimeMilliseconds());
        Assert.Equal(to.ToUnixTimeMilliseconds(), clip.GetProperty("to").GetDateTimeOffset().ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task AClipOfARangeWithoutFootageFailsWithTheReason()
    {
        var created = await _ps.PostAsJsonAsync("/api/video/clips", new { cameraId = VideoTestBed.Camera, from = 1000, to = 5000 });
        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        JsonElement clip = default;
        await Eventually.TrueAsync(async () => (clip = await _ps.GetFromJsonAsync<JsonElement>("/api/video/clips/" + id)).GetProperty("state").GetString() == "failed", TimeSpan.FromSeconds(30));
        Assert.Contains("No footage", clip.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CameraEventsBecomeBookmarksWithTheFootageAroundThem()
    {
        using var device = await _gateway.ConnectDeviceAsync(VideoTestBed.Camera);
        var ts = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await device.PublishAsync($"sc/v1/dev/{VideoTestBed.Camera}/event", $$"""{"v":1,"ts":{{ts}},"seq":1,"type":"zone_enter","zone":"beach","track":7,"label":"person"}""");
        await device.PublishAsync($"sc/v1/dev/{VideoTestBed.Camera}/event", $$"""{"v":1,"ts":{{ts + 1}},"seq":2,"type":"line_cross","line":"gate","direction":"in"}""");

        JsonElement bookmarks = default;
        await Eventually.TrueAsync(async () => (bookmarks = await _ps.GetFromJsonAsync<JsonElement>($"/api/video/events?camera={VideoTestBed.Camera}")).GetArrayLength() == 2, TimeSpan.FromSeconds(15));
        var zone = bookmarks.EnumerateArray().Single(b => b.GetProperty("event").GetProperty("type").GetString() == "zone_enter");
        Assert.Equal("beach", zone.GetProperty("event").GetProperty("zone").GetString());
        Assert.Equal($"/api/video/cameras/{VideoTestBed.Camera}/footage?from={ts - 10_000}&to={ts + 10_000}", zone.GetProperty("footage").GetString());

        using var guardB = await _gateway.LoginAsync("guard-b");
        Assert.Equal(0, (await guardB.GetFromJsonAsync<JsonElement>("/api/video/events")).GetArrayLength());
        Assert.Equal(HttpStatusCode.BadRequest, (await _ps.GetAsync("/api/video/events?limit=0")).StatusCode);

        // A segment indexed later over the event's time carries the event flag.
        var segment = _gateway.Get<SegmentIndex>().Add(VideoTestBed.Camera, ts - 1000, ts + 1000, 1, "footage/x/y.ts", "00000000000c", repaired: false);
        Assert.True(segment.Events);
    }

    [Fact]
    public void BadSeedEntriesAreRefusedOneByOneWhileGoodOnesApply()
    {
        var section = JsonNode.Parse("""
            [
              {"id":"43010200011320000021","name":"Good","cellId":"b-a","mainUrl":"rtsp://10.0.0.21/main","analysis":{"site":"edge","detectFps":5,"detectWidth":640,"detectHeight":360}},
              {"id":"43010200011320000022","name":"Leaky","cellId":"b-a","mainUrl":"rtsp://admin:admin@10.0.0.22/main"},
              {"id":"12345","name":"Short","cellId":"b-a","mainUrl":"rtsp://10.0.0.23/main"},
              {"id":"43010200011320000024","name":"Nowhere","cellId":"no-cell","mainUrl":"rtsp://10.0.0.24/main"},
              "not an object",
              {"id":"43010200011320000025","name":"Bad zone","cellId":"b-a","mainUrl":"rtsp://10.0.0.25/main","zones":[{"id":"z","kind":"general","polygon":[{"x":2,"y":0}]}]}
            ]
            """)!;
        var seed = _gateway.Get<IEnumerable<ISeedSection>>().Single(s => s.Name == "cameras");
        var errors = seed.Apply(JsonDocument.Parse(section.ToJsonString()).RootElement);

        Assert.Equal(5, errors.Count);
        var catalog = _gateway.Get<ICameraCatalog>();
        Assert.Equal(AnalysisSite.Edge, catalog.Find("43010200011320000021")!.Analysis.Site);
        Assert.All(new[] { "43010200011320000022", "43010200011320000024", "43010200011320000025" }, id => Assert.Null(catalog.Find(id)));
        Assert.Contains(errors, e => e.Contains("must not carry credentials", StringComparison.Ordinal));
        Assert.Single(seed.Apply(JsonDocument.Parse("{}").RootElement));
    }
}
