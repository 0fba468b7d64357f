using System.Net;
using System.Security.Cryptography.X509Certificates;
using MQTTnet.Adapter;
using MQTTnet.Formatter;
using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace SmartCommunity.Gateway.Broker;

/// <summary>What a connection may cost before and after its CONNECT is accepted (see <see cref="BrokerOptions"/>).</summary>
/// <param name="ConnectPacketBytes">Largest Remaining Length until CONNECT is accepted.</param>
/// <param name="PacketBytes">Largest Remaining Length after it (the largest payload plus headers).</param>
/// <param name="ConnectTimeout">Time from accept to an accepted CONNECT before the connection is closed.</param>
/// <param name="UnauthenticatedPerSource">Connections from one address not yet past CONNECT; 0 for no cap.</param>
/// <param name="UnauthenticatedTotal">Connections from all addresses not yet past CONNECT, per listener; 0 for no cap.</param>
internal sealed record ConnectionLimits(int ConnectPacketBytes, int PacketBytes, TimeSpan ConnectTimeout, int UnauthenticatedPerSource, int UnauthenticatedTotal = 0)
{
    /// <summary>Room for the fixed header (1 + 4 length bytes) in the announced MQTT 5 Maximum Packet Size.</summary>
    public const int FixedHeaderBytes = 5;

    public static ConnectionLimits Default { get; } = new(4096, 16384 + 1024, TimeSpan.FromSeconds(10), 100, 2000);
}

/// <summary>
/// MQTTnet's channel adapter with one addition: when it sends a successful CONNACK, the connection is past
/// authentication, so the packet limit is raised to the authenticated one and, for MQTT 5, announced in the CONNACK as
/// Maximum Packet Size (5.0 §3.2.2.3.6). MQTTnet's server always sends 0 (unlimited) and has no setting for it.
/// </summary>
internal sealed class GuardedChannelAdapter(MqttChannelAdapter inner, MqttFrameGuard guard, int packetBytes, Action authenticated) : IMqttChannelAdapter
{
    public long BytesReceived => inner.BytesReceived;

    public long BytesSent => inner.BytesSent;

    public X509Certificate2 ClientCertificate => inner.ClientCertificate;

    public EndPoint RemoteEndPoint => inner.RemoteEndPoint;

    public EndPoint LocalEndPoint => inner.LocalEndPoint;

    public bool IsSecureConnection => inner.IsSecureConnection;

    public MqttPacketFormatterAdapter PacketFormatterAdapter => inner.PacketFormatterAdapter;

    public Task ConnectAsync(CancellationToken cancellationToken) => inner.ConnectAsync(cancellationToken);

    public Task DisconnectAsync(CancellationToken cancellationToken) => inner.DisconnectAsync(cancellationToken);

    public Task<MqttPacket> ReceivePacketAsync(CancellationToken cancellationToken) => inner.ReceivePacketAsync(cancellationToken);

    public void ResetStatistics() => inner.ResetStatistics();

    public Task SendPacketAsync(MqttPacket packet, CancellationToken cancellationToken)
    {
        if (packet is MqttConnAckPacket { ReasonCode: MqttConnectReasonCode.Success } connAck)
        {
            // Raised before the CONNACK leaves: the client may publish as soon as it has it.
            guard.Limit = packetBytes;
            if (inner.PacketFormatterAdapter.ProtocolVersion == MqttProtocolVersion.V500)
            {
                connAck.MaximumPacketSize = (uint)(packetBytes + ConnectionLimits.FixedHeaderBytes);
            }

            authenticated();
        }

        return inner.SendPacketAsync(packet, cancellationToken);
    }

    public void Dispose() => inner.Dispose();
}
