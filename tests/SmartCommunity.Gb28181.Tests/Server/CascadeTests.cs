using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using SmartCommunity.Gb28181.Manscdp;
using SmartCommunity.Gb28181.Tests.Support;
using SmartCommunity.Testing;

namespace SmartCommunity.Gb28181.Tests.Server;

/// <summary>The gateway with a superior platform configured: SIPp on a port chosen before the gateway starts.</summary>
public sealed class CascadeGateway() : GbGateway(Settings(UpstreamPort))
{
    public const string UpstreamId = "44010000002000000001";
    public const string UpstreamDomain = "4401000000";
    public const string UpstreamPassword = "upstream-password-0001";

    /// <summary>Fixed before the gateway starts, as its configuration names it.</summary>
    public static readonly int UpstreamPort = FreePort.Next();

    private static Dictionary<string, string> Settings(int port) => new()
    {
        ["Gb28181__Upstream__Enabled"] = "true",
        ["Gb28181__Upstream__ServerId"] = UpstreamId,
        ["Gb28181__Upstream__Domain"] = UpstreamDomain,
        ["Gb28181__Upstream__Address"] = "127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture),
        ["Gb28181__Upstream__Password"] = UpstreamPassword,
        ["Gb28181__Upstream__KeepaliveInterval"] = "00:10:00",
        ["Gb28181__Upstream__CatalogItemsPerMessage"] = "2",
        ["Video__AllowFileUrls"] = "true", // The camera the superior plays (CascadeTests.Media) is a clip on disk.
    };
}

/// <summary>
/// Cascade (级联, GB/T 28181-2016 §5.4): the gateway registers with a SIPp superior platform through its digest
/// challenge, keeps alive, refuses a malformed query, and answers a Catalog query with the community's cameras, split over two MESSAGEs; a stranger claiming the superior's ID from another address is not heard.
/// </summary>
public sealed partial class CascadeTests(CascadeGateway gateway) : IClassFixture<CascadeGateway>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task TheGatewayRegistersUpwardAndAnswersTheSuperiorsCatalogQueryWithItsGbCameras()
    {
        (string Id, string Name)[] cameras = [("34020000001320000101", "东门枪机"), ("34020000001310000102", "北门球机"), ("34020000001320000103", "堤坝 IPC")];
        foreach (var (id, name) in cameras)
        {
            var put = await gateway.Api.PutAsJsonAsync("/api/video/cameras/" + id, new
            {
                name, cellId = "c1", mainUrl = "rtsp://127.0.0.1:9/none",
                recording = new { enabled = false, segmentSeconds = 10, retentionDays = 7 },
            });
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        }

        var badXml = await gateway.RefusedAsync("cascade-manscdp-bad-xml");
        var values = new Dictionary<string, string>
        {
            ["gateway"] = GbGateway.ServerId, ["upstream"] = CascadeGateway.UpstreamId, ["realm"] = CascadeGateway.UpstreamDomain,
            ["password"] = CascadeGateway.UpstreamPassword,
        };
        await using var sipp = SippProcess.Start(gateway.SipPort, "upstream-platform.xml", values, timeout: "300s", localPort: CascadeGateway.UpstreamPort);

        await Eventually.TrueAsync(() => File.Exists(Path.Combine(sipp.Directory, "registered.txt")), () => "the gateway registered through the challenge and kept alive:\n" + sipp.Trace(), Wait);
        await Eventually.TrueAsync(async () => await gateway.Process.MetricAsync("sc_gb28181_upstream_registered") == 1, Wait, "the gateway counts itself registered");
        await Eventually.TrueAsync(() => File.Exists(Path.Combine(sipp.Directory, "catalog.txt")), () => "the superior got the catalog in two MESSAGEs:\n" + sipp.Trace(), Wait);
        Assert.Equal(badXml + 1, await gateway.RefusedAsync("cascade-manscdp-bad-xml"));

        // What SIPp received, as bytes on the wire: every camera (the registry holds only GB/T 28181 camera IDs) with its name in GB18030.
        var trace = string.Concat(Directory.GetFiles(sipp.Directory, "*_messages.log").Select(f => ManscdpEncoding.Gb18030.GetString(File.ReadAllBytes(f))));
        foreach (var (id, name) in cameras)
        {
            Assert.Contains($"<DeviceID>{id}</DeviceID>", trace, StringComparison.Ordinal);
            Assert.Contains($"<Name>{name}</Name>", trace, StringComparison.Ordinal);
        }

        Assert.Contains($"<ParentID>{GbGateway.ServerId}</ParentID>", trace, StringComparison.Ordinal);
        Assert.Equal(2, await gateway.Process.MetricAsync("sc_gb28181_cascade_total", "result=\"catalog-sent\""));
    }

    [Fact]
    public async Task AMessageWithTheSuperiorsIdFromAnotherAddressIsNotTakenAsTheSuperiors()
    {
        var before = await gateway.RefusedAsync("not-registered");
        var queries = await gateway.Process.MetricAsync("sc_gb28181_cascade_total", "result=\"catalog-query\"");
        using var client = new RawSipClient(gateway.SipPort, "127.0.0.2");
        var body = $"<?xml version=\"1.0\"?><Query><CmdType>Catalog</CmdType><SN>5</SN><DeviceID>{GbGateway.ServerId}</DeviceID></Query>";
        var message = Encoding.ASCII.GetBytes(
            $"MESSAGE sip:{GbGateway.ServerId}@{GbGateway.Realm} SIP/2.0\r\nVia: SIP/2.0/UDP {client.Local};branch=z9hG4bKc1\r\n" +
            $"From: <sip:{CascadeGateway.UpstreamId}@{CascadeGateway.UpstreamDomain}>;tag=x\r\nTo: <sip:{GbGateway.ServerId}@{GbGateway.Realm}>\r\nCall-ID: c1\r\nCSeq: 1 MESSAGE\r\n" +
            $"Content-Type: Application/MANSCDP+xml\r\nContent-Length: {body.Length}\r\n\r\n{body}");

        Assert.Equal(403, (await client.RequestAsync(message, Wait))?.StatusCode);
        Assert.Equal(before + 1, await gateway.RefusedAsync("not-registered"));
        Assert.Equal(queries, await gateway.Process.MetricAsync("sc_gb28181_cascade_total", "result=\"catalog-query\""));
    }
}
