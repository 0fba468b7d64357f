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
