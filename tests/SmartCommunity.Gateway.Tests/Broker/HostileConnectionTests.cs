using System.Net;
using System.Net.Sockets;
using MQTTnet;
using SmartCommunity.Testing;

namespace SmartCommunity.Gateway.Tests.Broker;

/// <summary>
/// Issue 19, memory before trust, against a real gateway process (its RSS read from /proc): 8 connections declaring a
/// 128 MB CONNECT took it from 135 MB to 1.1 GB, 2 000 garbage connections to 905 MB, and an authenticated 200 MB
/// PUBLISH was read whole before the 16 KB check. Memory bounds are generous (+50 MB): the point is hundreds of MB.
/// </summary>
public sealed class HostileConnectionTests(HostileConnectionTests.Gateway fixture) : IClassFixture<HostileConnectionTests.Gateway>
{
    private const double RssSlackMegabytes = 50;
    private const int Megabyte = 1024 * 1024;

    [Fact]
    public async Task ConnectionsDeclaringA128MegabyteConnectAreCutOffAfterTheSmallLimitAndMemoryStaysFlat()
    {
        var process = fixture.Process;
        var cutBefore = await process.MetricAsync("sc_broker_connections_cut_total", "connect_too_large");
        var before = process.ResidentMegabytes();

        var sent = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            StreamHugePacketAsync(IPAddress.Parse("127.0.4." + (i + 1)), [], 0x10, 128 * Megabyte)));
        var after = process.ResidentMegabytes();

        Assert.All(sent, bytes => Assert.True(bytes < 32 * Megabyte, $"{bytes / Megabyte} MB were taken before the cut"));
        Assert.True(after < before + RssSlackMegabytes, $"RSS {before:0} MB before, {after:0} MB after");
        Assert.Equal(cutBefore + 8, await process.MetricAsync("sc_broker_connections_cut_total", "connect_too_large"));
    }

    [Fact]
    public async Task AnAuthenticated200MegabytePublishIsCutOffWhileItIsRead()
    {
        var process = fixture.Process;
        var device = GatewayProcess.DeviceId(1);
        var before = process.ResidentMegabytes();

        var sent = await StreamHugePacketAsync(IPAddress.Loopback, BufferedListenerTests.Connect(device, GatewayProcess.SecretOf(device)), 0x30, 200 * Megabyte);
        var after = process.ResidentMegabytes();

        Assert.True(sent < 32 * Megabyte, $"{sent / Megabyte} MB were taken before the cut");
        Assert.True(after < before + RssSlackMegabytes, $"RSS {before:0} MB before, {after:0} MB after");
        Assert.Equal(1, await process.MetricAsync("sc_broker_connections_cut_total", "packet_too_large"));
    }

    [Fact]
    public async Task TwoThousandGarbageConnectionsDoNotGrowMemoryAndItReturnsToBaselineAfterTheyClose()
    {
        var process = fixture.Process;
        var before = process.ResidentMegabytes();
        var peak = before;
        for (var batch = 0; batch < 20; batch++)
        {
            // 100 at once, from 20 addresses (the cap per address is 50 connections not past CONNECT).
            var from = IPAddress.Parse("127.0.5." + (batch + 1));
            await Task.WhenAll(Enumerable.Range(0, 100).Select(i => SendGarbageAsync(from, seed: (batch * 100) + i)));
            peak = Math.Max(peak, process.ResidentMegabytes());
        }

        Assert.True(peak < before + RssSlackMegabytes, $"RSS {before:0} MB before, {peak:0} MB at the peak");
        await Eventually.TrueAsync(() => process.ResidentMegabytes() < before + (RssSlackMegabytes / 2), TimeSpan.FromSeconds(60),
            because: $"RSS returns near the {before:0} MB baseline after the connections closed");
    }

    [Fact]
    public async Task AConnectionThatNeverSendsConnectIsClosedAfterTheConnectTimeout()
    {
        var process = fixture.Process;
        using var socket = await ConnectAsync(IPAddress.Parse("127.0.6.1"));

        // Nothing sent: the gateway closes it (read returns 0, or the connection is reset) once the connect timeout passes.
        int received;
        try
        {
            received = await socket.ReceiveAsync(new byte[16]).WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
        {
            received = 0;
        }

        Assert.Equal(0, received);
        Assert.True(await process.MetricAsync("sc_broker_connections_cut_total", "connect_timeout") >= 1);
    }

    [Fact]
    public async Task OneAddressMayHoldOnlySoManyConnectionsThatAreNotPastConnect()
    {
        var process = fixture.Process;
        var from = IPAddress.Parse("127.0.7.1");
        var sockets = new List<Socket>();
        try
        {
            for (var i = 0; i < Gateway.UnauthenticatedPerSource + 10; i++)
            {
                sockets.Add(await ConnectAsync(from));
            }

            // A device from another address still gets in meanwhile.
            using var client = new MqttClientFactory().CreateMqttClient();
            var device = GatewayProcess.DeviceId(2);
            var result = await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", process.MqttPort)
                .WithClientId(device).WithCredentials(device, GatewayProcess.SecretOf(device)).Build());

            Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
            Assert.True(await process.MetricAsync("sc_broker_connections_cut_total", "too_many_unauthenticated") >= 10);
        }
        finally
        {
            sockets.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public async Task AnMqtt5ClientIsToldTheMaximumPacketSizeInTheConnack()
    {
        var device = GatewayProcess.DeviceId(3);
        using var client = new MqttClientFactory().CreateMqttClient();

        var result = await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", fixture.Process.MqttPort)
            .WithClientId(device).WithCredentials(device, GatewayProcess.SecretOf(device)).WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).Build());

        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        Assert.Equal(16384u + 1024u + 5u, result.MaximumPacketSize);
    }

    private async Task<Socket> ConnectAsync(IPAddress from)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(from, 0));
        await socket.ConnectAsync(IPAddress.Loopback, fixture.Process.MqttPort);
        return socket;
    }

    /// <summary>
    /// Sends <paramref name="prefix"/>, then a packet header declaring <paramref name="declared"/> bytes, then zeros
    /// until the gateway cuts the connection (or all were sent); returns the bytes of the huge packet written.
    /// </summary>
    private async Task<long> StreamHugePacketAsync(IPAddress from, byte[] prefix, byte header, int declared)
    {
        using var socket = await ConnectAsync(from);
        if (prefix.Length > 0)
        {
            await socket.SendAsync(prefix);
            var connAck = new byte[4];
            Assert.Equal(4, await socket.ReceiveAsync(connAck));
            Assert.Equal(0, connAck[3]); // accepted
        }

        var length = new List<byte> { header };
        var remaining = declared;
        do
        {
            var digit = (byte)(remaining % 128);
            remaining /= 128;
            length.Add(remaining > 0 ? (byte)(digit | 0x80) : digit);
        }
        while (remaining > 0);

        var chunk = new byte[64 * 1024];
        long sent = 0;
        try
        {
            await socket.SendAsync(length.ToArray());
            using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            while (sent < declared)
            {
                sent += await socket.SendAsync(chunk, deadline.Token);
            }
        }
        catch (SocketException)
        {
            // Cut off: the gateway closed the connection and the next writes were reset.
        }

        return sent;
    }

    private async Task SendGarbageAsync(IPAddress from, int seed)
    {
        var garbage = new byte[16 * 1024];
        new Random(seed).NextBytes(garbage);
        using var socket = await ConnectAsync(from);
        try
        {
            await socket.SendAsync(garbage);
            // The gateway refuses it (a wrong first packet, a length over the limit) and closes: read returns 0.
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (await socket.ReceiveAsync(new byte[256], deadline.Token) > 0)
            {
            }
        }
        catch (SocketException)
        {
        }
    }

    /// <summary>One gateway process for the class, with a short connect timeout and a small cap per address.</summary>
    public sealed class Gateway : IAsyncLifetime
    {
        public const int UnauthenticatedPerSource = 50;
        private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("sc-hostile-");

        public GatewayProcess Process { get; private set; } = null!;

        public async Task InitializeAsync() =>
            Process = await GatewayProcess.StartAsync(_work.FullName, 3, new Dictionary<string, string>
            {
                ["Broker__ConnectTimeout"] = "00:00:05",
                ["Broker__MaxUnauthenticatedConnectionsPerSource"] = UnauthenticatedPerSource.ToString(System.Globalization.CultureInfo.InvariantCulture),
            });

        public async Task DisposeAsync()
        {
            await Process.DisposeAsync();
            _work.Delete(recursive: true);
        }
    }
}
