using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Xml.Linq;
using SmartCommunity.Gb28181.Manscdp;
using SmartCommunity.Gb28181.Media;
using SmartCommunity.Gb28181.Tests.Support;
using SmartCommunity.Testing;

namespace SmartCommunity.Gb28181.Tests.Server;

/// <summary>
/// Footage upward (级联, GB/T 28181-2016 §9.7.1 RecordInfo and §9.8 playback, the gateway as the lower platform): a
/// camera of the community is recorded by the gateway; SIPp as the superior asks which recordings it has and plays
/// four seconds of them; the test is the superior's media server and the real ffprobe decodes what arrives.
/// </summary>
public sealed partial class CascadeTests
{
    private const string RecordedCamera = "34020000001320000202";
    private static readonly TimeSpan DeviceOffset = TimeSpan.FromHours(8);

    [Theory]
    [InlineData("Playback", 1)]
    [InlineData("Download", 4)] // §9.9: a=downloadspeed:4, the same footage sent at four times real time.
    public async Task TheSuperiorFindsAndPlaysBackTheGatewaysRecordingsAndTheGatewayEndsThePlaybackAtTheirEnd(string session, int speed)
    {
        var directory = Directory.CreateTempSubdirectory("sc-upward-rec-").FullName;
        var clip = await PsRtpSender.EncodeClipFileAsync(8, "mp4", Path.Combine(directory, "shelter-door.mp4"));
        var put = await gateway.Api.PutAsJsonAsync("/api/video/cameras/" + RecordedCamera, new
        {
            name = "避难所大门", cellId = "c1", mainUrl = new Uri(clip).AbsoluteUri,
            recording = new { enabled = true, segmentSeconds = 2, retentionDays = 7 },
        });
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        try
        {
            // At least six seconds of footage, then four of them are asked for, from the first whole second.
            var since = DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeMilliseconds();
            JsonElement segments = default;
            await Eventually.TrueAsync(async () =>
            {
                segments = await gateway.Api.GetFromJsonAsync<JsonElement>($"/api/video/cameras/{RecordedCamera}/segments?from={since}&to={DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeMilliseconds()}");
                return segments.GetArrayLength() >= 3 && Ms(segments[segments.GetArrayLength() - 1], "end") - Ms(segments[0], "start") >= 6_000;
            }, Wait, "the gateway recorded six seconds of the camera");
            var startUnix = (Ms(segments[0], "start") / 1000) + 1;
            var endUnix = startUnix + 4;
            using var receiving = new CancellationTokenSource();
            var mediaPort = FreePort.Next();
            var arrivals = new ConcurrentQueue<(DateTimeOffset At, byte[] Bytes)>();
            var receiver = ReceiveTimedUdpAsync(mediaPort, arrivals, receiving.Token);
            var fileEnds = await gateway.Process.MetricAsync("sc_gb28181_cascade_total", "result=\"media-ended-file-end\"");

            var values = new Dictionary<string, string>
            {
                ["gateway"] = GbGateway.ServerId, ["upstream"] = CascadeGateway.UpstreamId, ["upstreamRealm"] = CascadeGateway.UpstreamDomain, ["realm"] = GbGateway.Realm,
                ["channel"] = RecordedCamera, ["ssrc"] = "1440000002", ["mediaPort"] = mediaPort.ToString(CultureInfo.InvariantCulture),
                ["from"] = DeviceTime(startUnix - 600), ["to"] = DeviceTime(endUnix + 600),
                ["startUnix"] = startUnix.ToString(CultureInfo.InvariantCulture), ["endUnix"] = endUnix.ToString(CultureInfo.InvariantCulture),
                ["session"] = session,
                ["mediaAttributes"] = "a=rtpmap:96 PS/90000" + (session == "Download" ? "\na=downloadspeed:" + speed.ToString(CultureInfo.InvariantCulture) : ""),
            };
            await using (var sipp = SippProcess.Start(gateway.SipPort, "upstream-playback.xml", values, outOfCall: "upstream-ooc.xml", timeout: "180s",
                localPort: CascadeGateway.UpstreamPort))
            {
                await Eventually.TrueAsync(() => File.Exists(Path.Combine(sipp.Directory, "done.txt")), () => "the gateway played the footage and ended with BYE:\n" + sipp.Trace(), Wait);
                var trace = string.Concat(Directory.GetFiles(sipp.Directory, "*_messages.log").Select(f => ManscdpEncoding.Gb18030.GetString(File.ReadAllBytes(f))));

                // The recordings answer (A.2.6.6): one span of this camera covering the asked four seconds, in device time.
                var records = Manscdp(trace, "<CmdType>RecordInfo</CmdType>", "Response");
                Assert.Equal("88", records.Element("SN")?.Value);
                Assert.Equal("1", records.Element("SumNum")?.Value);
                var item = Assert.Single(records.Element("RecordList")!.Elements("Item"));
                Assert.Equal(RecordedCamera, item.Element("DeviceID")?.Value);
                Assert.Equal("避难所大门", item.Element("Name")?.Value);
                Assert.True(DateTime.Parse(item.Element("StartTime")!.Value, CultureInfo.InvariantCulture) <= DateTime.Parse(DeviceTime(startUnix), CultureInfo.InvariantCulture));
                Assert.True(DateTime.Parse(item.Element("EndTime")!.Value, CultureInfo.InvariantCulture) >= DateTime.Parse(DeviceTime(endUnix), CultureInfo.InvariantCulture));

                // The end of the footage was announced (MediaStatus 121) before the gateway's BYE.
                Assert.Equal("121", Manscdp(trace, "<CmdType>MediaStatus</CmdType>", "Notify").Element("NotifyType")?.Value);
            }

            Assert.Equal(fileEnds + 1, await gateway.Process.MetricAsync("sc_gb28181_cascade_total", "result=\"media-ended-file-end\""));
            await receiving.CancelAsync();
            await receiver;
            // Four seconds of footage (up to a second more from the key frame before the start) took that long at real
            // time, and about a quarter of it at four times.
            var span = arrivals.Max(a => a.At) - arrivals.Min(a => a.At);
            Assert.True(speed == 1 ? span >= TimeSpan.FromSeconds(3) : span < TimeSpan.FromSeconds(3), $"{session} at x{speed} arrived over {span}");
            var ps = new MemoryStream();
            foreach (var (_, bytes) in arrivals)
            {
                Assert.True(RtpPacket.TryParse(bytes, out var packet, out var reason), reason);
                Assert.Equal(1_440_000_002u, packet.Ssrc);
                ps.Write(packet.Payload);
            }

            var file = Path.Combine(directory, "received.ps");
            await File.WriteAllBytesAsync(file, ps.ToArray());
            var frames = await FfProbe.DecodedFramesAsync(file);
            // Four seconds at 25 fps; stream copy starts at the key frame (one a second) at or before the asked start.
            Assert.InRange(frames, 90, 130);
        }
        finally
        {
            await gateway.Api.DeleteAsync("/api/video/cameras/" + RecordedCamera);
            Directory.Delete(directory, recursive: true);
        }
    }

    private static long Ms(JsonElement segment, string name) => segment.GetProperty(name).GetDateTimeOffset().ToUnixTimeMilliseconds();

    private static string DeviceTime(long unix) => DateTimeOffset.FromUnixTimeSeconds(unix).ToOffset(DeviceOffset).ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>The first MANSCDP body with root <paramref name="root"/> in SIPp's trace that holds <paramref name="marker"/>, parsed.</summary>
    private static XElement Manscdp(string trace, string marker, string root)
    {
        for (var start = trace.IndexOf("<" + root + ">", StringComparison.Ordinal); start >= 0; start = trace.IndexOf("<" + root + ">", start + 1, StringComparison.Ordinal))
        {
            var end = trace.IndexOf("</" + root + ">", start, StringComparison.Ordinal);
            if (end > start && trace[start..end].Contains(marker, StringComparison.Ordinal))
            {
                return XElement.Parse(trace[start..(end + root.Length + 3)]);
            }
        }

        Assert.Fail($"SIPp received no {root} with {marker}");
        return null!;
    }
}
