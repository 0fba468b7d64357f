using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using SmartCommunity.Gateway.Tests.Support;

namespace SmartCommunity.Gateway.Tests.Api;

public sealed class DevicesApiTests : IAsyncLifetime
{
    private GatewayFactory _gateway = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        _gateway = new GatewayFactory().Start();
        _admin = await _gateway.LoginAsync("admin");
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        await _gateway.DisposeAsync();
    }

    [Fact]
    public async Task ACameraWithAGb28181IdIsRegisteredDecodedAndItsGeneratedSecretShownOnce()
    {
        var created = await _admin.PutAsJsonAsync("/api/devices/43010200011320000099", new { kind = "camera", name = "新摄像机", cellId = TestCommunity.BuildingA, attributes = new Dictionary<string, string> { ["subStream"] = "rtsp://cam/sub" } });
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var secret = body.GetProperty("secret").GetString();
        Assert.True(secret!.Length >= 24);
        Assert.Equal("ipc", body.GetProperty("device").GetProperty("gb28181").GetProperty("type").GetString());

        var fetched = await _admin.GetStringAsync("/api/devices/43010200011320000099");
        Assert.DoesNotContain(secret, fetched, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", fetched, StringComparison.OrdinalIgnoreCase);

        // The generated secret works on the broker.
        using var mqtt = new MQTTnet.MqttClientFactory().CreateMqttClient();
        var result = await mqtt.ConnectAsync(_gateway.MqttOptions("43010200011320000099", secret));
        Assert.Equal(MQTTnet.MqttClientConnectResultCode.Success, result.ResultCode);
    }

    [Theory]
    [InlineData("bad id with spaces", """{"kind":"camera","name":"x"}""", "Device id")]
    [InlineData("43010200011000000001", """{"kind":"camera","name":"x"}""", "GB/T 28181")]
    [InlineData("20010200011320000001", """{"kind":"camera","name":"x"}""", "province")]
    [InlineData("43010200011329000001", """{"kind":"camera","name":"x"}""", "network digit")]
    [InlineData("4301020001132000000", """{"kind":"camera","name":"x"}""", "GB/T 28181")]
    [InlineData("430102000113200000012", """{"kind":"camera","name":"x"}""", "GB/T 28181")]
    [InlineData("4301020001132000000A", """{"kind":"camera","name":"x"}""", "GB/T 28181")]
    [InlineData("43010200011370000001", """{"kind":"camera","name":"x"}""", "does not carry video")]
    [InlineData("dev-x", """{"kind":"toaster","name":"x"}""", "Kind must be")]
    [InlineData("dev-x", """{"kind":"camera","name":""}""", "Name is required")]
    [InlineData("dev-x", """{"kind":"camera","name":"x","cellId":"nowhere"}""", "does not exist")]
    [InlineData("dev-x", """{"kind":"camera","name":"x","lat":91}""", "latitude")]
    [InlineData("dev-x", """{"kind":"camera","name":"x","secret":"short"}""", "Secret must")]
    public async Task InvalidRegistrationsAreRefusedWithAReason(string id, string body, string expected)
    {
        var response = await _admin.PutAsync("/api/devices/" + Uri.EscapeDataString(id), new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"kind\":")]
    [InlineData("{\"kind\":42,\"name\":[]}")]
    [InlineData("\"just a string\"")]
    public async Task MalformedBodiesAreBadRequests(string body)
    {
        var response = await _admin.PutAsync("/api/devices/dev-y", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task AHugeBodyIsRefusedWithoutHarm()
    {
        var name = new string('名', 300);
        var response = await _admin.PutAsJsonAsync("/api/devices/dev-z", new { kind = "camera", name });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var attributes = Enumerable.Range(0, 100).ToDictionary(i => "k" + i, i => "v");
        response = await _admin.PutAsJsonAsync("/api/devices/dev-z", new { kind = "camera", name = "ok", attributes });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task AGuardSeesOnlyDevicesInTheirCells()
    {
        using var guard = await _gateway.LoginAsync("guard-b");
        var devices = await guard.GetFromJsonAsync<JsonElement[]>("/api/devices");
        Assert.Equal([TestCommunity.DoorUnit], devices!.Select(d => d.GetProperty("id").GetString()!).ToArray());
        Assert.Equal(HttpStatusCode.NotFound, (await guard.GetAsync("/api/devices/" + TestCommunity.LevelStation)).StatusCode);
    }

    [Fact]
    public async Task RotatingASecretLocksOutTheOldOne()
    {
        var rotated = await (await _admin.PostAsync($"/api/devices/{TestCommunity.Speaker}/secret", null)).Content.ReadFromJsonAsync<JsonElement>();
        var newSecret = rotated.GetProperty("secret").GetString();

        using var old = new MQTTnet.MqttClientFactory().CreateMqttClient();
        var refused = await old.ConnectAsync(_gateway.MqttOptions(TestCommunity.Speaker, TestCommunity.SecretOf(TestCommunity.Speaker)));
        using var fresh = new MQTTnet.MqttClientFactory().CreateMqttClient();
        var accepted = await fresh.ConnectAsync(_gateway.MqttOptions(TestCommunity.Speaker, newSecret));

        Assert.Equal(MQTTnet.MqttClientConnectResultCode.BadUserNameOrPassword, refused.ResultCode);
        Assert.Equal(MQTTnet.MqttClientConnectResultCode.Success, accepted.ResultCode);
    }

    [Fact]
    public async Task TheGridRefusesABrokenHierarchy()
    {
        var unitUnderCommunity = await _admin.PutAsJsonAsync("/api/grid/cells/u-x", new { parentId = TestCommunity.Community, level = "Compound", name = "ok" });
        var buildingUnderBuilding = await _admin.PutAsJsonAsync("/api/grid/cells/b-x", new { parentId = TestCommunity.BuildingA, level = "Building", name = "bad" });
        var orphan = await _admin.PutAsJsonAsync("/api/grid/cells/b-y", new { parentId = "missing", level = "Building", name = "bad" });
        var rootCompound = await _admin.PutAsJsonAsync("/api/grid/cells/p-y", new { level = "Compound", name = "bad" });
        var deleteWithChildren = await _admin.DeleteAsync("/api/grid/cells/" + TestCommunity.Compound);
        var deleteWithDevices = await _admin.DeleteAsync("/api/grid/cells/" + TestCommunity.BuildingA);

        Assert.Equal(HttpStatusCode.OK, unitUnderCommunity.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, buildingUnderBuilding.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, orphan.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, rootCompound.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, deleteWithChildren.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, deleteWithDevices.StatusCode);
    }

    [Fact]
    public async Task PeopleNeedAKnownRoleAndGuardsNeedACell()
    {
        var badRole = await _admin.PutAsJsonAsync("/api/people/p-x", new { name = "X", role = "superuser", duty = "Staff" });
        var guardWithoutCell = await _admin.PutAsJsonAsync("/api/people/p-y", new { name = "Y", role = "guard", duty = "Guard" });
        var badWebhook = await _admin.PutAsJsonAsync("/api/people/p-z", new { name = "Z", role = "emergency", duty = "Staff", webhookUrl = "file:///etc/passwd" });
        var good = await _admin.PutAsJsonAsync("/api/people/p-w", new { name = "W", role = "guard", duty = "Guard", cells = new[] { TestCommunity.BuildingB }, password = "a-good-password" });

        Assert.Equal(HttpStatusCode.BadRequest, badRole.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, guardWithoutCell.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badWebhook.StatusCode);
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        using var w = await _gateway.LoginAsync("p-w", "a-good-password");
    }

    [Fact]
    public async Task TheMosquittoExportCarriesHashesNotSecretsAndAnAclPerUser()
    {
        var passwd = await _admin.GetStringAsync("/api/admin/broker/mosquitto/passwd");
        var acl = await _admin.GetStringAsync("/api/admin/broker/mosquitto/acl");

        Assert.Contains($"{TestCommunity.LevelStation}:$7$", passwd, StringComparison.Ordinal);
        Assert.DoesNotContain(TestCommunity.SecretOf(TestCommunity.LevelStation), passwd, StringComparison.Ordinal);
        Assert.Contains("pattern write sc/v1/dev/%u/telemetry", acl, StringComparison.Ordinal);
        Assert.Contains("pattern read sc/v1/dev/%u/command", acl, StringComparison.Ordinal);
    }
}
