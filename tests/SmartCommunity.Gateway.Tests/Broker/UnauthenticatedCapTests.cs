using System.Net;
using System.Net.Sockets;
using MQTTnet;
using SmartCommunity.Testing;

namespace SmartCommunity.Gateway.Tests.Broker;

/// <summary>
/// Issue 19: the per-address cap does not stop a flood from many addresses. All addresses together may hold only so
/// many connections that are not past CONNECT; more are closed at once and counted, and once the flood lets go a
/// device gets in again. Against a real gateway process, with real sockets from several loopback addresses.
/// </summary>
public sealed class UnauthenticatedCapTests : IAsyncLifetime
{
    private const int PerSource = 10;
    private const int Total = 25;
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("sc-unauth-cap-");
    private GatewayProcess _gateway = null!;

    public async Task InitializeAsync() =>
        _gateway = await GatewayProcess.StartAsync(_work.FullName, 2, new Dictionary<string, string>
        {
            ["Broker__ConnectTimeout"] = "00:02:00", // the stalled sockets must outlive the test's steps
            ["Broker__MaxUnauthenticatedConnectionsPerSource"] = PerSource.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Broker__MaxUnauthenticatedConnections"] = Total.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _work.Delete(recursive: true);
    }

    [Fact]
    public async Task AFloodFromManyAddressesIsCappedInTotalAndADeviceGetsInOnceItLetsGo()
    {
        var stalled = new List<Socket>();
        try
        {
            // 25 silent connections from three addresses, none over its own cap of 10: the total cap is full.
            for (var i = 0; i < Total; i++)
            {
                stalled.Add(await ConnectAsync(IPAddress.Parse("127.0.12." + (1 + (i / PerSource)))));
            }

            // Accepted in any order: wait until the gateway holds all 25, so the next one is surely the one over the cap.
            await Eventually.TrueAsync(async () => await _gateway.MetricAsync("sc_broker_unauthenticated_connections") == Total, because: "the gateway holds the 25 silent connections");

            // A fourth address, under its own cap, is closed at once: the listener holds no more strangers.
            using (var extra = await ConnectAsync(IPAddress.Parse("127.0.12.9")))
            {
                Assert.True(await ClosedByPeerAsync(extra), "the connection over the total cap was closed without a word");
            }

            await Eventually.TrueAsync(async () => await _gateway.MetricAsync("sc_broker_connections_cut_total", "unauthenticated_cap") >= 1, because: "the cut is counted as unauthenticated_cap");
            Assert.Equal(0, await _gateway.MetricAsync("sc_broker_connections_cut_total", "too_many_unauthenticated"));
        }
        finally
        {
            stalled.ForEach(s => s.Dispose());
        }

        // The flood let go: the gateway sees the closes and frees the places, and a real device connects.
        await Eventually.TrueAsync(async () => await _gateway.MetricAsync("sc_broker_unauthenticated_connections") == 0, because: "the closed connections free their places");
        var device = GatewayProcess.DeviceId(1);
        await Eventually.TrueAsync(async () =>
        {
            using var client = new MqttClientFactory().CreateMqttClient();
            try
            {
                var result = await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", _gateway.MqttPort)
                    .WithClientId(device).WithCredentials(device, GatewayProcess.SecretOf(device)).WithTimeout(TimeSpan.FromSeconds(10)).Build());
                return result.ResultCode == MqttClientConnectResultCode.Success;
            }
            catch (MQTTnet.Exceptions.MqttCommunicationException)
            {
                return false;
            }
        }, because: "a device connects once the stalled connections are gone");
    }

    private async Task<Socket> ConnectAsync(IPAddress from)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(from, 0));
        await socket.ConnectAsync(IPAddress.Loopback, _gateway.MqttPort);
        return socket;
    }

    /// <summary>True when the peer closes (or resets) without sending a byte, within a generous wait.</summary>
    private static async Task<bool> ClosedByPeerAsync(Socket socket)
    {
        var buffer = new byte[16];
        try
        {
            return await socket.ReceiveAsync(buffer).WaitAsync(TimeSpan.FromSeconds(60)) == 0;
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
        {
            return true;
        }
    }
}
