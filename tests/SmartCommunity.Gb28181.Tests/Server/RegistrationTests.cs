using System.Net.Http.Json;
using System.Text.Json;
using SmartCommunity.Gb28181.Tests.Support;
using SmartCommunity.Testing;

namespace SmartCommunity.Gb28181.Tests.Server;

/// <summary>SIPp as a real GB/T 28181 device against the real gateway process.</summary>
public sealed class RegistrationTests(GbGateway gateway) : IClassFixture<GbGateway>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("u1")]
    [InlineData("t1")]
    public async Task AnNvrRegistersThroughTheChallengeAndItsCatalogSplitOverMessagesBecomesCameras(string transport)
    {
        // Channel IDs differ per transport so each run proves its own catalog arrived.
        var serial = transport == "u1" ? "1" : "2";
        var values = GbGateway.Values(GbGateway.Nvr, GbGateway.NvrPassword);
        values["civil"] = "340200";
        values["channel1"] = $"340200000013100{serial}0001";
        values["channel2"] = $"340200000013100{serial}0002";
        values["channel3"] = $"340200000013200{serial}0003";
        // 堃 and 𠮷 lie outside GB2312: devices still send them under a GB2312 prolog, as GB18030 bytes.
        values["name1"] = "河滩北侧一号";
        values["name2"] = "水库闸口二号";
        values["name3"] = "堃𠮷三号";
        await using var sipp = SippProcess.Start(gateway.SipPort, "camera-register.xml", values, outOfCall: "camera-catalog.xml", transport: transport);

        await Eventually.TrueAsync(() => gateway.OnlineAsync(GbGateway.Nvr), Wait, "the NVR registers");
        await Eventually.TrueAsync(async () => await gateway.DeviceAsync(values["channel3"]) is not null, Wait, "the last catalog message arrives\n" + sipp.Trace());

        var first = (await gateway.DeviceAsync(values["channel1"]))!.Value;
        Assert.Equal("河滩北侧一号", first.GetProperty("name").GetString());
        Assert.Equal("camera", first.GetProperty("kind").GetString());
        Assert.Equal("c1", first.GetProperty("cellId").GetString());
        Assert.Equal(GbGateway.Nvr, first.GetProperty("attributes").GetProperty("gb28181.parent").GetString());
        Assert.Equal("340200", first.GetProperty("attributes").GetProperty("gb28181.civilCode").GetString());
        Assert.True(first.GetProperty("online").GetBoolean());
        Assert.Equal("堃𠮷三号", (await gateway.DeviceAsync(values["channel3"]))!.Value.GetProperty("name").GetString());
        var off = (await gateway.DeviceAsync(values["channel2"]))!.Value;
        Assert.Equal("OFF", off.GetProperty("attributes").GetProperty("gb28181.status").GetString());
        Assert.False(off.GetProperty("online").GetBoolean());

        // Only the first RecordFirstChannels (2 here) channels of a device record and are analysed by default; the others
        // are cameras with recording and analysis off, for an admin to turn on. Both runs of this test use the same NVR,
        // so over both runs' six channels exactly two record.
        string[] everyRun = [.. from run in (string[])["1", "2"] from id in (string[])[$"340200000013100{run}0001", $"340200000013100{run}0002", $"340200000013200{run}0003"] select id];
        var cameras = new List<JsonElement>();
        await Eventually.TrueAsync(async () =>
        {
            cameras.Clear();
            foreach (var id in everyRun)
            {
                using var response = await gateway.Api.GetAsync("/api/video/cameras/" + id);
                if (response.IsSuccessStatusCode)
                {
                    cameras.Add(await response.Content.ReadFromJsonAsync<JsonElement>());
                }
            }

            return cameras.Any(c => c.GetProperty("id").GetString() == values["channel3"]);
        }, Wait, "the channels are cameras");
        Assert.Equal(GbGateway.RecordFirstChannels, cameras.Count(c => c.GetProperty("recording").GetProperty("enabled").GetBoolean()));
        Assert.All(cameras.Where(c => !c.GetProperty("recording").GetProperty("enabled").GetBoolean()),
            c => Assert.Equal("off", c.GetProperty("analysis").GetProperty("site").GetString()));
        Assert.False(cameras.Single(c => c.GetProperty("id").GetString() == values["channel3"]).GetProperty("recording").GetProperty("enabled").GetBoolean());

        // Keepalives keep it online; a camera losing power stops them, and after 3 missed intervals it is offline, channels too.
        Assert.True(await gateway.Process.MetricAsync("sc_gb28181_messages_total", "cmd=\"Keepalive\"") >= 1);
        var timeouts = await gateway.Process.MetricAsync("sc_gb28181_presence_total", "cause=\"keepalive-timeout\"");
        await sipp.KillAsync();
        await Eventually.TrueAsync(async () => !await gateway.OnlineAsync(GbGateway.Nvr), Wait, "the NVR goes offline");
        await Eventually.TrueAsync(async () => !await gateway.OnlineAsync(values["channel1"]), Wait, "its channels go offline with it");
        Assert.Equal(timeouts + 1, await gateway.Process.MetricAsync("sc_gb28181_presence_total", "cause=\"keepalive-timeout\""));
    }

    [Fact]
    public async Task ExpiresZeroUnregistersTheDevice()
    {
        var before = await gateway.Process.MetricAsync("sc_gb28181_registrations_total", "result=\"unregistered\"");
        await using var sipp = SippProcess.Start(gateway.SipPort, "camera-unregister.xml", GbGateway.Values(GbGateway.Ipc, GbGateway.IpcPassword));

        Assert.True(await sipp.ExitCodeAsync(Wait) == 0, sipp.Trace());
        Assert.Equal(before + 1, await gateway.Process.MetricAsync("sc_gb28181_registrations_total", "result=\"unregistered\""));
        Assert.False(await gateway.OnlineAsync(GbGateway.Ipc));
    }

    [Fact]
    public async Task AWrongPasswordIsRefusedWith403AndCounted()
    {
        var before = await gateway.RefusedAsync("wrong-digest");
        await using var sipp = SippProcess.Start(gateway.SipPort, "camera-wrong-password.xml", GbGateway.Values(GbGateway.Ipc, "not-the-password"));

        Assert.True(await sipp.ExitCodeAsync(Wait) == 0, sipp.Trace());
        Assert.Equal(before + 1, await gateway.RefusedAsync("wrong-digest"));
    }

    [Fact]
    public async Task AnUnknownDeviceGetsTheSame403AsAWrongPassword()
    {
        var before = await gateway.RefusedAsync("unknown-device");
        await using var sipp = SippProcess.Start(gateway.SipPort, "camera-wrong-password.xml", GbGateway.Values("34020000001320000777", "any-password-at-all"));

        Assert.True(await sipp.ExitCodeAsync(Wait) == 0, sipp.Trace());
        Assert.Equal(before + 1, await gateway.RefusedAsync("unknown-device"));
        Assert.Null(await gateway.DeviceAsync("34020000001320000777"));
    }
}
