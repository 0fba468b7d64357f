using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SmartCommunity.Gb28181.Tests.Support;
using SmartCommunity.Testing;

namespace SmartCommunity.Gb28181.Tests.Server;

/// <summary>
/// RecordInfo (GB/T 28181-2016 §9.7.1) and playback (§9.8) from the API to a SIPp NVR and back (the playback's PS is a
/// real ffmpeg encoding sent as RTP by the test), and the API's refusals of bad time ranges.
/// </summary>
public sealed class RecordsAndPlaybackTests(GbGateway gateway) : IClassFixture<GbGateway>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan China = TimeSpan.FromHours(8);

    [Fact]
    public async Task TheRecordingsOfAChannelAreAskedInDeviceTimeAndCollectedOverSeveralMessagesUntilSumNum()
    {
        const string channel = "34020000001310070001";
        // Whole minutes in the past, in the devices' zone (+08:00, the default DeviceUtcOffset).
        var now = DateTimeOffset.UtcNow.ToOffset(China);
        var t1 = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, China).AddHours(-3);
        string Local(DateTimeOffset t) => t.ToOffset(China).ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        var values = GbGateway.Values(GbGateway.RecordsNvr, GbGateway.LivePassword);
        values["channel"] = channel;
        values["name"] = "录像通道一";
        values["t1"] = Local(t1);
        values["t2"] = Local(t1.AddMinutes(30));
        values["t3"] = Local(t1.AddMinutes(60));
        values["t4"] = Local(t1.AddMinutes(70));
        var stray = await gateway.RefusedAsync("recordinfo-stray");
        await using var sipp = SippProcess.Start(gateway.SipPort, "camera-register.xml", values, outOfCall: "camera-records.xml", timeout: "300s");
        await Eventually.TrueAsync(async () => await gateway.DeviceAsync(channel) is not null, Wait, "the catalog names the channel");

        // Asked in UTC; the device is asked in its own time.
        var start = t1.AddMinutes(-10).ToUniversalTime();
        var end = t1.AddHours(2).ToUniversalTime();
        var response = await gateway.Api.GetAsync($"/api/gb28181/channels/{channel}/records?start={Iso(start)}&end={Iso(end)}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(body.GetProperty("complete").GetBoolean());
        Assert.Equal(3, body.GetProperty("sumNum").GetInt32());
        var records = body.GetProperty("records").EnumerateArray().ToList();
        Assert.Equal(["/rec/1", "/rec/2", "/rec/3"], records.Select(r => r.GetProperty("filePath").GetString()));
        Assert.Equal(["time", "alarm", "manual"], records.Select(r => r.GetProperty("type").GetString()));
        Assert.Equal("录像通道一", records[0].GetProperty("name").GetString());
        Assert.Equal(t1, records[0].GetProperty("start").GetDateTimeOffset());
        Assert.Equal(t1.AddMinutes(70), records[2].GetProperty("end").GetDateTimeOffset());
        Assert.Equal(1_048_576, records[0].GetProperty("fileSize").GetInt64());

        var asked = Path.Combine(sipp.Directory, "recordinfo.txt");
        Assert.Equal($"{Local(start)} {Local(end)}", File.ReadAllText(asked).Trim());
        // SIPp then answers with an SN no query waits for.
        await Eventually.TrueAsync(async () => await gateway.RefusedAsync("recordinfo-stray") > stray, Wait, "the stray answer is refused");
    }

    [Fact]
    public async Task ARecordingIsPlayedBackFromTheDeviceIntoADownloadThatFfprobeReads()
    {
        const string channel = "34020000001310070002";
        const int seconds = 6;
        var values = GbGateway.Values(GbGateway.RecordsNvr, GbGateway.LivePassword);
        values["channel"] = channel;
        values["name"] = "回放通道";
        foreach (var t in (string[])["t1", "t2", "t3", "t4"])
        {
            values[t] = "2026-12-03T08:00:00";
        }

        var clip = await PsRtpSender.EncodeClipAsync(seconds);
        var byeBefore = await gateway.Process.MetricAsync("sc_gb28181_streams_total", "change=\"playback-bye-answered\"");
        await using var sipp = SippProcess.Start(gateway.SipPort, "camera-register.xml", values, outOfCall: "camera-records.xml", timeout: "300s");
        await Eventually.TrueAsync(async () => await gateway.DeviceAsync(channel) is not null, Wait, "the catalog names the channel");

        var start = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddHours(-2).ToUnixTimeSeconds());
        var end = start.AddMinutes(10);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/gb28181/channels/{channel}/playback?start={Iso(start)}&end={Iso(end)}");
        // The answer starts once the device accepted the INVITE; its body is the stream.
        using var response = await gateway.Api.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("video/MP2P", response.Content.Headers.ContentType?.MediaType);

        // The offer: a playback SSRC (Appendix F: first digit 1) and the range as Unix seconds (t=).
        // SIPp's exec runs in a shell of its own: the file may come a moment after the 200.
        var invite = Path.Combine(sipp.Directory, "invite-Playback.txt");
        await Eventually.TrueAsync(() => File.Exists(invite) && File.ReadAllText(invite).Trim().Split(' ').Length >= 4, Wait, "SIPp wrote the playback INVITE's offer");
        var offer = File.ReadAllText(invite).Trim().Split(' ');
        Assert.Equal('1', offer[1][0]);
        Assert.Equal([start.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), end.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)], offer[2..4]);
        var file = Path.Combine(sipp.Directory, "playback.mpg");
        await using (var output = File.Create(file))
        {
            var download = response.Content.CopyToAsync(output);
            var packets = PsRtpSender.Packetize(clip, uint.Parse(offer[1], CultureInfo.InvariantCulture), seconds);
            await PsRtpSender.SendUdpAsync(packets, seconds, int.Parse(offer[0], CultureInfo.InvariantCulture));
            // The device sends no more: the gateway ends the playback (media timeout), the download ends, and BYE goes to the device.
            await download.WaitAsync(Wait);
        }

        var length = new FileInfo(file).Length;
        Assert.True(length > clip.Length / 2, $"the download holds most of the {clip.Length} bytes sent, not {length}: " + string.Join(" ", File.ReadAllBytes(file).Take(64).Select(b => b.ToString("X2", CultureInfo.InvariantCulture))));
        var probe = await FfProbe.StreamsAsync(file);
        Assert.Contains("codec_name=h264", probe, StringComparison.Ordinal);
        Assert.Contains("width=320", probe, StringComparison.Ordinal);
        await Eventually.TrueAsync(async () => await gateway.Process.MetricAsync("sc_gb28181_streams_total", "change=\"playback-bye-answered\"") > byeBefore, Wait,
            "the gateway ends the playback with BYE, which SIPp answers");
    }

    [Theory]
    [InlineData("", "2026-01-01T00:00:00Z")]
    [InlineData("yesterday", "2026-01-01T00:00:00Z")]
    [InlineData("2026-01-01T00:00:00", "2026-01-01T01:00:00")] // no offset: whose local time?
    [InlineData("2026-01-02T00:00:00Z", "2026-01-01T00:00:00Z")] // end before start
    [InlineData("2025-01-01T00:00:00Z", "2025-06-01T00:00:00Z")] // longer than 31 days
    [InlineData("1970-01-01T00:00:00Z", "1970-01-02T00:00:00Z")] // before 2000
    [InlineData("2099-01-01T00:00:00Z", "2099-01-02T00:00:00Z")] // in the future
    [InlineData("2026-01-01T00:00:00+99:00", "2026-01-02T00:00:00Z")] // impossible offset
    public async Task AnImpossibleTimeRangeIsRefusedWithItsCodeAndCountedForRecordsAndPlayback(string start, string end)
    {
        foreach (var call in (string[])["records", "playback"])
        {
            var before = await gateway.RefusedAsync("api-bad-time-range");
            var response = await gateway.Api.GetAsync($"/api/gb28181/channels/34020000001310070001/{call}?start={Uri.EscapeDataString(start)}&end={Uri.EscapeDataString(end)}");

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("invalid_time_range", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
            Assert.Equal(before + 1, await gateway.RefusedAsync("api-bad-time-range"));
        }
    }

    [Fact]
    public async Task RecordsOfAnUnknownChannelAreNotFound()
    {
        var now = DateTimeOffset.UtcNow;
        var response = await gateway.Api.GetAsync($"/api/gb28181/channels/34020000001310079999/records?start={Iso(now.AddHours(-1))}&end={Iso(now)}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private static string Iso(DateTimeOffset t) => Uri.EscapeDataString(t.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
}
