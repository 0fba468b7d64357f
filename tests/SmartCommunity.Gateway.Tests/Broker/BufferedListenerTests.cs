using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using SmartCommunity.Gateway.Tests.Support;
using SmartCommunity.Protocol.Topics;
using SmartCommunity.Testing;

namespace SmartCommunity.Gateway.Tests.Broker;

/// <summary>
/// The embedded broker's buffered plain-TCP listener, driven over a raw socket with hand-encoded MQTT 3.1.1 packets so
/// the test decides how bytes are split: many packets in one segment, a packet a byte at a time, garbage mid-stream.
/// </summary>
public sealed class BufferedListenerTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private readonly RecordingHandler _recorder = new();
    private GatewayFactory _gateway = null!;

    public Task InitializeAsync()
    {
        _gateway = new GatewayFactory(services: s => s.AddSingleton<Gateway.Ingest.IDeviceMessageHandler>(_recorder)).Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task ManyPublishesInOneSegmentAreAllProcessedInOrder()
    {
        using var device = await ConnectRawAsync(_gateway.MqttPort, TestCommunity.LevelStation);
        var burst = new List<byte>();
        for (var seq = 1; seq <= 300; seq++)
        {
            burst.AddRange(Publish(TopicScheme.Telemetry(TestCommunity.LevelStation), Payloads.Level(seq, 1.5)));
        }

        await device.SendAsync(burst.ToArray()); // ~30 KB: far more than one read buffer, split wherever TCP likes

        await Eventually.TrueAsync(() => _recorder.Telemetry.Count >= 300, Timeout, "all 300 readings processed");
        Assert.Equal(Enumerable.Range(1, 300).Select(i => (long)i), _recorder.Telemetry.Select(t => t.Message.Seq));
    }

    [Fact]
    public async Task APacketArrivingAByteAtATimeIsProcessed()
    {
        using var device = await ConnectRawAsync(_gateway.MqttPort, TestCommunity.LevelStation);
        foreach (var b in Publish(TopicScheme.Telemetry(TestCommunity.LevelStation), Payloads.Level(1, 2.25)))
        {
            await device.SendAsync(new[] { b });
            await Task.Delay(2);
        }

        await Eventually.TrueAsync(() => !_recorder.Telemetry.IsEmpty, Timeout, "the dribbled reading processed");
        Assert.Equal(2.25, _recorder.Telemetry.Single().Message.LevelM);
    }

    [Fact]
    public async Task GarbageAfterGoodPacketsClosesThatConnectionOnlyAndCostsNoGoodData()
    {
        using var bad = await ConnectRawAsync(_gateway.MqttPort, TestCommunity.LevelStation);
        var bytes = new List<byte>(Publish(TopicScheme.Telemetry(TestCommunity.LevelStation), Payloads.Level(1, 1.0)));
        bytes.AddRange([0xF0, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F]); // reserved packet type with an impossible length
        await bad.SendAsync(bytes.ToArray());

        await Eventually.TrueAsync(() => !_recorder.Telemetry.IsEmpty, Timeout, "the good reading before the garbage");
        Assert.Equal(0, await ReceiveUntilClosedAsync(bad));

        using var good = await _gateway.ConnectDeviceAsync(TestCommunity.DoorUnit);
        await good.PublishAsync(TopicScheme.Telemetry(TestCommunity.DoorUnit), """{"v":1,"ts":""" + Payloads.NowMs + ""","seq":1,"in_total":3,"out_total":1}""");
        await Eventually.TrueAsync(() => _recorder.Telemetry.Any(t => t.Device == TestCommunity.DoorUnit), Timeout, "another device still gets through");
    }

    [Fact]
    public async Task AnOversizedPacketIsRefusedWithoutTakingTheGatewayDown()
    {
        // Over Ingest:MaxPayloadBytes (16 KB) but within the packet limit: read, then refused by ingest.
        using var device = await ConnectRawAsync(_gateway.MqttPort, TestCommunity.LevelStation);
        await device.SendAsync(Publish(TopicScheme.Telemetry(TestCommunity.LevelStation), new string('x', (16 * 1024) + 100)));
        await Eventually.TrueAsync(() => Rendered().Contains("sc_ingest_rejected_total{reason=\"oversized\"} 1", StringComparison.Ordinal), Timeout, "oversized payload counted");

        // Over the packet limit (payload limit + headers): cut off by the listener as its length is read.
        using var huge = await ConnectRawAsync(_gateway.MqttPort, TestCommunity.Speaker);
        await huge.SendAsync(Publish(TopicScheme.Telemetry(TestCommunity.Speaker), new string('x', 64 * 1024)));
        await Eventually.TrueAsync(() => Rendered().Contains("sc_broker_connections_cut_total{reason=\"packet_too_large\"} 1", StringComparison.Ordinal), Timeout, "oversized packet cut");
        using var again = await _gateway.ConnectDeviceAsync(TestCommunity.DoorUnit);
        Assert.True(again.IsConnected);
    }

    [Fact]
    public async Task WithTheBufferOffDevicesAreServedUnbuffered()
    {
        var recorder = new RecordingHandler();
        await using var plain = new GatewayFactory(settings: new() { ["Broker:ReadBufferBytes"] = "0" },
            services: s => s.AddSingleton<Gateway.Ingest.IDeviceMessageHandler>(recorder)).Start();
        using var device = await ConnectRawAsync(plain.MqttPort, TestCommunity.LevelStation);
        await device.SendAsync(Publish(TopicScheme.Telemetry(TestCommunity.LevelStation), Payloads.Level(1, 3.5)));

        await Eventually.TrueAsync(() => !recorder.Telemetry.IsEmpty, Timeout, "reading unbuffered");
        Assert.Equal(3.5, recorder.Telemetry.Single().Message.LevelM);
    }

    private string Rendered() => _gateway.Get<SmartCommunity.Metrics.PrometheusBridge>().Render();

    /// <summary>Opens a TCP connection, sends CONNECT with the device's credentials and checks the CONNACK says accepted.</summary>
    internal static async Task<Socket> ConnectRawAsync(int port, string deviceId)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var cts = new CancellationTokenSource(Timeout);
        await socket.ConnectAsync("127.0.0.1", port, cts.Token);
        await socket.SendAsync(Connect(deviceId, TestCommunity.SecretOf(deviceId)), cts.Token);
        var connack = new byte[4];
        var read = 0;
        while (read < 4)
        {
            var n = await socket.ReceiveAsync(connack.AsMemory(read), cts.Token);
            Assert.True(n > 0, "connection closed before CONNACK");
            read += n;
        }

        Assert.Equal(new byte[] { 0x20, 0x02, 0x00, 0x00 }, connack);
        return socket;
    }

    private static async Task<int> ReceiveUntilClosedAsync(Socket socket)
    {
        using var cts = new CancellationTokenSource(Timeout);
        var buffer = new byte[256];
        while (true)
        {
            var n = await socket.ReceiveAsync(buffer, cts.Token);
            if (n == 0)
            {
                return 0;
            }
        }
    }

    internal static byte[] Connect(string clientId, string password)
    {
        var body = new List<byte>();
        body.AddRange(String("MQTT"));
        body.Add(4); // MQTT 3.1.1
        body.Add(0xC2); // user name, password, clean session
        body.AddRange([0x00, 0x3C]); // keep-alive 60 s
        body.AddRange(String(clientId));
        body.AddRange(String(clientId));
        body.AddRange(String(password));
        return Packet(0x10, body);
    }

    internal static byte[] Publish(string topic, string payload)
    {
        var body = new List<byte>(String(topic));
        body.AddRange(Encoding.UTF8.GetBytes(payload));
        return Packet(0x30, body); // QoS 0
    }

    private static byte[] Packet(byte header, List<byte> body)
    {
        var packet = new List<byte> { header };
        var length = body.Count;
        do
        {
            var digit = (byte)(length % 128);
            length /= 128;
            packet.Add(length > 0 ? (byte)(digit | 0x80) : digit);
        }
        while (length > 0);

        packet.AddRange(body);
        return [.. packet];
    }

    private static byte[] String(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return [(byte)(bytes.Length >> 8), (byte)bytes.Length, .. bytes];
    }
}
