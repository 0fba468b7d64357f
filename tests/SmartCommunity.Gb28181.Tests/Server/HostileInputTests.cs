using System.Net.Sockets;
using System.Text;
using SmartCommunity.Gb28181.Sip;
using SmartCommunity.Gb28181.Tests.Support;
using SmartCommunity.Testing;

namespace SmartCommunity.Gb28181.Tests.Server;

/// <summary>What a stranger can send the SIP port: each case refused or absorbed with a counted reason, and the gateway stays up.</summary>
public sealed class HostileInputTests(GbGateway gateway) : IClassFixture<GbGateway>
{
    private static readonly TimeSpan Answer = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task GarbageAndOversizedDatagramsAreCountedAndDropped()
    {
        var malformed = await gateway.RefusedAsync("bad-start-line");
        var oversized = await gateway.RefusedAsync("oversized");
        using var client = new RawSipClient(gateway.SipPort);
        await client.SendAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
        await client.SendAsync(Encoding.ASCII.GetBytes("REGISTER sip:a@b SIP/2.0\r\nX-Big: " + new string('a', GbGateway.MaxMessageBytes + 100) + "\r\n\r\n"));

        await Eventually.TrueAsync(async () => await gateway.RefusedAsync("bad-start-line") > malformed, Answer);
        await Eventually.TrueAsync(async () => await gateway.RefusedAsync("oversized") > oversized, Answer);
        Assert.False(gateway.Process.HasExited);
    }

    [Fact]
    public async Task AGarbledTcpStreamIsCutAndCounted()
    {
        var before = await gateway.RefusedAsync("bad-start-line");
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", gateway.SipPort);
        await tcp.GetStream().WriteAsync(Encoding.ASCII.GetBytes("\x16\x03\x01 not sip at all\r\n\r\n"));

        // The gateway closes the connection: the read ends with 0 bytes (or a reset).
        var buffer = new byte[16];
        int read;
        try
        {
            read = await tcp.GetStream().ReadAsync(buffer).AsTask().WaitAsync(Answer);
        }
        catch (IOException)
        {
            read = 0;
        }

        Assert.Equal(0, read);
        Assert.Equal(before + 1, await gateway.RefusedAsync("bad-start-line"));
    }

    [Fact]
    public async Task AReplayedRegisterIsChallengedAgainNotRegistered()
    {
        using var client = new RawSipClient(gateway.SipPort);
        var challenge = await client.RequestAsync(client.Register(GbGateway.Ipc, 1), Answer);
        Assert.Equal(401, challenge?.StatusCode);
        var signed = client.Register(GbGateway.Ipc, 2, RawSipClient.Authorization(challenge!, GbGateway.Ipc, GbGateway.IpcPassword));
        Assert.Equal(200, (await client.RequestAsync(signed, Answer))?.StatusCode);

        var replays = await gateway.RefusedAsync("replayed-digest");
        var again = await client.RequestAsync(signed, Answer);

        Assert.Equal(401, again?.StatusCode);
        Assert.Equal(replays + 1, await gateway.RefusedAsync("replayed-digest"));
    }

    [Fact]
    public async Task AMessageFromADeviceThatIsNotRegisteredIsRefused()
    {
        var before = await gateway.RefusedAsync("not-registered");
        using var client = new RawSipClient(gateway.SipPort);
        var body = "<?xml version=\"1.0\"?><Notify><CmdType>Keepalive</CmdType><SN>1</SN><DeviceID>34020000001320000555</DeviceID><Status>OK</Status></Notify>";
        var message = Encoding.ASCII.GetBytes(
            $"MESSAGE sip:{GbGateway.ServerId}@{GbGateway.Realm} SIP/2.0\r\nVia: SIP/2.0/UDP {client.Local};branch=z9hG4bKm1\r\n" +
            $"From: <sip:34020000001320000555@{GbGateway.Realm}>;tag=x\r\nTo: <sip:{GbGateway.ServerId}@{GbGateway.Realm}>\r\nCall-ID: m1\r\nCSeq: 1 MESSAGE\r\n" +
            $"Content-Type: Application/MANSCDP+xml\r\nContent-Length: {body.Length}\r\n\r\n{body}");

        Assert.Equal(403, (await client.RequestAsync(message, Answer))?.StatusCode);
        Assert.Equal(before + 1, await gateway.RefusedAsync("not-registered"));
    }

    [Fact]
    public async Task ARegistrationFloodFromOneAddressIsCutOffWhileOthersStillRegister()
    {
        // The flood comes from 127.0.0.7, so the per-address limit binds it alone. Requests go one by one (a burst of
        // datagrams could be lost in the socket buffer, which would test the kernel, not the gateway).
        var before = await gateway.RefusedAsync("register-flood");
        using var flood = new RawSipClient(gateway.SipPort, "127.0.0.7");
        var answered = 0;
        for (var i = 1; i <= GbGateway.MaxRegistersPerMinute * 3; i++)
        {
            if (await flood.RequestAsync(flood.Register(GbGateway.Ipc, i), TimeSpan.FromSeconds(3)) is null)
            {
                break;
            }

            answered++;
        }

        // The limit counts per clock minute, so a run that straddles a minute boundary may be answered a little more.
        Assert.InRange(answered, GbGateway.MaxRegistersPerMinute, GbGateway.MaxRegistersPerMinute * 2);
        await Eventually.TrueAsync(async () => await gateway.RefusedAsync("register-flood") > before, Answer, "the flood is counted");
        using var device = new RawSipClient(gateway.SipPort, "127.0.0.8");
        Assert.Equal(401, (await device.RequestAsync(device.Register(GbGateway.Ipc, 1), Answer))?.StatusCode);
        Assert.False(gateway.Process.HasExited);
    }

    [Fact]
    public async Task AResentMessageGetsTheSameAnswerAndIsHandledOnce()
    {
        using var client = new RawSipClient(gateway.SipPort);
        var challenge = await client.RequestAsync(client.Register(GbGateway.Ipc, 1), Answer);
        Assert.Equal(200, (await client.RequestAsync(client.Register(GbGateway.Ipc, 2, RawSipClient.Authorization(challenge!, GbGateway.Ipc, GbGateway.IpcPassword)), Answer))?.StatusCode);
        var unmapped = await gateway.RefusedAsync("alarm-unmapped");
        var absorbed = await gateway.RefusedAsync("retransmission-absorbed");
        // A telephone alarm (AlarmMethod 1) has no camera event: each handling counts alarm-unmapped once.
        var alarm = Message(client, "z9hG4bKresent1", 7,
            $"<Notify><CmdType>Alarm</CmdType><SN>41</SN><DeviceID>{GbGateway.Ipc}</DeviceID><AlarmPriority>1</AlarmPriority><AlarmMethod>1</AlarmMethod></Notify>");

        var first = await client.RequestAsync(alarm, Answer);
        var again = await client.RequestAsync(alarm, Answer); // As a device resends when the 200 was lost (RFC 3261 timer E).

        Assert.Equal(200, first?.StatusCode);
        Assert.Equal(200, again?.StatusCode);
        Assert.Equal(SipUri.Param(first!.Get("To"), "tag"), SipUri.Param(again!.Get("To"), "tag"));
        Assert.Equal(unmapped + 1, await gateway.RefusedAsync("alarm-unmapped"));
        Assert.Equal(absorbed + 1, await gateway.RefusedAsync("retransmission-absorbed"));
    }

    [Fact]
    public async Task RecordInfoAnswersAndMediaStatusNoQueryOrPlaybackWaitsForAreCountedNotTrusted()
    {
        using var client = new RawSipClient(gateway.SipPort);
        var challenge = await client.RequestAsync(client.Register(GbGateway.Ipc, 1), Answer);
        Assert.Equal(200, (await client.RequestAsync(client.Register(GbGateway.Ipc, 2, RawSipClient.Authorization(challenge!, GbGateway.Ipc, GbGateway.IpcPassword)), Answer))?.StatusCode);
        var stray = await gateway.RefusedAsync("recordinfo-stray");
        var noPlayback = await gateway.RefusedAsync("mediastatus-no-playback");
        var badXml = await gateway.RefusedAsync("manscdp-bad-xml");

        var unasked = Message(client, "z9hG4bKstray1", 8,
            $"<Response><CmdType>RecordInfo</CmdType><SN>77777</SN><DeviceID>{GbGateway.Ipc}</DeviceID><SumNum>1</SumNum><RecordList><Item><DeviceID>{GbGateway.Ipc}</DeviceID><StartTime>2026-12-03T08:00:00</StartTime><EndTime>2026-12-03T09:00:00</EndTime></Item></RecordList></Response>");
        var fileEnd = Message(client, "z9hG4bKstray2", 9, $"<Notify><CmdType>MediaStatus</CmdType><SN>78</SN><DeviceID>{GbGateway.Ipc}</DeviceID><NotifyType>121</NotifyType></Notify>");
        var broken = Message(client, "z9hG4bKstray3", 10, $"<Response><CmdType>RecordInfo</CmdType><SN>79</SN><DeviceID>{GbGateway.Ipc}</DeviceID><RecordList><Item>");

        Assert.Equal(200, (await client.RequestAsync(unasked, Answer))?.StatusCode);
        Assert.Equal(200, (await client.RequestAsync(fileEnd, Answer))?.StatusCode);
        Assert.Equal(400, (await client.RequestAsync(broken, Answer))?.StatusCode);
        Assert.Equal(stray + 1, await gateway.RefusedAsync("recordinfo-stray"));
        Assert.Equal(noPlayback + 1, await gateway.RefusedAsync("mediastatus-no-playback"));
        Assert.Equal(badXml + 1, await gateway.RefusedAsync("manscdp-bad-xml"));
    }

    private static byte[] Message(RawSipClient client, string branch, int cseq, string xml)
    {
        var body = Encoding.ASCII.GetBytes("<?xml version=\"1.0\" encoding=\"GB2312\"?>\r\n" + xml);
        return [.. Encoding.ASCII.GetBytes(
            $"MESSAGE sip:{GbGateway.ServerId}@{GbGateway.Realm} SIP/2.0\r\nVia: SIP/2.0/UDP {client.Local};rport;branch={branch}\r\n" +
            $"From: <sip:{GbGateway.Ipc}@{GbGateway.Realm}>;tag=h1\r\nTo: <sip:{GbGateway.ServerId}@{GbGateway.Realm}>\r\nCall-ID: {branch}@test\r\nCSeq: {cseq} MESSAGE\r\n" +
            $"Content-Type: Application/MANSCDP+xml\r\nContent-Length: {body.Length}\r\n\r\n"), .. body];
    }
}
