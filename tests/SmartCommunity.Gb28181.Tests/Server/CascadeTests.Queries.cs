using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using SmartCommunity.Gb28181.Manscdp;
using SmartCommunity.Gb28181.Tests.Support;
using SmartCommunity.Testing;

namespace SmartCommunity.Gb28181.Tests.Server;

/// <summary>
/// DeviceInfo and DeviceStatus from the superior (级联, GB/T 28181-2016 §9.5, A.2.4 queries, A.2.6 answers): SIPp as the
/// superior asks about the gateway, a camera the gateway records and one whose stream is down, and an ID the gateway
/// does not have; each answer is read from the bytes SIPp received.
/// </summary>
public sealed partial class CascadeTests
{
    private const string RecordingCamera = "34020000001320000303";
    private const string DownCamera = "34020000001320000304";
    private const string UnknownDevice = "34020000001320000399";

    [Fact]
    public async Task TheSuperiorAsksForDeviceInfoAndStatusOfTheGatewayAndItsCamerasAndIsToldWhatTheGatewayHasNot()
    {
        var directory = Directory.CreateTempSubdirectory("sc-upward-status-").FullName;
        var clip = await PsRtpSender.EncodeClipFileAsync(8, "mp4", Path.Combine(directory, "river.mp4"));
        foreach (var (id, name, url) in new[] { (RecordingCamera, "河堤监控", new Uri(clip).AbsoluteUri), (DownCamera, "渡口监控", "rtsp://127.0.0.1:9/none") })
        {
            var put = await gateway.Api.PutAsJsonAsync("/api/video/cameras/" + id, new
            {
                name, cellId = "c1", mainUrl = url, recording = new { enabled = true, segmentSeconds = 2, retentionDays = 7 },
            });
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        }

        try
        {
            async Task<JsonElement> Status(string id) => (await gateway.Api.GetFromJsonAsync<JsonElement>("/api/video/cameras/" + id)).GetProperty("status");
            await Eventually.TrueAsync(async () => (await Status(RecordingCamera)).GetProperty("recorder").GetString() == "recording"
                && (await Status(DownCamera)).GetProperty("online").ValueKind == JsonValueKind.False, Wait, "one camera records, the other is found down");
            var unknown = await gateway.RefusedAsync("cascade-unknown-device");

            var values = new Dictionary<string, string>
            {
                ["gateway"] = GbGateway.ServerId, ["upstream"] = CascadeGateway.UpstreamId, ["upstreamRealm"] = CascadeGateway.UpstreamDomain, ["realm"] = GbGateway.Realm,
                ["channel"] = RecordingCamera, ["unknown"] = UnknownDevice, ["down"] = DownCamera,
            };
            await using var sipp = SippProcess.Start(gateway.SipPort, "upstream-queries.xml", values, outOfCall: "upstream-ooc.xml", timeout: "120s",
                localPort: CascadeGateway.UpstreamPort);
            string Trace() => string.Concat(Directory.GetFiles(sipp.Directory, "*_messages.log").Select(f => ManscdpEncoding.Gb18030.GetString(File.ReadAllBytes(f))));
            await Eventually.TrueAsync(() => Enumerable.Range(91, 6).All(sn => Trace().Contains($"<SN>{sn}</SN>", StringComparison.Ordinal)
                && Trace().Split("<Response>").Skip(1).Any(r => r.Contains($"<SN>{sn}</SN>", StringComparison.Ordinal))), () => "the gateway answered the six queries:\n" + sipp.Trace(), Wait);
            var trace = Trace();

            var gatewayInfo = Manscdp(trace, "<SN>91</SN>", "Response");
            Assert.Equal("DeviceInfo", gatewayInfo.Element("CmdType")?.Value);
            Assert.Equal(GbGateway.ServerId, gatewayInfo.Element("DeviceID")?.Value);
            Assert.Equal("OK", gatewayInfo.Element("Result")?.Value);
            Assert.Equal("SmartCommunity 网关", gatewayInfo.Element("DeviceName")?.Value);
            // Channel: as many cameras as the catalog lists upward, at least the two of this test.
            Assert.True(int.Parse(gatewayInfo.Element("Channel")!.Value, CultureInfo.InvariantCulture) >= 2, gatewayInfo.ToString());

            var gatewayStatus = Manscdp(trace, "<SN>92</SN>", "Response");
            Assert.Equal(("OK", "ONLINE", "OK", "ON"), (gatewayStatus.Element("Result")?.Value, gatewayStatus.Element("Online")?.Value, gatewayStatus.Element("Status")?.Value,
                gatewayStatus.Element("Record")?.Value));
            // Device time (+08:00 by default, written without a zone): now.
            var deviceTime = DateTime.ParseExact(gatewayStatus.Element("DeviceTime")!.Value, "yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
            Assert.InRange(deviceTime, DateTime.UtcNow.AddHours(8).AddMinutes(-1), DateTime.UtcNow.AddHours(8).AddSeconds(5));

            var cameraInfo = Manscdp(trace, "<SN>93</SN>", "Response");
            Assert.Equal((RecordingCamera, "OK", "河堤监控"), (cameraInfo.Element("DeviceID")?.Value, cameraInfo.Element("Result")?.Value, cameraInfo.Element("DeviceName")?.Value));

            var cameraStatus = Manscdp(trace, "<SN>94</SN>", "Response");
            Assert.Equal(("ONLINE", "OK", "ON", "ON"), (cameraStatus.Element("Online")?.Value, cameraStatus.Element("Status")?.Value, cameraStatus.Element("Encode")?.Value,
                cameraStatus.Element("Record")?.Value));

            var unknownStatus = Manscdp(trace, "<SN>95</SN>", "Response");
            Assert.Equal((UnknownDevice, "ERROR"), (unknownStatus.Element("DeviceID")?.Value, unknownStatus.Element("Result")?.Value));
            Assert.Null(unknownStatus.Element("Online"));
            var downStatus = Manscdp(trace, "<SN>96</SN>", "Response");
            Assert.Equal(("OK", "OFFLINE", "ERROR", "OFF"), (downStatus.Element("Result")?.Value, downStatus.Element("Online")?.Value, downStatus.Element("Status")?.Value,
                downStatus.Element("Record")?.Value));
            Assert.Equal(unknown + 1, await gateway.RefusedAsync("cascade-unknown-device"));
        }
        finally
        {
            foreach (var id in new[] { RecordingCamera, DownCamera })
            {
                await gateway.Api.DeleteAsync("/api/video/cameras/" + id);
            }

            Directory.Delete(directory, recursive: true);
        }
    }
}
