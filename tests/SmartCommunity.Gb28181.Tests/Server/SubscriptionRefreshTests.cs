using SmartCommunity.Gb28181.Tests.Support;
using SmartCommunity.Testing;

namespace SmartCommunity.Gb28181.Tests.Server;

/// <summary>
/// Subscription lifetime (GB/T 28181-2016 §9.11, RFC 6665 §4.1.2): a SIPp NVR grants the gateway's Catalog and Alarm
/// subscriptions only 4 s; the gateway refreshes each in its dialog before it lapses, again and again, and ends both
/// (Expires: 0) when it is stopped. This class stops its own gateway, so it has its own.
/// </summary>
public sealed class SubscriptionRefreshTests(GbGateway gateway) : IClassFixture<GbGateway>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task ShortSubscriptionsAreRefreshedInTheirDialogsAndEndedWhenTheGatewayStops()
    {
        var values = GbGateway.Values(GbGateway.RefreshNvr, GbGateway.LivePassword);
        values["ch1"] = "34020000001310120001";
        values["name1"] = "续订通道";
        await using var sipp = SippProcess.Start(gateway.SipPort, "camera-register.xml", values, outOfCall: "camera-subscribe-refresh.xml", timeout: "300s",
            extraArguments: ["-deadcall_wait", "0"]);
        var log = Path.Combine(sipp.Directory, "subscribe.txt");
        string[] Lines() => File.Exists(log) ? File.ReadAllLines(log) : [];
        string Said() => "SIPp saw:\n" + string.Join('\n', Lines()) + "\n" + sipp.Trace() + "\ngateway:\n" + gateway.Process.RecentOutput;

        // Granted 4 s, refreshed at four fifths: two refreshes of each take about 7 s.
        await Eventually.TrueAsync(() => Lines().Count(l => l == "refresh Catalog") >= 2 && Lines().Count(l => l == "refresh presence") >= 2, Said, Wait);
        Assert.Equal(1, Lines().Count(l => l == "new Catalog"));
        Assert.Equal(1, Lines().Count(l => l == "new presence"));
        Assert.Equal(0, await gateway.RefusedAsync("subscribe-timeout"));
        Assert.Equal(0, await gateway.RefusedAsync("subscribe-refused"));

        // A clean exit: the GB module's shutdown used to dispose its loopback relay twice and abort the process.
        Assert.True(await gateway.Process.StopAsync(Wait) == 0, Said());
        Assert.Contains("end Catalog", Lines());
        Assert.Contains("end presence", Lines());
    }
}
