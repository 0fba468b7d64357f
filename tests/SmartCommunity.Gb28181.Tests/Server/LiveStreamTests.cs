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
/// Live video from a GB/T 28181 device (SIPp answering the gateway's INVITE, a test sender packing a real
/// ffmpeg-encoded MPEG-PS into RTP) through the real gateway process into recording and frame analysis.
/// </summary>
public sealed class LiveStreamTests(GbGateway gateway) : IClassFixture<GbGateway>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(120);
    private const int ClipSeconds = 24;

    [Theory]
    [InlineData("u1", GbGateway.LiveNvr, "340200000013100" + "30001")]
    [InlineData("t1", GbGateway.LiveNvrTcp, "340200000013100" + "40001")]
    public async Task AChannelIsInvitedAndItsPsOverRtpIsRecordedAndAnalysedLikeAnRtspCamera(string sipTransport, string nvr, string channel)
    {
        var tcpMedia = nvr == GbGateway.LiveNvrTcp;
        var values = GbGateway.Values(nvr, GbGateway.LivePassword);
        values["channel"] = channel;
        values["name"] = "闸口一号";
        values["sdpTransport"] = tcpMedia ? "TCP/RTP/AVP" : "RTP/AVP";
        values["sdpSetup"] = tcpMedia ? "a=setup:active" : "f=";
        var clip = await PsRtpSender.EncodeClipAsync(ClipSeconds);
        var since = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds();
        var lostBefore = await gateway.Process.MetricAsync("sc_gb28181_media_total", "result=\"rtp-lost\"");
        var reorderedBefore = await gateway.Process.MetricAsync("sc_gb28181_media_total", "result=\"rtp-reordered\"");
        var byeBefore = await gateway.Process.MetricAsync("sc_gb28181_streams_total", "change=\"bye-answered\"");
        await using var sipp = SippProcess.Start(gateway.SipPort, "camera-register.xml", values, outOfCall: "camera-live.xml", transport: sipTransport, timeout: "300s");

        // The catalog makes the channel a camera; its recorder reads the relay, which INVITEs the channel.
        var invite = Path.Combine(sipp.Directory, "invite.txt");
        await Eventually.TrueAsync(() => File.Exists(invite) && File.ReadAllText(invite).Trim().Contains(' ', StringComparison.Ordinal),
            () => "the gateway INVITEs the channel\n" + sipp.Trace(), Wait);
        var offer = File.ReadAllText(invite).Trim().Split(' ');
        var (port, ssrc) = (int.Parse(offer[0], CultureInfo.InvariantCulture), uint.Parse(offer[1], CultureInfo.InvariantCulture));
        Assert.Equal('0', offer[1][0]); // GB/T 28181-2016 Appendix F: a live SSRC starts with 0.

        // A lossy network: every 40th packet swapped with its neighbour, every 300th lost.
        var packets = PsRtpSender.Packetize(clip, ssrc, ClipSeconds);
        var dropped = PsRtpSender.Disorder(packets, swapEvery: 40, dropEvery: 300);
        if (tcpMedia)
        {
            await PsRtpSender.SendTcpAsync(packets, ClipSeconds, port);
        }
        else
        {
            await SendWithHostileNeighboursAsync(packets, port);
        }

        // Real footage: a closed segment of the channel, read back through the API, is H.264 at the clip's size.
        JsonElement segments = default;
        await Eventually.TrueAsync(async () => (segments = await gateway.Api.GetFromJsonAsync<JsonElement>(
            $"/api/video/cameras/{channel}/segments?from={since}&to={DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeMilliseconds()}")).GetArrayLength() > 0, Wait, "a segment is recorded");
        var url = segments[0].GetProperty("url").GetString()!;
        var file = Path.Combine(Path.GetTempPath(), $"sc-gb-segment-{Guid.NewGuid():N}.ts");
        try
        {
            await File.WriteAllBytesAsync(file, await gateway.Api.GetByteArrayAsync(url));
            var probe = await FfProbe.StreamsAsync(file);
            Assert.Contains("codec_name=h264", probe, StringComparison.Ordinal);
            Assert.Contains("width=320", probe, StringComparison.Ordinal);
            Assert.Contains("height=240", probe, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }

        // Frame analysis decoded the same stream.
        var analysis = await gateway.Api.GetFromJsonAsync<JsonElement>("/api/video/analysis/" + channel);
        Assert.True(analysis.GetProperty("framesDecoded").GetInt64() > 0, analysis.ToString());

        // Reordering was absorbed and the loss counted (TCP does not lose; UDP here lost what the sender dropped).
        if (!tcpMedia)
        {
            await Eventually.TrueAsync(async () => await gateway.Process.MetricAsync("sc_gb28181_media_total", "result=\"rtp-lost\"") >= lostBefore + dropped, Wait, "the lost packets are counted");
        }

        Assert.True(await gateway.Process.MetricAsync("sc_gb28181_media_total", "result=\"rtp-reordered\"") > reorderedBefore);

        // The sender stopped: the readers time out, and once nothing needs the stream the gateway sends BYE, which SIPp answers.
        await Eventually.TrueAsync(async () => await gateway.Process.MetricAsync("sc_gb28181_streams_total", "change=\"bye-answered\"") > byeBefore, Wait,
            "the gateway ends the stream with BYE");

        // The NVR loses power. It is a device: device_offline. Its channel is a camera: camera_down, as an RTSP camera
        // without a stream, and no device_offline besides.
        await sipp.KillAsync();
        await Eventually.TrueAsync(() => HasAlertAsync("device_offline", "device", nvr), Wait, "the NVR raises device_offline");
        await Eventually.TrueAsync(() => HasAlertAsync("camera_down", "camera", channel), Wait, "the channel raises camera_down");
        Assert.False(await HasAlertAsync("device_offline", "device", channel));
    }

    /// <summary>
    /// A device behind a firewall that lets nothing out asks for active TCP (TCP-ACTIVE): the offer says a=setup:active
    /// with the discard port, the device answers the port it listens on, and the gateway connects there and records.
    /// </summary>
    [Fact]
    public async Task AChannelOfADeviceAskingForActiveTcpIsFetchedByTheGatewayConnectingToTheAnsweredPort()
    {
        const string channel = "34020000001310100001";
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var values = GbGateway.Values(GbGateway.LiveNvrTcpActive, GbGateway.LivePassword);
        values["channel"] = channel;
        values["name"] = "闸口主动";
        values["sdpTransport"] = "TCP/RTP/AVP";
        values["sdpSetup"] = "a=setup:passive";
        values["sdpPort"] = ((IPEndPoint)listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);
        var clip = await PsRtpSender.EncodeClipAsync(ClipSeconds);
        var since = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds();
        await using var sipp = SippProcess.Start(gateway.SipPort, "camera-register.xml", values, outOfCall: "camera-live.xml", timeout: "300s");

        var invite = Path.Combine(sipp.Directory, "invite.txt");
        await Eventually.TrueAsync(() => File.Exists(invite) && File.ReadAllText(invite).Trim().Split(' ').Length == 3,
            () => "the gateway INVITEs the channel\n" + sipp.Trace(), Wait);
        var offer = File.ReadAllText(invite).Trim().Split(' ');
        Assert.Equal(("9", "active"), (offer[0], offer[2])); // RFC 4145: the offerer connects; port 9, discard

        using var accepted = await listener.AcceptTcpClientAsync().WaitAsync(Wait);
        var stream = accepted.GetStream();
        await PsRtpSender.SendAsync(PsRtpSender.Packetize(clip, uint.Parse(offer[1], CultureInfo.InvariantCulture), ClipSeconds), ClipSeconds,
            async p => await stream.WriteAsync(Rfc4571Framer.Frame(p)));

        JsonElement segments = default;
        await Eventually.TrueAsync(async () => (segments = await gateway.Api.GetFromJsonAsync<JsonElement>(
            $"/api/video/cameras/{channel}/segments?from={since}&to={DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeMilliseconds()}")).GetArrayLength() > 0, Wait, "a segment is recorded");
        var analysis = await gateway.Api.GetFromJsonAsync<JsonElement>("/api/video/analysis/" + channel);
        Assert.True(analysis.GetProperty("framesDecoded").GetInt64() > 0, analysis.ToString());
    }

    private async Task<bool> HasAlertAsync(string type, string kind, string id)
    {
        var alerts = await gateway.Api.GetFromJsonAsync<JsonElement>($"/api/alerts?type={type}&limit=1000");
        return alerts.EnumerateArray().Any(a => a.GetProperty("source").GetProperty("kind").GetString() == kind && a.GetProperty("source").GetProperty("id").GetString() == id);
    }

    /// <summary>Sends the stream while a stranger (another loopback address) and garbage datagrams hit the same port.</summary>
    private async Task SendWithHostileNeighboursAsync(List<byte[]> packets, int port)
    {
        var foreignBefore = await gateway.Process.MetricAsync("sc_gb28181_media_total", "result=\"rtp-foreign-source\"");
        var malformedBefore = await gateway.Process.MetricAsync("sc_gb28181_media_total", "result=\"rtp-malformed\"");
        using (var stranger = new UdpClient(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0)))
        using (var garbage = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0)))
        {
            var target = new IPEndPoint(IPAddress.Loopback, port);
            for (var i = 0; i < 20; i++)
            {
                await stranger.SendAsync(packets[i], target);
                await garbage.SendAsync(new byte[] { 0x12, 0x34, (byte)i }, target);
            }
        }

        await PsRtpSender.SendUdpAsync(packets, ClipSeconds, port);
        await Eventually.TrueAsync(async () => await gateway.Process.MetricAsync("sc_gb28181_media_total", "result=\"rtp-foreign-source\"") >= foreignBefore + 20, Wait, "RTP from a stranger is counted");
        await Eventually.TrueAsync(async () => await gateway.Process.MetricAsync("sc_gb28181_media_total", "result=\"rtp-malformed\"") >= malformedBefore + 20, Wait, "garbage datagrams are counted");
    }
}
