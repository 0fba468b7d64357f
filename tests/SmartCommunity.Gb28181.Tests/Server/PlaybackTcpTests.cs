using System.Globalization;
using System.Net;
using System.Net.Sockets;
using SmartCommunity.Gb28181.Media;
using SmartCommunity.Gb28181.Tests.Support;
using SmartCommunity.Testing;

namespace SmartCommunity.Gb28181.Tests.Server;

/// <summary>
/// Playback over TCP (GB/T 28181-2016 §9.8 with RFC 4571 framing): passive (the gateway listens, the device connects,
/// <c>a=setup:passive</c> in the offer) and active (the gateway connects to the port the device's answer names,
/// <c>a=setup:active</c>). The device is SIPp; its media is ffmpeg-made PS sent by the test; ffprobe reads the download.
/// </summary>
public sealed class PlaybackTcpTests(GbGateway gateway) : IClassFixture<GbGateway>
{
    private const int Seconds = 4;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task APlaybackOverPassiveTcpIsReceivedFromTheDevicesConnectionAndEndsWhenItCloses()
    {
        const string channel = "34020000001310090003";
        var values = PlaybackTests.PlaybackValues(GbGateway.PlaybackNvrTcp, channel, "TCP/RTP/AVP", "a=setup:active", 9);
        await PlayAsync(values, channel, "passive", async (offer, packets) => await PsRtpSender.SendTcpAsync(packets, Seconds, int.Parse(offer[0], CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task APlaybackOverActiveTcpConnectsToTheDevicesAnsweredPort()
    {
        const string channel = "34020000001310090004";
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var values = PlaybackTests.PlaybackValues(GbGateway.PlaybackNvrTcpActive, channel, "TCP/RTP/AVP", "a=setup:passive", port);
        await PlayAsync(values, channel, "active", async (_, packets) =>
        {
            using var accepted = await listener.AcceptTcpClientAsync().WaitAsync(Wait);
            var stream = accepted.GetStream();
            await PsRtpSender.SendAsync(packets, Seconds, async p => await stream.WriteAsync(Rfc4571Framer.Frame(p)));
        });
    }

    /// <summary>Starts the playback, checks the offer's a=setup, sends the clip the given way, and checks the download and the BYE.</summary>
    private async Task PlayAsync(Dictionary<string, string> values, string channel, string setup, Func<string[], List<byte[]>, Task> send)
    {
        var clip = await PsRtpSender.EncodeClipAsync(Seconds);
        var tcpClosed = await gateway.Process.MetricAsync("sc_gb28181_streams_total", "change=\"playback-ended-tcp-closed\"");
        await using var sipp = SippProcess.Start(gateway.SipPort, "camera-register.xml", values, outOfCall: "camera-playback-bye.xml", timeout: "300s");
        await Eventually.TrueAsync(async () => await gateway.DeviceAsync(channel) is not null, Wait, "the catalog names the channel");

        using var response = await PlaybackTests.StartAsync(gateway, channel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var offer = await PlaybackTests.OfferAsync(sipp);
        Assert.Equal(["Playback", setup], offer.Length >= 4 ? offer[2..4] : offer);
        var file = Path.Combine(sipp.Directory, "playback.mpg");
        await using (var output = File.Create(file))
        {
            var download = response.Content.CopyToAsync(output);
            await send(offer, PsRtpSender.Packetize(clip, uint.Parse(offer[1], CultureInfo.InvariantCulture), Seconds));
            // The sender closed its connection: the gateway ends the playback (BYE) and the download ends.
            await download.WaitAsync(Wait);
        }

        var length = new FileInfo(file).Length;
        Assert.True(length > clip.Length / 2, $"the download holds most of the {clip.Length} bytes sent, not {length}");
        var probe = await FfProbe.StreamsAsync(file);
        Assert.Contains("codec_name=h264", probe, StringComparison.Ordinal);
        Assert.Contains("width=320", probe, StringComparison.Ordinal);
        await Eventually.TrueAsync(() => File.Exists(Path.Combine(sipp.Directory, "playback-ended.txt")), () => "SIPp answered the BYE:\n" + sipp.Trace(), Wait);
        Assert.Equal(tcpClosed + 1, await gateway.Process.MetricAsync("sc_gb28181_streams_total", "change=\"playback-ended-tcp-closed\""));
    }
}
