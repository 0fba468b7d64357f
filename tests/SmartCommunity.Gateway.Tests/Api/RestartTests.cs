using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SmartCommunity.Gateway.Tests.Support;

namespace SmartCommunity.Gateway.Tests.Api;

public sealed class RestartTests
{
    [Fact]
    public async Task RegistrySessionsAndPresenceSurviveAGatewayRestart()
    {
        var first = new GatewayFactory().Start();
        string token;
        using (var admin = await first.LoginAsync("admin"))
        {
            token = admin.DefaultRequestHeaders.Authorization!.Parameter!;
            (await admin.PutAsJsonAsync("/api/devices/added-later", new { kind = "door-access", name = "Added", cellId = TestCommunity.BuildingB, secret = "a-secret-long-enough" })).EnsureSuccessStatusCode();
            (await admin.PutAsJsonAsync("/api/grid/cells/b-c", new { parentId = TestCommunity.Compound, level = "Building", name = "楼 C" })).EnsureSuccessStatusCode();
        }

        using (var device = await first.ConnectDeviceAsync(TestCommunity.LevelStation))
        {
            await SmartCommunity.Testing.Eventually.TrueAsync(() => first.Get<SmartCommunity.Gateway.Devices.DeviceRegistry>().Get(TestCommunity.LevelStation)!.Online);
            await SmartCommunity.Testing.Eventually.TrueAsync(async () =>
            {
                using var c = first.CreateClient();
                c.DefaultRequestHeaders.Authorization = new("Bearer", token);
                var d = await c.GetFromJsonAsync<JsonElement>("/api/devices/" + TestCommunity.LevelStation);
                return d.GetProperty("online").GetBoolean();
            });
        }

        await first.DisposeAsync();

        await using var second = first.Reopen().Start();
        using var client = second.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        var added = await client.GetFromJsonAsync<JsonElement>("/api/devices/added-later");
        Assert.Equal("Added", added.GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/grid/cells/b-c")).StatusCode);
        Assert.Equal(4 + 1, (await client.GetFromJsonAsync<JsonElement[]>("/api/devices"))!.Length);

        using var mqtt = new MQTTnet.MqttClientFactory().CreateMqttClient();
        var result = await mqtt.ConnectAsync(second.MqttOptions("added-later", "a-secret-long-enough"));
        Assert.Equal(MQTTnet.MqttClientConnectResultCode.Success, result.ResultCode);
    }
}
