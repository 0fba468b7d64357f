using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using SmartCommunity.Gb28181.Media;
using SmartCommunity.Gb28181.Tests.Support;
using SmartCommunity.Testing;

namespace SmartCommunity.Gb28181.Tests.Server;

/// <summary>
/// Live video upward (级联, GB/T 28181-2016 §9.2.2.1, the gateway as media sender): SIPp plays the superior and INVITEs
/// a camera of the community; the test is the superior's media server, receiving the RTP the gateway sends (UDP, and
/// TCP with the superior listening), and the real ffprobe decodes the program stream it carries.
/// </summary>
public sealed partial class CascadeTests
{
    private const string UpwardCamera = "34020000001320000201";
    private const string Ssrc = "0440000001";

    [Theory]
    [InlineData("RTP/AVP")]
    [InlineData("TCP/RTP/AVP")]
    public async Task TheSuperiorPlaysACameraOfTheCommunityAndStopsItWithBye(string transport)
    {
        await using var camera = await UpwardCameraAsync();
        var tcp = transport.StartsWith("TCP", StringComparison.Ordinal);
        var packets = new ConcurrentQueue<byte[]>();
        using var receiving = new CancellationTokenSource();
        var mediaPort = FreePort.Next();
        var receiver = tcp ? ReceiveTcpAsync(mediaPort, packets, receiving.Token) : ReceiveUdpAsync(mediaPort, packets, receiving.Token);
        var byes = await gateway.Process.MetricAsync("sc_gb28181_cascade_total", "result=\"media-ended-bye-received\"");

        var values = new Dictionary<string, string>
        {
            ["gateway"] = GbGateway.ServerId, ["upstream"] = CascadeGateway.UpstreamId, ["upstreamRealm"] = CascadeGateway.UpstreamDomain, ["realm"] = GbGateway.Realm,
            ["channel"] = UpwardCamera, ["ssrc"] = Ssrc, ["mediaPort"] = mediaPort.ToString(CultureInfo.InvariantCulture), ["transport"] = transport,
            ["mediaAttributes"] = tcp ? "a=rtpmap:96 PS/90000\na=setup:passive\na=connection:new" : "a=rtpmap:96 PS/90000", ["playMs"] = "6000",
        };
        await using (var sipp = SippProcess.Start(gateway.SipPort, "upstream-invite.xml", values, timeout: "120s"))
        {
            await Eventually.TrueAsync(() => File.Exists(Path.Combine(sipp.Directory, "answered.txt")), () => "the gateway answered the INVITE with a sendonly SDP:\n" + sipp.Trace(), Wait);
            await Eventually.TrueAsync(() => File.Exists(Path.Combine(sipp.Directory, "done.txt")), () => "the BYE was answered:\n" + sipp.Trace(), Wait);
        }

        await Eventually.TrueAsync(async () => await gateway.Process.MetricAsync("sc_gb28181_upstream_streams") == 0, Wait, "the stream upward ended with the BYE");
        Assert.Equal(byes + 1, await gateway.Process.MetricAsync("sc_gb28181_cascade_total", "result=\"media-ended-bye-received\""));
        await Task.Delay(TimeSpan.FromSeconds(1));
        var afterBye = packets.Count;
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(afterBye, packets.Count); // Nothing is sent once the superior said BYE.
        await receiving.CancelAsync();
        await receiver;

        // Every packet is RTP carrying PS for the SSRC the superior named, in sequence (loopback loses none).
        var list = packets.ToList();
        Assert.True(list.Count > 50, $"the superior received RTP ({list.Count} packets)");
        var ps = new MemoryStream();
        ushort? previous = null;
        foreach (var bytes in list)
        {
            Assert.True(RtpPacket.TryParse(bytes, out var packet, out var reason), reason);
            Assert.Equal(440_000_001u, packet.Ssrc);
            Assert.Equal(96, packet.PayloadType);
            if (previous is { } p)
            {
                Assert.Equal(unchecked((ushort)(p + 1)), packet.Sequence);
            }

            previous = packet.Sequence;
            ps.Write(packet.Payload);
        }

        Assert.True(list.Select(b => RtpPacket.TryParse(b, out var packet, out _) ? packet.Timestamp : 0).Distinct().Count() > 10, "timestamps advance with the video");
        var file = Path.Combine(Path.GetTempPath(), $"sc-upward-{Guid.NewGuid():N}.ps");
        await File.WriteAllBytesAsync(file, ps.ToArray());
        try
        {
            Assert.Contains("codec_name=h264", await FfProbe.StreamsAsync(file), StringComparison.Ordinal);
            var frames = await FfProbe.DecodedFramesAsync(file);
            Assert.True(frames >= 50, $"ffprobe decodes the camera's video from what the superior received ({frames} frames in ~6 s at 25 fps)");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("34020000001320000299", "s=Play", "RTP/AVP", 404, "unknown-channel")]
    [InlineData(UpwardCamera, "s=Talk", "RTP/AVP", 488, "session-not-supported")]
    [InlineData(UpwardCamera, "s=Download\r\nt=1700000000 1700000010\r\na=downloadspeed:99", "RTP/AVP", 400, "bad-download-speed")]
    [InlineData(UpwardCamera, "s=Download\r\nt=1700000000 1700000010\r\na=downloadspeed:-4", "RTP/AVP", 400, "bad-download-speed")]
    [InlineData(UpwardCamera, "s=Download", "RTP/AVP", 400, "bad-time-range")] // t=0 0
    [InlineData(UpwardCamera, "s=Download\r\nt=1700000000 1700000010\r\na=downloadspeed:4", "RTP/AVP", 404, "no-footage")]
    [InlineData(UpwardCamera, "s=Playback", "RTP/AVP", 400, "bad-time-range")] // t=0 0
    [InlineData(UpwardCamera, "s=Playback\r\nt=9223372036854775000 9223372036854775010", "RTP/AVP", 400, "bad-time-range")] // Hostile: milliseconds would overflow.
    [InlineData(UpwardCamera, "s=Playback\r\nt=1000 1010", "RTP/AVP", 400, "bad-time-range")] // 1970: a device clock fault, not footage.
    [InlineData(UpwardCamera, "s=Playback\r\nt=1700000000 1700000010", "RTP/AVP", 404, "no-footage")] // The clip camera is not recorded.
    [InlineData(UpwardCamera, "s=Play", "TCP/RTP/AVP\r\na=setup:active", 488, "transport-not-supported")]
    [InlineData(UpwardCamera, "s=Play", "RTP/AVP\r\nc=IN IP4 not-an-address", 400, "bad-sdp")]
    public async Task AnInviteTheGatewayCannotServeIsRefusedWithAReasonAndCounted(string channel, string session, string transport, int status, string reason)
    {
        await using var camera = await UpwardCameraAsync();
        var before = await gateway.RefusedAsync("cascade-invite-" + reason);
        using var client = new RawSipClient(gateway.SipPort);
        var sdp = $"v=0\r\no=x 0 0 IN IP4 127.0.0.1\r\nt=0 0\r\n{session}\r\nc=IN IP4 127.0.0.1\r\nm=video 9 {transport} 96\r\na=recvonly\r\ny={Ssrc}\r\n";
        var invite = Encoding.ASCII.GetBytes(
            $"INVITE sip:{channel}@{GbGateway.Realm} SIP/2.0\r\nVia: SIP/2.0/UDP {client.Local};branch=z9hG4bKi{Guid.NewGuid():N}\r\n" +
            $"From: <sip:{CascadeGateway.UpstreamId}@{CascadeGateway.UpstreamDomain}>;tag=x\r\nTo: <sip:{channel}@{GbGateway.Realm}>\r\nCall-ID: {Guid.NewGuid():N}\r\nCSeq: 1 INVITE\r\n" +
            $"Content-Type: APPLICATION/SDP\r\nContent-Length: {sdp.Length}\r\n\r\n{sdp}");

        Assert.Equal(status, (await client.RequestAsync(invite, Wait))?.StatusCode);
        Assert.Equal(before + 1, await gateway.RefusedAsync("cascade-invite-" + reason));
        Assert.Equal(0, await gateway.Process.MetricAsync("sc_gb28181_upstream_streams"));
    }

    /// <summary>
    /// A GB/T 28181 camera of the community whose stream is a clip on disk (ffmpeg reads it as a live camera, looped);
    /// removed again when disposed, so that the catalog test's count holds whichever test runs first.
    /// </summary>
    private async Task<IAsyncDisposable> UpwardCameraAsync()
    {
        var directory = Directory.CreateTempSubdirectory("sc-upward-").FullName;
        var clip = await PsRtpSender.EncodeClipFileAsync(4, "mp4", Path.Combine(directory, "east-gate.mp4"));
        var put = await gateway.Api.PutAsJsonAsync("/api/video/cameras/" + UpwardCamera, new
        {
            name = "东门枪机 (上级调阅)", cellId = "c1", mainUrl = new Uri(clip).AbsoluteUri,
            recording = new { enabled = false, segmentSeconds = 10, retentionDays = 7 },
        });
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        return new Cleanup(async () =>
        {
            var deleted = await gateway.Api.DeleteAsync("/api/video/cameras/" + UpwardCamera);
            Assert.True(deleted.IsSuccessStatusCode, await deleted.Content.ReadAsStringAsync());
            Directory.Delete(directory, recursive: true);
        });
    }

    private sealed class Cleanup(Func<Task> run) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await run();
    }

    private static async Task ReceiveUdpAsync(int port, ConcurrentQueue<byte[]> packets, CancellationToken stop)
    {
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, port));
        try
        {
            while (true)
            {
                packets.Enqueue((await udp.ReceiveAsync(stop)).Buffer);
            }
        }
        catch (OperationCanceledException)
        {
            // The test has what it needs.
        }
    }

    private static async Task ReceiveTcpAsync(int port, ConcurrentQueue<byte[]> packets, CancellationToken stop)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        try
        {
            using var connection = await listener.AcceptTcpClientAsync(stop);
            var stream = connection.GetStream();
            var framer = new Rfc4571Framer();
            var buffer = new byte[64 * 1024];
            int read;
            while ((read = await stream.ReadAsync(buffer, stop)) > 0)
            {
                framer.Add(buffer.AsSpan(0, read), packet => packets.Enqueue(packet.ToArray()));
            }
        }
        catch (OperationCanceledException)
        {
            // The test has what it needs.
        }
        finally
        {
            listener.Stop();
        }
    }
}
