using System.Globalization;
using System.Net;
using SmartCommunity.Gb28181.Tests.Support;
using SmartCommunity.Testing;

namespace SmartCommunity.Gb28181.Tests.Server;

/// <summary>
/// Playback sessions against SIPp NVRs (GB/T 28181-2016 §9.8): the end of the device's file (§9.8.3,
/// <c>Notify</c>/<c>MediaStatus</c> NotifyType 121) ends a download with BYE, after an unknown NotifyType and a malformed
/// MediaStatus that are answered and counted without ending anything.
/// </summary>
public sealed class PlaybackTests(GbGateway gateway) : IClassFixture<GbGateway>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task MediaStatus121EndsThePlaybackWithByeAndBadMediaStatusesAreCountedOnly()
    {
        const string channel = "34020000001310090001";
        var values = PlaybackValues(GbGateway.PlaybackNvr, channel, "RTP/AVP", "f=", 15060);
        values["pause"] = "5000";
        var unknownType = await gateway.RefusedAsync("mediastatus-unknown-type");
        var badXml = await gateway.RefusedAsync("manscdp-bad-xml");
        var fileEnd = await Streams("playback-ended-file-end");
        var mediaTimeout = await Streams("playback-ended-media-timeout");
        var byeAnswered = await Streams("playback-bye-answered");
        var clip = await PsRtpSender.EncodeClipAsync(2);
        await using var sipp = SippProcess.Start(gateway.SipPort, "camera-register.xml", values, outOfCall: "camera-playback-end.xml", timeout: "300s");
        await Eventually.TrueAsync(async () => await gateway.DeviceAsync(channel) is not null, Wait, "the catalog names the channel");

        using var response = await StartAsync(gateway, channel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var offer = File.ReadAllText(Path.Combine(sipp.Directory, "invite.txt")).Trim().Split(' ');
        Assert.Equal("Playback", offer[2]);
        var download = response.Content.ReadAsByteArrayAsync();
        await PsRtpSender.SendUdpAsync(PsRtpSender.Packetize(clip, uint.Parse(offer[1], CultureInfo.InvariantCulture), 2), 2, int.Parse(offer[0], CultureInfo.InvariantCulture));

        // SIPp's file ends: the gateway sends BYE (SIPp answers it) and the download ends, well before the media timeout.
        await download.WaitAsync(Wait);
        await Eventually.TrueAsync(() => File.Exists(Path.Combine(sipp.Directory, "playback-ended.txt")), () => "SIPp answered the BYE:\n" + sipp.Trace(), Wait);
        Assert.Equal(fileEnd + 1, await Streams("playback-ended-file-end"));
        Assert.Equal(mediaTimeout, await Streams("playback-ended-media-timeout"));
        Assert.Equal(byeAnswered + 1, await Streams("playback-bye-answered"));
        Assert.Equal(unknownType + 1, await gateway.RefusedAsync("mediastatus-unknown-type"));
        Assert.Equal(badXml + 1, await gateway.RefusedAsync("manscdp-bad-xml"));
    }

    private Task<double> Streams(string change) => gateway.Process.MetricAsync("sc_gb28181_streams_total", $"change=\"{change}\"");

    internal static Dictionary<string, string> PlaybackValues(string device, string channel, string sdpTransport, string sdpSetup, int answerPort)
    {
        var values = GbGateway.Values(device, GbGateway.LivePassword);
        values["channel"] = channel;
        values["name"] = "回放通道";
        values["sdpTransport"] = sdpTransport;
        values["sdpSetup"] = sdpSetup;
        values["answerPort"] = answerPort.ToString(CultureInfo.InvariantCulture);
        return values;
    }

    /// <summary>Asks the API for ten minutes of the channel's recording two hours ago; the answer starts once the device accepted.</summary>
    internal static async Task<HttpResponseMessage> StartAsync(GbGateway gateway, string channel)
    {
        var start = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddHours(-2).ToUnixTimeSeconds());
        string Iso(DateTimeOffset t) => Uri.EscapeDataString(t.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/gb28181/channels/{channel}/playback?start={Iso(start)}&end={Iso(start.AddMinutes(10))}");
        return await gateway.Api.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }
}
