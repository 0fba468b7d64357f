using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using SmartCommunity.Gateway.Tests.Support;
using SmartCommunity.Gateway.Video.Cameras;

namespace SmartCommunity.Gateway.Tests.Video;

/// <summary>
/// <c>PUT /api/video/cameras/{id}/regions</c> (the console's region editor) through the real gateway: zones and lines
/// with names replace the camera's, everything else of the camera stays; malformed, oversized and hostile bodies are
/// refused with a reason and change nothing; only admins and public security may draw.
/// </summary>
public sealed class CameraRegionsApiTests : IAsyncLifetime
{
    private const string Camera = "43010200011320000078";
    private const string Password = "cam-Pa55word!y";
    private GatewayFactory _gateway = null!;
    private HttpClient _ps = null!;

    public async Task InitializeAsync()
    {
        _gateway = new GatewayFactory(settings: new() { ["Video:RecordingEnabled"] = "false", ["VideoAnalysis:Enabled"] = "false" }).Start();
        _ps = await _gateway.LoginAsync("ps");
        var put = await _ps.PutAsJsonAsync("/api/video/cameras/" + Camera, new
        {
            name = "河滩摄像机",
            cellId = TestCommunity.BuildingA,
            mainUrl = "rtsp://10.0.0.8:554/main",
            username = "viewer",
            password = Password,
            zones = new[] { new { id = "old-zone", kind = "general", polygon = new[] { new { x = 0.1, y = 0.1 }, new { x = 0.5, y = 0.1 }, new { x = 0.5, y = 0.5 } } } },
            recording = new { enabled = true, segmentSeconds = 6, retentionDays = 9 },
        });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
    }

    public async Task DisposeAsync()
    {
        _ps.Dispose();
        await _gateway.DisposeAsync();
    }

    private Camera Stored => _gateway.Get<ICameraCatalog>().Find(Camera)!;

    private static Task<HttpResponseMessage> PutRawAsync(HttpClient client, string body, string camera = Camera) =>
        client.PutAsync($"/api/video/cameras/{camera}/regions", new StringContent(body, Encoding.UTF8, "application/json"));

    private const string GoodBody = """
        {"zones":[{"id":"beach-water","name":"沙洲滩水边","kind":"danger-water","polygon":[{"x":0,"y":0.6},{"x":1,"y":0.5},{"x":1,"y":1},{"x":0,"y":1}]}],
         "lines":[{"id":"path","name":"步道","a":{"x":0.1,"y":0.4},"b":{"x":0.9,"y":0.4},"inSide":{"x":0.5,"y":0.8},"motionOnly":true}]}
        """;

    [Fact]
    public async Task DrawnRegionsReplaceTheCamerasAndKeepItsStreamsCredentialsAndPolicies()
    {
        var response = await PutRawAsync(_ps, GoodBody);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        Assert.DoesNotContain(Password, text, StringComparison.Ordinal);

        var camera = Stored;
        var zone = Assert.Single(camera.Zones);
        Assert.Equal(("beach-water", "沙洲滩水边", ZoneKinds.DangerWater), (zone.Id, zone.Name, zone.Kind));
        var line = Assert.Single(camera.Lines);
        Assert.Equal(("path", "步道", true), (line.Id, line.Name, line.MotionOnly));
        Assert.Equal(Password, camera.Streams.Password);
        Assert.Equal("rtsp://10.0.0.8:554/main", camera.Streams.MainUrl);
        Assert.Equal(6, camera.Recording.SegmentSeconds);

        // What the API shows is what was stored, names included.
        var view = await _ps.GetFromJsonAsync<JsonElement>("/api/video/cameras/" + Camera);
        Assert.Equal("沙洲滩水边", view.GetProperty("zones")[0].GetProperty("name").GetString());
        Assert.Equal("步道", view.GetProperty("lines")[0].GetProperty("name").GetString());

        // An empty body clears both (the editor's "remove everything").
        Assert.Equal(HttpStatusCode.OK, (await PutRawAsync(_ps, "{}")).StatusCode);
        Assert.Empty(Stored.Zones);
        Assert.Empty(Stored.Lines);
    }

    [Fact]
    public async Task RegionsSurviveARestart()
    {
        Assert.Equal(HttpStatusCode.OK, (await PutRawAsync(_ps, GoodBody)).StatusCode);
        await _gateway.DisposeAsync();
        _gateway = _gateway.Reopen(new() { ["Video:RecordingEnabled"] = "false", ["VideoAnalysis:Enabled"] = "false" }).Start();
        Assert.Equal("沙洲滩水边", Assert.Single(Stored.Zones).Name);
        Assert.Equal("步道", Assert.Single(Stored.Lines).Name);
    }

    [Theory]
    [InlineData("{not json", "invalid_body")]
    [InlineData("""{"zones":"everything"}""", "invalid_body")]
    [InlineData("""{"zones":[{"id":"z","kind":"general","polygon":[{"x":"left","y":0}]}]}""", "invalid_body")]
    [InlineData("""{"zones":[{"id":"z","kind":"general","polygon":[{"x":0,"y":0},{"x":1,"y":1}]}]}""", "invalid_regions")]
    [InlineData("""{"zones":[{"id":"z","kind":"general","polygon":[{"x":0,"y":0},{"x":1e308,"y":0},{"x":1,"y":1}]}]}""", "invalid_regions")]
    [InlineData("""{"zones":[{"id":"z","kind":"general","polygon":[{"x":0,"y":0},{"x":0.5,"y":0.5},{"x":1,"y":1}]}]}""", "invalid_regions")]
    [InlineData("""{"zones":[{"id":"../../etc","kind":"general","polygon":[{"x":0,"y":0},{"x":1,"y":0},{"x":1,"y":1}]}]}""", "invalid_regions")]
    // NUL is refused for every API body as it is read (PostgreSQL cannot store it), before the regions' own rules.
    [InlineData("""{"zones":[{"id":"z","name":"a\u0000b","kind":"general","polygon":[{"x":0,"y":0},{"x":1,"y":0},{"x":1,"y":1}]}]}""", "invalid_body")]
    [InlineData("""{"zones":[{"id":"z","name":"   ","kind":"general","polygon":[{"x":0,"y":0},{"x":1,"y":0},{"x":1,"y":1}]}]}""", "invalid_regions")]
    [InlineData("""{"zones":[{"id":"z","kind":"<script>","polygon":[{"x":0,"y":0},{"x":1,"y":0},{"x":1,"y":1}]}]}""", "invalid_regions")]
    [InlineData("""{"lines":[{"id":"l","a":{"x":0.5,"y":0.5},"b":{"x":0.5,"y":0.5},"inSide":{"x":0.9,"y":0.9}}]}""", "invalid_regions")]
    [InlineData("""{"lines":[{"id":"l","a":{"x":0,"y":0.5},"b":{"x":1,"y":0.5},"inSide":{"x":0.3,"y":0.5}}]}""", "invalid_regions")]
    [InlineData("""{"lines":[{"id":"l","a":{"x":0,"y":0.2},"b":{"x":1,"y":0.2},"inSide":{"x":0.5,"y":0.9}},{"id":"l","a":{"x":0,"y":0.4},"b":{"x":1,"y":0.4},"inSide":{"x":0.5,"y":0.9}}]}""", "invalid_regions")]
    [InlineData("""{"zones":[{"id":"z","kind":"general","polygon":[{"x":0,"y":0},{"x":1,"y":0},{"x":1,"y":1}]}],"zones2":[],"lines":[null]}""", "invalid_regions")]
    public async Task MalformedAndHostileBodiesAreRefusedWithAReasonAndChangeNothing(string body, string code)
    {
        var response = await PutRawAsync(_ps, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode} {text}");
        Assert.Equal(code, JsonDocument.Parse(text).RootElement.GetProperty("code").GetString());
        Assert.Equal("old-zone", Assert.Single(Stored.Zones).Id);
    }

    [Fact]
    public async Task TooManyZonesPointsOrTooLongANameAreRefused()
    {
        var triangle = new[] { new { x = 0.0, y = 0.0 }, new { x = 1.0, y = 0.0 }, new { x = 1.0, y = 1.0 } };
        var manyZones = new { zones = Enumerable.Range(0, CameraRules.MaxZones + 1).Select(i => new { id = "z" + i, kind = "general", polygon = triangle }) };
        var manyPoints = new { zones = new[] { new { id = "z", kind = "general", polygon = Enumerable.Range(0, CameraRules.MaxPolygonPoints + 1).Select(i => new { x = Math.Cos(i) / 2 + 0.5, y = Math.Sin(i) / 2 + 0.5 }).ToArray() } } };
        var longName = new { zones = new[] { new { id = "z", name = new string('水', 101), kind = "general", polygon = triangle } } };
        foreach (var body in new object[] { manyZones, manyPoints, longName })
        {
            var response = await _ps.PutAsJsonAsync($"/api/video/cameras/{Camera}/regions", body);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("invalid_regions", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal("old-zone", Assert.Single(Stored.Zones).Id);
    }

    [Fact]
    public async Task ABodyFarBeyondAnyDrawingIsRefusedBeforeItIsRead()
    {
        // 1 MiB of one zone name: more than the endpoint's 256 KiB limit.
        var body = $$"""{"zones":[{"id":"z","name":"{{new string('x', 1 << 20)}}","kind":"general","polygon":[{"x":0,"y":0},{"x":1,"y":0},{"x":1,"y":1}]}]}""";
        var response = await PutRawAsync(_ps, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode is HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.BadRequest, $"{(int)response.StatusCode} {text}");
        Assert.Equal("old-zone", Assert.Single(Stored.Zones).Id);
    }

    [Fact]
    public async Task AnUnknownCameraIsNotFoundAndAGuardOrOtherStaffMayNotDraw()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await PutRawAsync(_ps, GoodBody, "43010200011320000099")).StatusCode);
        foreach (var person in new[] { "guard-a", "em", "wa" })
        {
            using var client = await _gateway.LoginAsync(person);
            Assert.Equal(HttpStatusCode.Forbidden, (await PutRawAsync(client, GoodBody)).StatusCode);
        }

        using var admin = await _gateway.LoginAsync("admin");
        Assert.Equal(HttpStatusCode.OK, (await PutRawAsync(admin, GoodBody)).StatusCode);
        Assert.Equal("beach-water", Assert.Single(Stored.Zones).Id);
    }
}
