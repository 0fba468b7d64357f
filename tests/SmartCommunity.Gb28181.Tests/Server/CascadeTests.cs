using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Xml.Linq;
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

    private static Dictionary<string, string> Settings(int port) => new(UpstreamSettings(UpstreamId, UpstreamDomain, UpstreamPassword, port))
    {
        ["Gb28181__Upstream__CatalogItemsPerMessage"] = "2",
        ["Video__AllowFileUrls"] = "true", // The camera the superior plays (CascadeTests.Media) is a clip on disk.
    };

    /// <summary>A superior platform at 127.0.0.1:<paramref name="port"/>, keepalives 10 minutes apart (the scenarios expect none unasked).</summary>
    public static Dictionary<string, string> UpstreamSettings(string id, string domain, string password, int port) => new()
    {
        ["Gb28181__Upstream__Enabled"] = "true",
        ["Gb28181__Upstream__ServerId"] = id,
        ["Gb28181__Upstream__Domain"] = domain,
        ["Gb28181__Upstream__Address"] = "127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture),
        ["Gb28181__Upstream__Password"] = password,
        ["Gb28181__Upstream__KeepaliveInterval"] = "00:10:00",
    };
}

/// <summary>
/// Cascade (级联, GB/T 28181-2016 §5.4): the gateway registers with a SIPp superior platform through its digest
/// challenge, keeps alive, refuses a malformed query, and answers a Catalog query with the community's cameras, split
/// over two MESSAGEs, then sends an alarm of a channel upward; a stranger claiming the superior's ID from another
/// address is not heard.
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

        // Alarms upward (§9.4): a SIPp NVR's intrusion alarm for its channel becomes a zone_enter event of the
        // community, which goes on to the superior as an alarm of that channel; the NVR's three refused alarms do not.
        const string channel = "34020000001320050009";
        var nvr = GbGateway.Values(GbGateway.AlarmNvr, GbGateway.LivePassword);
        nvr["channel"] = channel;
        nvr["other"] = GbGateway.Nvr;
        nvr["name"] = "堤坝二号";
        nvr["sdpTransport"] = "RTP/AVP";
        nvr["sdpSetup"] = "f=";
        await using var camera = SippProcess.Start(gateway.SipPort, "camera-alarm.xml", nvr, outOfCall: "camera-live.xml", timeout: "300s");
        await Eventually.TrueAsync(() => File.Exists(Path.Combine(sipp.Directory, "alarm.txt")), () => "the superior got the alarm:\n" + sipp.Trace(), Wait);
        var alarm = string.Concat(Directory.GetFiles(sipp.Directory, "*_messages.log").Select(f => ManscdpEncoding.Gb18030.GetString(File.ReadAllBytes(f))));
        var start = alarm.LastIndexOf("<Notify>", alarm.IndexOf("<CmdType>Alarm</CmdType>", StringComparison.Ordinal), StringComparison.Ordinal);
        var notify = XElement.Parse(alarm[start..(alarm.IndexOf("</Notify>", start, StringComparison.Ordinal) + "</Notify>".Length)]);
        Assert.Equal(channel, notify.Element("DeviceID")?.Value);
        Assert.Equal("1", notify.Element("AlarmPriority")?.Value); // Intrusion: the highest.
        Assert.Equal("5", notify.Element("AlarmMethod")?.Value); // Video alarm.
        Assert.Equal("6", notify.Element("Info")?.Element("AlarmType")?.Value); // Intrusion (A.2.5).
        Assert.StartsWith("堤坝二号 zone_enter", notify.Element("AlarmDescription")?.Value, StringComparison.Ordinal);
        // Device time (+08:00 by default, written without a zone as the standard does): the event's time, just now.
        var alarmTime = DateTime.ParseExact(notify.Element("AlarmTime")!.Value, "yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        Assert.InRange(alarmTime, DateTime.UtcNow.AddHours(8).AddMinutes(-5), DateTime.UtcNow.AddHours(8).AddSeconds(5));
        await Eventually.TrueAsync(async () => await gateway.Process.MetricAsync("sc_gb28181_cascade_total", "result=\"alarm-sent\"") == 1, Wait, "the superior answered 200");
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(1, await gateway.Process.MetricAsync("sc_gb28181_cascade_total", "result=\"alarm-sent\"")); // Only the accepted alarm went up.
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
