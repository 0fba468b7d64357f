using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SmartCommunity.Gateway.Devices;
using SmartCommunity.Gateway.Tests.Support;
using SmartCommunity.Gateway.Video.Cameras;
using SmartCommunity.Protocol.Messages;

namespace SmartCommunity.Gateway.Tests.Video;

/// <summary>The camera registry through the real gateway: validation, write-only credentials, device creation, cell visibility.</summary>
public sealed class CamerasApiTests : IAsyncLifetime
{
    private const string NewCamera = "43010200011320000077";
    private const string Password = "cam-Pa55word!x";
    private const string Username = "viewer-7";
    private readonly List<string> _logs = [];
    private GatewayFactory _gateway = null!;
    private HttpClient _ps = null!;

    public async Task InitializeAsync()
    {
        _gateway = new GatewayFactory(
            settings: new() { ["Video:RecordingEnabled"] = "false" },
            services: s => s.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(new ListLoggerProvider(_logs))).Start();
        _ps = await _gateway.LoginAsync("ps");
    }

    public async Task DisposeAsync()
    {
        _ps.Dispose();
        await _gateway.DisposeAsync();
    }

    private static object Body(string mainUrl = "rtsp://10.0.0.7:554/main", string? password = Password, string cell = TestCommunity.BuildingA) => new
    {
        name = "河滩摄像机 Beach camera",
        cellId = cell,
        mainUrl,
        subUrl = "rtsp://10.0.0.7:554/sub",
        username = Username,
        password,
        zones = new[] { new { id = "beach-waterline", kind = "danger-water", polygon = new[] { new { x = 0.1, y = 0.5 }, new { x = 0.9, y = 0.5 }, new { x = 0.9, y = 1.0 }, new { x = 0.1, y = 1.0 } } } },
        lines = new[] { new { id = "gate", a = new { x = 0.2, y = 0.5 }, b = new { x = 0.8, y = 0.5 }, inSide = new { x = 0.5, y = 0.9 } } },
        recording = new { enabled = true, segmentSeconds = 10, retentionDays = 7 },
        analysis = new { site = "gateway", detectFps = 5, detectWidth = 640, detectHeight = 360 },
    };

    [Fact]
    public async Task ACameraIsStoredWithItsDeviceAndItsCredentialsNeverComeBackNorReachALog()
    {
        var put = await _ps.PutAsJsonAsync("/api/video/cameras/" + NewCamera, Body());
        var putText = await put.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        var got = await _ps.GetStringAsync("/api/video/cameras/" + NewCamera);
        var list = await _ps.GetStringAsync("/api/video/cameras");
        foreach (var text in new[] { putText, got, list })
        {
            Assert.DoesNotContain(Password, text, StringComparison.Ordinal);
            Assert.DoesNotContain(Username, text, StringComparison.Ordinal);
        }

        var view = JsonDocument.Parse(got).RootElement;
        Assert.True(view.GetProperty("hasCredentials").GetBoolean());
        Assert.Equal("ipc", view.GetProperty("code").GetProperty("type").GetString());
        Assert.Equal("gateway", view.GetProperty("analysis").GetProperty("site").GetString());
        Assert.Equal("danger-water", view.GetProperty("zones")[0].GetProperty("kind").GetString());

        // The frame path reads the catalog with the credentials it needs to open the stream.
        var catalog = _gateway.Get<ICameraCatalog>();
        Assert.Equal(Password, catalog.Find(NewCamera)!.Streams.Password);
        Assert.Equal(DeviceKind.Camera, _gateway.Get<DeviceRegistry>().Get(NewCamera)!.Device.Kind);

        // A change without credentials keeps them; clearing removes them.
        var changed = await _ps.PutAsJsonAsync("/api/video/cameras/" + NewCamera, Body(password: null));
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal(Password, catalog.Find(NewCamera)!.Streams.Password);
        var cleared = await _ps.PutAsync("/api/video/cameras/" + NewCamera, JsonContent.Create(new { name = "x", cellId = TestCommunity.BuildingA, mainUrl = "rtsp://10.0.0.7/main", clearCredentials = true }));
        Assert.Equal(HttpStatusCode.OK, cleared.StatusCode);
        Assert.Null(catalog.Find(NewCamera)!.Streams.Password);

        string[] logged;
        lock (_logs)
        {
            logged = [.. _logs];
        }

        Assert.DoesNotContain(logged, l => l.Contains(Password, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ACameraSurvivesARestartWithItsCredentials()
    {
        Assert.Equal(HttpStatusCode.OK, (await _ps.PutAsJsonAsync("/api/video/cameras/" + NewCamera, Body())).StatusCode);
        await _gateway.DisposeAsync();
        _gateway = _gateway.Reopen(new() { ["Video:RecordingEnabled"] = "false" }).Start();

        var camera = _gateway.Get<ICameraCatalog>().Find(NewCamera);
        Assert.NotNull(camera);
        Assert.Equal(Password, camera.Streams.Password);
        Assert.Equal("gate", camera.Lines.Single().Id);
    }

    [Fact]
    public async Task GuardsSeeOnlyCamerasInTheirCellsAndCannotChangeThem()
    {
        Assert.Equal(HttpStatusCode.OK, (await _ps.PutAsJsonAsync("/api/video/cameras/" + NewCamera, Body(cell: TestCommunity.BuildingB))).StatusCode);
        using var guardA = await _gateway.LoginAsync("guard-a");
        using var guardB = await _gateway.LoginAsync("guard-b");

        Assert.Equal(HttpStatusCode.NotFound, (await guardA.GetAsync("/api/video/cameras/" + NewCamera)).StatusCode);
        Assert.DoesNotContain(NewCamera, await guardA.GetStringAsync("/api/video/cameras"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await guardB.GetAsync("/api/video/cameras/" + NewCamera)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await guardB.PutAsJsonAsync("/api/video/cameras/" + NewCamera, Body())).StatusCode);
    }

    [Theory]
    [InlineData("4301020001132000007", """{"name":"x","cellId":"b-a","mainUrl":"rtsp://h/m"}""", "GB/T 28181")]
    [InlineData("43010200011340000077", """{"name":"x","cellId":"b-a","mainUrl":"rtsp://h/m"}""", "not a camera")]
    [InlineData("43010200011320000077", """{"name":"","cellId":"b-a","mainUrl":"rtsp://h/m"}""", "name")]
    [InlineData("43010200011320000077", """{"name":"x","cellId":"nowhere","mainUrl":"rtsp://h/m"}""", "does not exist")]
    [InlineData("43010200011320000077", """{"name":"x","cellId":"b-a"}""", "mainUrl")]
    [InlineData("43010200011320000077", """{"name":"x","cellId":"b-a","mainUrl":"rtsp://h/m","lat":200}""", "WGS-84")]
    [InlineData("43010200011320000077", """{"name":"x","cellId":"b-a","mainUrl":"rtsp://admin:12345@h/m"}""", "must not carry credentials")]
    [InlineData("43010200011320000077", """{"name":"x","cellId":"b-a","mainUrl":"file:///etc/passwd"}""", "file URLs")]
    [InlineData("43010200011320000077", """{"name":"x","cellId":"b-a","mainUrl":"concat:/etc/passwd|/etc/shadow"}""", "rtsp, rtsps, http or https")]
    [InlineData("43010200011320000077", """{"name":"x","cellId":"b-a","mainUrl":"-i /etc/passwd"}""", "mainUrl")]
    [InlineData("43010200011320000077", """{"name":"x","cellId":"b-a","mainUrl":"subfile:,start,0,end,0,:/etc/passwd"}""", "rtsp, rtsps, http or https")]
    [InlineData("43010200011320000077", """{"name":"x","cellId":"b-a","mainUrl":"rtsp://h/m\nx"}""", "control")]
    [InlineData("43010200011320000077", """{"name":"x","cellId":"b-a","mainUrl":"rtsp://h/m","zones":[{"id":"z","kind":"danger-water","polygon":[{"x":0,"y":0},{"x":1,"y":1}]}]}""", "3–64 points")]
    [InlineData("43010200011320000077", """{"name":"x","cellId":"b-a","mainUrl":"rtsp://h/m","zones":[{"id":"z","kind":"danger-water","polygon":[{"x":0,"y":0},{"x":1.5,"y":0},{"x":1,"y":1}]}]}""", "between 0 and 1")]
    [InlineData("43010200011320000077", """{"name":"x","cellId":"b-a","mainUrl":"rtsp://h/m","zones":[{"id":"a/b/#","kind":"general","polygon":[{"x":0,"y":0},{"x":1,"y":0},{"x":1,"y":1}]}]}""", "Zone IDs")]
    [InlineData("43010200011320000077", """{"name":"x","cellId":"b-a","mainUrl":"rtsp://h/m","zones":[{"id":"z","kind":"lava","polygon":[{"x":0,"y":0},{"x":1,"y":0},{"x":1,"y":1}]}]}""", "kind must be")]
    [InlineData("43010200011320000077", """{"name":"x","cellId":"b-a","mainUrl":"rtsp://h/m","lines":[{"id":"l","a":{"x":0,"y":0.5},"b":{"x":1,"y":0.5},"inSide":{"x":0.5,"y":0.5}}]}""", "off the line")]
    [InlineData("43010200011320000077", """{"name":"x","cellId":"b-a","mainUrl":"rtsp://h/m","recording":{"enabled":true,"segmentSeconds":0,"retentionDays":7}}""", "segmentSeconds")]
    [InlineData("43010200011320000077", """{"name":"x","cellId":"b-a","mainUrl":"rtsp://h/m","recording":{"enabled":true,"segmentSeconds":10,"retentionDays":-1}}""", "retentionDays")]
    [InlineData("43010200011320000077", """{"name":"x","cellId":"b-a","mainUrl":"rtsp://h/m","analysis":{"site":"gateway","detectFps":1000,"detectWidth":640,"detectHeight":360}}""", "detectFps")]
    [InlineData("level-1", """{"name":"x","cellId":"b-a","mainUrl":"rtsp://h/m"}""", "GB/T 28181")]
    public async Task BadBodiesAreRefusedWithTheReason(string id, string body, string expected)
    {
        var response = await _ps.PutAsync("/api/video/cameras/" + Uri.EscapeDataString(id), new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode} {text}");
        Assert.Contains(expected, text, StringComparison.Ordinal);
        Assert.Null(_gateway.Get<ICameraCatalog>().Find(id));
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("""{"name":12,"cellId":[]}""")]
    [InlineData("""{"name":"x","cellId":"b-a","mainUrl":"rtsp://h/m","zones":[null]}""")]
    [InlineData("""{"name":"x","cellId":"b-a","mainUrl":"rtsp://h/m","analysis":{"site":"moon"}}""")]
    public async Task MalformedJsonIsABadRequestNotACrash(string body)
    {
        var response = await _ps.PutAsync("/api/video/cameras/" + NewCamera, new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task AnOversizedBodyIsRefused()
    {
        var zones = Enumerable.Range(0, 40).Select(i => new { id = "z" + i, kind = "general", polygon = new[] { new { x = 0.0, y = 0.0 }, new { x = 1.0, y = 0.0 }, new { x = 1.0, y = 1.0 } } });
        var response = await _ps.PutAsJsonAsync("/api/video/cameras/" + NewCamera, new { name = "x", cellId = TestCommunity.BuildingA, mainUrl = "rtsp://h/m", zones });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("At most 32 zones", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnIdTakenByAnotherKindOfDeviceIsRefused()
    {
        // Register a water-level station under a camera-shaped code through the devices API.
        using var admin = await _gateway.LoginAsync("admin");
        var device = await admin.PutAsJsonAsync("/api/devices/43010200011320000055", new { kind = "water-level", name = "odd", cellId = TestCommunity.BuildingA, secret = "a-secret-of-16-chars" });
        Assert.Equal(HttpStatusCode.OK, device.StatusCode);

        var response = await _ps.PutAsJsonAsync("/api/video/cameras/43010200011320000055", Body());
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("not a camera", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeleteRemovesTheCameraAndKeepsTheDevice()
    {
        Assert.Equal(HttpStatusCode.OK, (await _ps.PutAsJsonAsync("/api/video/cameras/" + NewCamera, Body())).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await _ps.DeleteAsync("/api/video/cameras/" + NewCamera)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _ps.DeleteAsync("/api/video/cameras/" + NewCamera)).StatusCode);
        Assert.Null(_gateway.Get<ICameraCatalog>().Find(NewCamera));
        Assert.NotNull(_gateway.Get<DeviceRegistry>().Get(NewCamera));
    }
}
