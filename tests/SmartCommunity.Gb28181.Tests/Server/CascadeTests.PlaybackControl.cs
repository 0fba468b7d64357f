using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using SmartCommunity.Gb28181.Media;
using SmartCommunity.Gb28181.Tests.Support;
using SmartCommunity.Testing;

namespace SmartCommunity.Gb28181.Tests.Server;

/// <summary>
/// Playback control from the superior (级联, GB/T 28181-2016 §9.8.2, MANSRTSP in INFO): SIPp plays back eight seconds
/// of a recorded camera, pauses after one (no RTP arrives while paused), is refused a speed the standard does not have,
/// and seeks to six seconds in; what arrives is decoded with the real ffprobe, and is about three seconds of video,
/// not eight.
/// </summary>
public sealed partial class CascadeTests
{
    private const string ControlledCamera = "34020000001320000205";

    [Fact]
    public async Task TheSuperiorPausesAndSeeksAPlaybackAndRefusesASpeedTheStandardHasNot()
    {
        var directory = Directory.CreateTempSubdirectory("sc-upward-control-").FullName;
        var clip = await PsRtpSender.EncodeClipFileAsync(8, "mp4", Path.Combine(directory, "gate.mp4"));
        var put = await gateway.Api.PutAsJsonAsync("/api/video/cameras/" + ControlledCamera, new
        {
            name = "避难所侧门", cellId = "c1", mainUrl = new Uri(clip).AbsoluteUri,
            recording = new { enabled = true, segmentSeconds = 2, retentionDays = 7 },
        });
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        try
        {
            var since = DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeMilliseconds();
            JsonElement segments = default;
            await Eventually.TrueAsync(async () =>
            {
                segments = await gateway.Api.GetFromJsonAsync<JsonElement>($"/api/video/cameras/{ControlledCamera}/segments?from={since}&to={DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeMilliseconds()}");
                return segments.GetArrayLength() >= 5 && Ms(segments[segments.GetArrayLength() - 1], "end") - Ms(segments[0], "start") >= 10_000;
            }, Wait, "the gateway recorded ten seconds of the camera");
            var startUnix = (Ms(segments[0], "start") / 1000) + 1;
            var arrivals = new ConcurrentQueue<(DateTimeOffset At, byte[] Bytes)>();
            using var receiving = new CancellationTokenSource();
            var mediaPort = FreePort.Next();
            var receiver = ReceiveTimedUdpAsync(mediaPort, arrivals, receiving.Token);
            var (pauses, plays, badScales) = (await Cascades("control-pause"), await Cascades("control-play"), await gateway.RefusedAsync("cascade-control-bad-scale"));

            var values = new Dictionary<string, string>
            {
                ["gateway"] = GbGateway.ServerId, ["upstream"] = CascadeGateway.UpstreamId, ["upstreamRealm"] = CascadeGateway.UpstreamDomain, ["realm"] = GbGateway.Realm,
                ["channel"] = ControlledCamera, ["ssrc"] = "1440000005", ["mediaPort"] = mediaPort.ToString(CultureInfo.InvariantCulture),
                ["startUnix"] = startUnix.ToString(CultureInfo.InvariantCulture), ["endUnix"] = (startUnix + 8).ToString(CultureInfo.InvariantCulture), ["seek"] = "6",
            };
            await using (var sipp = SippProcess.Start(gateway.SipPort, "upstream-playback-control.xml", values, outOfCall: "upstream-ooc.xml", timeout: "180s",
                localPort: CascadeGateway.UpstreamPort))
            {
                await Eventually.TrueAsync(() => File.Exists(Path.Combine(sipp.Directory, "done.txt")), () => "the gateway paused, sought, played to the end and said BYE:\n" + sipp.Trace(), Wait);
                DateTimeOffset Stamp(string name) => DateTimeOffset.FromUnixTimeMilliseconds(
                    (long)(double.Parse(File.ReadAllText(Path.Combine(sipp.Directory, name + ".txt")).Trim(), CultureInfo.InvariantCulture) * 1000));
                var (paused, resumed) = (Stamp("paused"), Stamp("resumed"));
                Assert.True(resumed - paused >= TimeSpan.FromSeconds(2.5), $"paused {paused:O}, resumed {resumed:O}");

                // Nothing is sent while paused (packets already on their way land within a few hundred milliseconds).
                var during = arrivals.Count(a => a.At > paused.AddMilliseconds(500) && a.At < resumed);
                Assert.True(during == 0, $"{during} RTP packets arrived while paused");
                Assert.Contains(arrivals, a => a.At < paused);
                Assert.Contains(arrivals, a => a.At > resumed);
            }

            Assert.Equal(pauses + 1, await Cascades("control-pause"));
            Assert.Equal(plays + 1, await Cascades("control-play"));
            Assert.Equal(badScales + 1, await gateway.RefusedAsync("cascade-control-bad-scale"));
            await receiving.CancelAsync();
            await receiver;

            var ps = new MemoryStream();
            foreach (var (_, bytes) in arrivals)
            {
                Assert.True(RtpPacket.TryParse(bytes, out var packet, out var reason), reason);
                Assert.Equal(1_440_000_005u, packet.Ssrc);
                ps.Write(packet.Payload);
            }

            var file = Path.Combine(directory, "received.ps");
            await File.WriteAllBytesAsync(file, ps.ToArray());
            var frames = await FfProbe.DecodedFramesAsync(file);
            // About a second before the pause and two after the seek, at 25 fps, each run starting at the key frame (one
            // a second) at or before its position: 75 to 125 frames. All eight seconds would be 200 or more.
            Assert.InRange(frames, 50, 130);
        }
        finally
        {
            await gateway.Api.DeleteAsync("/api/video/cameras/" + ControlledCamera);
            Directory.Delete(directory, recursive: true);
        }
    }

    private Task<double> Cascades(string result) => gateway.Process.MetricAsync("sc_gb28181_cascade_total", $"result=\"{result}\"");

    private static async Task ReceiveTimedUdpAsync(int port, ConcurrentQueue<(DateTimeOffset, byte[])> arrivals, CancellationToken stop)
    {
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, port));
        try
        {
            while (true)
            {
                var received = await udp.ReceiveAsync(stop);
                arrivals.Enqueue((DateTimeOffset.UtcNow, received.Buffer));
            }
        }
        catch (OperationCanceledException)
        {
            // The test has what it needs.
        }
    }
}
