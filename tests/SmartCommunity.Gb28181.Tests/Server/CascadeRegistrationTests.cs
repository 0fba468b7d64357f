using SmartCommunity.Gb28181.Tests.Support;
using SmartCommunity.Testing;

namespace SmartCommunity.Gb28181.Tests.Server;

/// <summary>A gateway with its own superior platform (a port of its own), for the registration's failure and refresh paths.</summary>
public sealed class CascadeRefreshGateway() : GbGateway(CascadeGateway.UpstreamSettings(UpstreamId, UpstreamDomain, UpstreamPassword, UpstreamPort))
{
    public const string UpstreamId = "44010000002000000002";
    public const string UpstreamDomain = "4401000000";
    public const string UpstreamPassword = "upstream-password-0002";

    public static readonly int UpstreamPort = FreePort.Next();
}

/// <summary>
/// The cascade registration (GB/T 28181-2016 §9.1.2.1) against a SIPp superior that refuses the gateway's first
/// digest as a wrong password, then grants a registration of five seconds: the gateway counts the refusal, retries after
/// its backoff, registers, and refreshes the registration before it lapses, each time through a new challenge.
/// </summary>
public sealed class CascadeRegistrationTests(CascadeRefreshGateway gateway) : IClassFixture<CascadeRefreshGateway>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task AWrongPasswordIsCountedAndRetriedAndAShortRegistrationIsRefreshedBeforeItLapses()
    {
        var values = new Dictionary<string, string>
        {
            ["gateway"] = GbGateway.ServerId, ["realm"] = CascadeRefreshGateway.UpstreamDomain, ["password"] = CascadeRefreshGateway.UpstreamPassword, ["grant"] = "5",
        };
        await using var sipp = SippProcess.Start(gateway.SipPort, "upstream-reregister.xml", values, timeout: "300s", localPort: CascadeRefreshGateway.UpstreamPort);

        await Eventually.TrueAsync(() => File.Exists(Path.Combine(sipp.Directory, "registered.txt")), () => "the gateway registered after the refusal:\n" + sipp.Trace(), Wait);
        Assert.Equal(1, await gateway.Process.MetricAsync("sc_gb28181_cascade_total", "result=\"register-wrong-password\""));
        // With keepalives 10 minutes apart, only the refresh at four fifths of the 5 s granted brings another REGISTER.
        await Eventually.TrueAsync(() => File.Exists(Path.Combine(sipp.Directory, "refreshed.txt")), () => "the gateway refreshed its 5 s registration:\n" + sipp.Trace(), Wait);
        Assert.Equal(2, await gateway.Process.MetricAsync("sc_gb28181_cascade_total", "result=\"registered\""));
        Assert.Equal(1, await gateway.Process.MetricAsync("sc_gb28181_upstream_registered"));
    }
}
