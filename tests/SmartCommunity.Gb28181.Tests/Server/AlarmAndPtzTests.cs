using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SmartCommunity.Gb28181.Tests.Support;
using SmartCommunity.Testing;

namespace SmartCommunity.Gb28181.Tests.Server;

/// <summary>Alarm notifications from a SIPp NVR into the real gateway's ingest as camera events, and PTZ from the API to a SIPp NVR.</summary>
public sealed class AlarmAndPtzTests(GbGateway gateway) : IClassFixture<GbGateway>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task AnIntrusionAlarmBecomesACameraEventAndForeignOrMalformedAlarmsAreRefusedAndCounted()
    {
        const string channel = "34020000001310050001";
        var values = GbGateway.Values(GbGateway.AlarmNvr, GbGateway.LivePassword);
        values["channel"] = channel;
        values["other"] = GbGateway.Nvr; // Registered, but not this NVR's.
        values["name"] = "堤坝一号";
        values["sdpTransport"] = "RTP/AVP";
        values["sdpSetup"] = "f=";
        var foreign = await gateway.RefusedAsync("alarm-foreign-device");
        var badField = await gateway.RefusedAsync("alarm-bad-field");
        var unmapped = await gateway.RefusedAsync("alarm-unmapped");
        await using var sipp = SippProcess.Start(gateway.SipPort, "camera-alarm.xml", values, outOfCall: "camera-live.xml", timeout: "300s");

        // The intrusion (AlarmMethod 5, AlarmType 6) is a zone_enter event of the channel, with a footage link.
        JsonElement events = default;
        await Eventually.TrueAsync(async () =>
        {
            // 404 until the catalog has made the channel a camera.
            using var response = await gateway.Api.GetAsync($"/api/video/events?camera={channel}&type=zone_enter");
            return response.IsSuccessStatusCode && (events = await response.Content.ReadFromJsonAsync<JsonElement>()).GetArrayLength() > 0;
        }, Wait, "the alarm arrives as a camera event");
        var first = events[0];
        Assert.Equal("gb28181-intrusion", first.GetProperty("event").GetProperty("zone").GetString());
        Assert.StartsWith($"/api/video/cameras/{channel}/footage", first.GetProperty("footage").GetString(), StringComparison.Ordinal);

        // The others are answered (200, GB/T 28181-2016 §9.3) but refused, each with its reason.
        await Eventually.TrueAsync(async () => await gateway.RefusedAsync("alarm-unmapped") > unmapped, Wait, "the telephone alarm is refused");
        Assert.Equal(foreign + 1, await gateway.RefusedAsync("alarm-foreign-device"));
        Assert.Equal(badField + 1, await gateway.RefusedAsync("alarm-bad-field"));
        // The refused intrusion with priority 9 made no second event.
        Assert.Equal(1, (await gateway.Api.GetFromJsonAsync<JsonElement>($"/api/video/events?camera={channel}&type=zone_enter")).GetArrayLength());

        // Each alarm gets its notification response (GB/T 28181-2016 §9.4.2) with its own SN: OK for the accepted one, ERROR for the refused three.
        var path = Path.Combine(sipp.Directory, "alarm-responses.txt");
        string[] Results() => File.Exists(path) ? [.. File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0)] : [];
        await Eventually.TrueAsync(() => Results().Length >= 4, () => "SIPp saw four alarm responses: " + string.Join(",", Results()), Wait);
        Assert.Equal(["ERROR", "ERROR", "ERROR", "OK"], Results().Select(l => l.Split(' ')[1]).Order(StringComparer.Ordinal));
        Assert.Equal(4, Results().Select(l => l.Split(' ')[0]).Distinct().Count());
    }

    [Fact]
    public async Task PtzFromTheApiReachesTheChannelAsADeviceControlWithTheStandardsEightBytes()
    {
        const string channel = "34020000001310060001";
        var values = GbGateway.Values(GbGateway.PtzNvr, GbGateway.LivePassword);
        values["channel"] = channel;
        values["name"] = "云台一号";
        await using var sipp = SippProcess.Start(gateway.SipPort, "camera-register.xml", values, outOfCall: "camera-ptz.xml", timeout: "300s");
        await Eventually.TrueAsync(async () => await gateway.DeviceAsync(channel) is not null, Wait, "the catalog names the channel");

        // Steering is public security's (and admins'): a guard of the camera's own cell and an emergency officer are
        // refused with 403 and the stable code, and nothing reaches the device (SIPp below sees only the admin's two).
        foreach (var (person, role, duty) in new[] { ("ptz-guard", "guard", "Guard"), ("ptz-emergency", "emergency", "Staff") })
        {
            using var client = await gateway.PersonAsync(person, role, duty);
            var refused = await client.PostAsJsonAsync($"/api/gb28181/channels/{channel}/ptz", new { motion = new[] { "right" }, panSpeed = 200 });
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Equal("forbidden", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        }

        var moved = await gateway.Api.PostAsJsonAsync($"/api/gb28181/channels/{channel}/ptz", new { motion = new[] { "left", "up" }, panSpeed = 100, tiltSpeed = 50, zoomSpeed = 0 });
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        var stopped = await gateway.Api.PostAsJsonAsync($"/api/gb28181/channels/{channel}/ptz", new { motion = Array.Empty<string>() });
        Assert.Equal(HttpStatusCode.OK, stopped.StatusCode);

        // A5 0F 01 | 0A (left 02 + up 08) | pan 64 | tilt 32 | zoom 0, address high 0 | checksum (A5+0F+01+0A+64+32+00) mod 256 = 55.
        // SIPp writes the file after its 200, so the second line may come a moment after the API answered.
        var ptz = Path.Combine(sipp.Directory, "ptz.txt");
        string[] Lines() => File.Exists(ptz) ? [.. File.ReadAllLines(ptz).Select(l => l.Trim()).Where(l => l.Length > 0)] : [];
        await Eventually.TrueAsync(() => Lines().Length >= 2, () => "SIPp saw both commands: " + string.Join(",", Lines()), Wait);
        // Each command is its own SIPp call, whose shell appends to the file: the two lines may land in either order.
        Assert.Equal(["A50F0100000000B5", "A50F010A64320055"], Lines().Order(StringComparer.Ordinal));

        // Impossible commands, unknown channels and offline devices are refused with a reason.
        var both = await gateway.Api.PostAsJsonAsync($"/api/gb28181/channels/{channel}/ptz", new { motion = new[] { "left", "right" } });
        Assert.Equal(HttpStatusCode.BadRequest, both.StatusCode);
        var unknown = await gateway.Api.PostAsJsonAsync("/api/gb28181/channels/34020000001310069999/ptz", new { motion = new[] { "up" } });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        var offline = await gateway.Api.PostAsJsonAsync($"/api/gb28181/channels/{GbGateway.Nvr}/ptz", new { motion = new[] { "up" } });
        Assert.True(offline.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Conflict, offline.StatusCode.ToString());
    }
}
