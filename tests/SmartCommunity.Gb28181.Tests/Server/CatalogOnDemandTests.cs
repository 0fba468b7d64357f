using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SmartCommunity.Gb28181.Tests.Support;
using SmartCommunity.Testing;

namespace SmartCommunity.Gb28181.Tests.Server;

/// <summary>
/// The Catalog query on demand (GB/T 28181-2016 §9.5.1) from the API: a SIPp NVR answers it again with its three
/// channels over two MESSAGEs, and the API returns them with their names; who may ask, and what an unknown or
/// unregistered device gets.
/// </summary>
public sealed class CatalogOnDemandTests(GbGateway gateway) : IClassFixture<GbGateway>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task AnOperatorAsksARegisteredNvrForItsChannelsAgainAndGetsThemByName()
    {
        var values = GbGateway.Values(GbGateway.Nvr, GbGateway.NvrPassword);
        values["civil"] = "340200";
        values["channel1"] = "34020000001310070001";
        values["channel2"] = "34020000001310070002";
        values["channel3"] = "34020000001320070003";
        values["name1"] = "码头一号";
        values["name2"] = "码头二号";
        values["name3"] = "码头三号";
        await using var sipp = SippProcess.Start(gateway.SipPort, "camera-register.xml", values, outOfCall: "camera-catalog.xml");
        await Eventually.TrueAsync(async () => await gateway.DeviceAsync(values["channel3"]) is not null, Wait, "the catalog after registration arrives");
        var catalogs = await gateway.Process.MetricAsync("sc_gb28181_messages_total", "cmd=\"Catalog\"");

        var asked = await gateway.Api.PostAsync($"/api/gb28181/devices/{GbGateway.Nvr}/catalog", null);
        Assert.Equal(HttpStatusCode.OK, asked.StatusCode);
        var answer = await asked.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("河滩 NVR", answer.GetProperty("deviceName").GetString());
        var channels = answer.GetProperty("channels").EnumerateArray().ToDictionary(c => c.GetProperty("id").GetString()!, c => c);
        Assert.Equal(["码头一号", "码头二号", "码头三号"], new[] { "channel1", "channel2", "channel3" }.Select(k => channels[values[k]].GetProperty("name").GetString()));
        Assert.False(channels[values["channel2"]].GetProperty("online").GetBoolean()); // The scenario lists it OFF.
        Assert.True(await gateway.Process.MetricAsync("sc_gb28181_messages_total", "cmd=\"Catalog\"") > catalogs, "the device answered again");

        // Steering the registry is public security's and admins': a guard is refused with the stable code.
        using var guard = await gateway.PersonAsync("catalog-guard", "guard", "Guard");
        var refused = await guard.PostAsync($"/api/gb28181/devices/{GbGateway.Nvr}/catalog", null);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("forbidden", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());

        var unknown = await gateway.Api.PostAsync("/api/gb28181/devices/34020000001180009999/catalog", null);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("unknown_device", (await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        var offline = await gateway.Api.PostAsync($"/api/gb28181/devices/{GbGateway.Ipc}/catalog", null); // Seeded, never registered.
        Assert.Equal(HttpStatusCode.Conflict, offline.StatusCode);
        Assert.Equal("device_offline", (await offline.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }
}
