using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet.Adapter;
using MQTTnet.Server;
using SmartCommunity.Gateway.Broker;

namespace SmartCommunity.Gateway.Tests.Broker;

/// <summary>The listener's own life cycle on a real socket; the MQTT traffic through it is in BufferedListenerTests.</summary>
public sealed class BufferedTcpServerAdapterTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task ItHandsEachConnectionToMqttNetAndStopsListeningWhenStopped()
    {
        var factory = new MqttServerFactory();
        using var adapter = new BufferedTcpServerAdapter(new IPEndPoint(IPAddress.Loopback, 0), 256, NullLogger.Instance);
        var handed = new TaskCompletionSource<IMqttChannelAdapter>(TaskCreationOptions.RunContinuationsAsynchronously);
        adapter.ClientHandler = channel =>
        {
            handed.TrySetResult(channel);
            return Task.CompletedTask;
        };
        await adapter.StartAsync(factory.CreateServerOptionsBuilder().Build(), factory.DefaultLogger);
        var port = adapter.BoundPort;
        Assert.True(port > 0);

        using (var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            await client.ConnectAsync(IPAddress.Loopback, port).WaitAsync(Timeout);
            var channel = await handed.Task.WaitAsync(Timeout);
            Assert.Equal(port, ((IPEndPoint)channel.LocalEndPoint).Port);
            Assert.False(channel.IsSecureConnection);
        }

        await adapter.StopAsync().WaitAsync(Timeout);
        using var late = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await Assert.ThrowsAsync<SocketException>(async () => await late.ConnectAsync(IPAddress.Loopback, port).WaitAsync(Timeout));
    }

    [Fact]
    public async Task StoppingOrDisposingTwiceIsHarmless()
    {
        var factory = new MqttServerFactory();
        var adapter = new BufferedTcpServerAdapter(new IPEndPoint(IPAddress.Loopback, 0), 256, NullLogger.Instance);
        await adapter.StartAsync(factory.CreateServerOptionsBuilder().Build(), factory.DefaultLogger);
        await adapter.StopAsync().WaitAsync(Timeout);
        await adapter.StopAsync().WaitAsync(Timeout);
        adapter.Dispose();
        adapter.Dispose();
        await adapter.StopAsync().WaitAsync(Timeout);
    }

    [Fact]
    public async Task APortInUseFailsTheStartWithTheSocketError()
    {
        using var taken = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        taken.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        taken.Listen();
        var factory = new MqttServerFactory();
        using var adapter = new BufferedTcpServerAdapter((IPEndPoint)taken.LocalEndPoint!, 256, NullLogger.Instance);

        var error = await Assert.ThrowsAsync<SocketException>(() => adapter.StartAsync(factory.CreateServerOptionsBuilder().Build(), factory.DefaultLogger));
        Assert.Equal(SocketError.AddressAlreadyInUse, error.SocketErrorCode);
    }
}
