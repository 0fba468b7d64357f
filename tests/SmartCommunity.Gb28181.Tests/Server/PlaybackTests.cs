using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SmartCommunity.Gb28181.Tests.Support;
using SmartCommunity.Testing;

namespace SmartCommunity.Gb28181.Tests.Server;

/// <summary>
/// Playback sessions against SIPp NVRs (GB/T 28181-2016 §9.8): the end of the device's file (§9.8.3,
/// <c>Notify</c>/<c>MediaStatus</c> NotifyType 121) ends a download with BYE, after an unknown NotifyType and a malformed
/// MediaStatus that are answered and counted without ending anything; seek, speed, pause and resume from the API reach
/// the device as MANSRTSP in INFO.
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
        var offer = await OfferAsync(sipp);
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

    [Fact]
    public async Task SeekSpeedPauseAndResumeReachTheDeviceAsMansRtspInInfoAndImpossibleControlsAreRefused()
    {
        const string channel = "34020000001310090002";
        var values = PlaybackValues(GbGateway.RecordsNvr, channel, "RTP/AVP", "f=", 15060);
        var clip = await PsRtpSender.EncodeClipAsync(6);
        await using var sipp = SippProcess.Start(gateway.SipPort, "camera-register.xml", values, outOfCall: "camera-playback-control.xml", timeout: "300s");
        await Eventually.TrueAsync(async () => await gateway.DeviceAsync(channel) is not null, Wait, "the catalog names the channel");

        using var response = await StartAsync(gateway, channel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var id = Assert.Single(response.Headers.GetValues("X-Playback-Id"));
        var offer = await OfferAsync(sipp);
        var download = response.Content.ReadAsByteArrayAsync();
        // Media flows meanwhile, so the playback does not end for want of RTP.
        var sending = PsRtpSender.SendUdpAsync(PsRtpSender.Packetize(clip, uint.Parse(offer[1], CultureInfo.InvariantCulture), 6), 6, int.Parse(offer[0], CultureInfo.InvariantCulture));

        // Impossible controls: refused before anything is sent, each counted.
        var refused = await gateway.RefusedAsync("api-bad-playback-control");
        foreach (var bad in (object[])[new { action = "jump" }, new { action = "scale", scale = 3.0 }, new { action = "seek", position = 600 }, new { action = "seek", position = -1 }, new { action = "seek" }])
        {
            var answer = await gateway.Api.PostAsJsonAsync($"/api/gb28181/playbacks/{id}/control", bad);
            Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
            Assert.Equal("invalid_playback_control", (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        }

        Assert.Equal(refused + 5, await gateway.RefusedAsync("api-bad-playback-control"));
        Assert.Equal(HttpStatusCode.NotFound, (await gateway.Api.PostAsJsonAsync("/api/gb28181/playbacks/0123456789abcdef/control", new { action = "pause" })).StatusCode);

        foreach (var control in (object[])[new { action = "seek", position = 120 }, new { action = "scale", scale = 2.0 }, new { action = "pause" }, new { action = "resume" }])
        {
            var answer = await gateway.Api.PostAsJsonAsync($"/api/gb28181/playbacks/{id}/control", control);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        }

        // The device saw the four MANSRTSP bodies of Appendix B, in order; then its file ended, and with it the playback.
        var path = Path.Combine(sipp.Directory, "mansrtsp.txt");
        string[] Lines() => File.Exists(path) ? [.. File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0)] : [];
        await Eventually.TrueAsync(() => Lines().Length >= 4, () => "SIPp wrote four MANSRTSP bodies: " + string.Join(" | ", Lines()), Wait);
        var lines = Lines();
        Assert.Equal(["PLAY Range: npt=120-", "PLAY Scale: 2.0", "PAUSE PauseTime: now", "PLAY Range: npt=now-"], lines);
        await download.WaitAsync(Wait);
        await sending.WaitAsync(Wait);
        await Eventually.TrueAsync(() => File.Exists(Path.Combine(sipp.Directory, "playback-ended.txt")), () => "SIPp answered the BYE:\n" + sipp.Trace(), Wait);
        Assert.Equal(HttpStatusCode.NotFound, (await gateway.Api.PostAsJsonAsync($"/api/gb28181/playbacks/{id}/control", new { action = "pause" })).StatusCode);
        Assert.Equal(4, await Streams("playback-control-answered"));
    }

    private Task<double> Streams(string change) => gateway.Process.MetricAsync("sc_gb28181_streams_total", $"change=\"{change}\"");

    /// <summary>What SIPp wrote of the INVITE (port, SSRC, s=, a=setup): its exec runs in a shell of its own, so the file may come a moment after the 200.</summary>
    internal static async Task<string[]> OfferAsync(SippProcess sipp)
    {
        var path = Path.Combine(sipp.Directory, "invite.txt");
        string[] Read() => File.Exists(path) ? File.ReadAllText(path).Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries) : [];
        await Eventually.TrueAsync(() => Read().Length >= 3, () => "SIPp wrote the INVITE's offer:\n" + sipp.Trace(), Wait);
        return Read();
    }

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
