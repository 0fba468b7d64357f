using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using SmartCommunity.Gb28181.Tests.Support;
using SmartCommunity.Testing;

namespace SmartCommunity.Gb28181.Tests.Server;

/// <summary>
/// Subscriptions (GB/T 28181-2016 §9.11): the gateway subscribes a SIPp NVR to Catalog and Alarm after its catalog,
/// takes the NOTIFYs of changes and alarms, and refuses out-of-order, malformed, wrong-event and dialog-less NOTIFYs
/// with their SIP status and a counted reason.
/// </summary>
public sealed class SubscriptionTests(GbGateway gateway) : IClassFixture<GbGateway>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task CatalogChangesAndAlarmsArriveByNotifyAndBadNotifiesAreRefusedWithAReason()
    {
        const string ch1 = "34020000001310080001", ch2 = "34020000001310080002", ch3 = "34020000001310080003";
        var values = GbGateway.Values(GbGateway.SubscribeNvr, GbGateway.LivePassword);
        values["ch1"] = ch1;
        values["ch2"] = ch2;
        values["ch3"] = ch3;
        values["name1"] = "北门一号";
        values["name2"] = "北门二号";
        values["name3"] = "新增通道";
        var outOfOrder = await gateway.RefusedAsync("notify-cseq-out-of-order");
        var badXml = await gateway.RefusedAsync("manscdp-bad-xml");
        var wrongEvent = await gateway.RefusedAsync("notify-wrong-event");
        await using var sipp = SippProcess.Start(gateway.SipPort, "camera-register.xml", values, outOfCall: "camera-subscribe.xml", timeout: "300s");

        // The Catalog NOTIFY: a channel added (with its GB18030 name), one OFF and one with video lost.
        await Eventually.TrueAsync(() => File.Exists(Path.Combine(sipp.Directory, "catalog-notify.txt")), () => "SIPp went through its catalog NOTIFYs:\n" + sipp.Trace() + "\ngateway:\n" + gateway.Process.RecentOutput, Wait);
        var added = await gateway.DeviceAsync(ch3);
        Assert.NotNull(added);
        Assert.Equal("新增通道", added.Value.GetProperty("name").GetString());
        Assert.Equal(GbGateway.SubscribeNvr, added.Value.GetProperty("attributes").GetProperty("gb28181.parent").GetString());
        // (ch2's alarm, below, may already have brought it back online: an event is a sign of life.)
        await Eventually.TrueAsync(async () => !await gateway.OnlineAsync(ch1), Wait, "OFF takes the channel offline");
        Assert.Equal("OFF", (await gateway.DeviceAsync(ch1))!.Value.GetProperty("attributes").GetProperty("gb28181.status").GetString());
        Assert.Equal("OFF", (await gateway.DeviceAsync(ch2))!.Value.GetProperty("attributes").GetProperty("gb28181.status").GetString());
        Assert.Equal("北门一号", (await gateway.DeviceAsync(ch1))!.Value.GetProperty("name").GetString());

        // The repeated CSeq (500; the reason phrase is the plain one: SIPp reads a CSeq method from the first "CSeq" in a response, even in its status line), the malformed body and the alarm in the catalog dialog (400 each) were refused and counted;
        // the repeated CSeq's ON did not bring the channel back.
        Assert.Equal(outOfOrder + 1, await gateway.RefusedAsync("notify-cseq-out-of-order"));
        Assert.Equal(badXml + 1, await gateway.RefusedAsync("manscdp-bad-xml"));
        Assert.Equal(wrongEvent + 1, await gateway.RefusedAsync("notify-wrong-event"));
        Assert.False(await gateway.OnlineAsync(ch1));

        // The alarm NOTIFY is a camera event, as an alarm MESSAGE is.
        await Eventually.TrueAsync(() => File.Exists(Path.Combine(sipp.Directory, "alarm-notify.txt")), () => "SIPp sent its alarm NOTIFY:\n" + sipp.Trace(), Wait);
        await Eventually.TrueAsync(async () =>
        {
            using var response = await gateway.Api.GetAsync($"/api/video/events?camera={ch2}&type=zone_enter");
            return response.IsSuccessStatusCode && (await response.Content.ReadFromJsonAsync<JsonElement>()).GetArrayLength() == 1;
        }, Wait, "the alarm NOTIFY arrives as a camera event");
        Assert.Equal(1, await gateway.Process.MetricAsync("sc_gb28181_messages_total", "cmd=\"AlarmNotify\""));
    }

    [Fact]
    public async Task ANotifyOutsideASubscriptionGets481AndAnOversizedOneIsDropped()
    {
        using var client = new RawSipClient(gateway.SipPort);
        var challenge = await client.RequestAsync(client.Register(GbGateway.Ipc, 1), Wait);
        Assert.Equal(200, (await client.RequestAsync(client.Register(GbGateway.Ipc, 2, RawSipClient.Authorization(challenge!, GbGateway.Ipc, GbGateway.IpcPassword)), Wait))?.StatusCode);

        var unknown = await gateway.RefusedAsync("notify-unknown-subscription");
        var body = $"<?xml version=\"1.0\"?><Notify><CmdType>Catalog</CmdType><SN>1</SN><DeviceID>{GbGateway.Ipc}</DeviceID><SumNum>0</SumNum></Notify>";
        Assert.Equal(481, (await client.RequestAsync(Notify(client, "no-such-dialog", body), Wait))?.StatusCode);
        Assert.Equal(unknown + 1, await gateway.RefusedAsync("notify-unknown-subscription"));

        var oversized = await gateway.RefusedAsync("oversized");
        await client.SendAsync(Notify(client, "no-such-dialog", body + new string(' ', GbGateway.MaxMessageBytes)));
        await Eventually.TrueAsync(async () => await gateway.RefusedAsync("oversized") > oversized, Wait, "the oversized NOTIFY is counted");
        Assert.False(gateway.Process.HasExited);
    }

    private static byte[] Notify(RawSipClient client, string callId, string body) => Encoding.ASCII.GetBytes(
        $"NOTIFY sip:{GbGateway.ServerId}@{GbGateway.Realm} SIP/2.0\r\nVia: SIP/2.0/UDP {client.Local};branch=z9hG4bK{Guid.NewGuid():N}\r\n" +
        $"From: <sip:{GbGateway.Ipc}@{GbGateway.Realm}>;tag=n1\r\nTo: <sip:{GbGateway.ServerId}@{GbGateway.Realm}>;tag=n2\r\nCall-ID: {callId}\r\nCSeq: 1 NOTIFY\r\n" +
        $"Event: Catalog\r\nSubscription-State: active\r\nContent-Type: Application/MANSCDP+xml\r\nContent-Length: {body.Length}\r\n\r\n{body}");
}
