using SmartCommunity.Gateway.Infrastructure.Metrics;

namespace SmartCommunity.Gateway.Broker;

/// <summary>Connection-level counters of both broker modes.</summary>
public sealed class BrokerMetrics(MetricsRegistry registry)
{
    private long _connected;

    public Counter ConnectRefusedBadCredentials { get; } = registry.Counter("sc_broker_connect_refused_total", "MQTT connections refused, by reason.", ("reason", "bad_credentials"));

    public Counter ConnectRefusedAnonymous { get; } = registry.Counter("sc_broker_connect_refused_total", "MQTT connections refused, by reason.", ("reason", "anonymous"));

    public Counter ConnectRefusedClientId { get; } = registry.Counter("sc_broker_connect_refused_total", "MQTT connections refused, by reason.", ("reason", "client_id_mismatch"));

    public Counter ConnectRefusedThrottled { get; } = registry.Counter("sc_broker_connect_refused_total", "MQTT connections refused, by reason.", ("reason", "throttled"));

    public Counter ConnectRefusedSessionOwner { get; } = registry.Counter("sc_broker_connect_refused_total", "MQTT connections refused, by reason.", ("reason", "session_of_another"));

    public Counter ConnectionsCutConnectTooLarge { get; } = registry.Counter("sc_broker_connections_cut_total", "MQTT connections closed by the listener before trust, by reason.", ("reason", "connect_too_large"));

    public Counter ConnectionsCutPacketTooLarge { get; } = registry.Counter("sc_broker_connections_cut_total", "MQTT connections closed by the listener before trust, by reason.", ("reason", "packet_too_large"));

    public Counter ConnectionsCutConnectTimeout { get; } = registry.Counter("sc_broker_connections_cut_total", "MQTT connections closed by the listener before trust, by reason.", ("reason", "connect_timeout"));

    public Counter ConnectionsCutTlsHandshakeTimeout { get; } = registry.Counter("sc_broker_connections_cut_total", "MQTT connections closed by the listener before trust, by reason.", ("reason", "tls_handshake_timeout"));

    public Counter ConnectionsCutTlsHandshakeFailed { get; } = registry.Counter("sc_broker_connections_cut_total", "MQTT connections closed by the listener before trust, by reason.", ("reason", "tls_handshake_failed"));

    public Counter ConnectionsCutTooManyUnauthenticated { get; } = registry.Counter("sc_broker_connections_cut_total", "MQTT connections closed by the listener before trust, by reason.", ("reason", "too_many_unauthenticated"));

    /// <summary>Closed at once: all addresses together held the most connections not yet past CONNECT.</summary>
    public Counter ConnectionsCutUnauthenticatedCap { get; } = registry.Counter("sc_broker_connections_cut_total", "MQTT connections closed by the listener before trust, by reason.", ("reason", "unauthenticated_cap"));

    public Counter SubscribeRefused { get; } = registry.Counter("sc_broker_subscribe_refused_total", "Subscriptions refused by the topic ACL.");

    public Counter Published { get; } = registry.Counter("sc_broker_published_total", "Messages the gateway published to devices and terminals.");

    public Counter PublishFailed { get; } = registry.Counter("sc_broker_publish_failed_total", "Messages the gateway could not publish (broker unreachable).");

    public Counter ExternalReconnects { get; } = registry.Counter("sc_broker_external_reconnects_total", "Reconnections to the external broker.");

    public long Connected => Interlocked.Read(ref _connected);

    /// <summary>The embedded listeners' connections not yet past CONNECT: a flood building shows here first.</summary>
    public void UnauthenticatedGauge(Func<double> read) =>
        registry.Gauge("sc_broker_unauthenticated_connections", "MQTT connections not yet past CONNECT (embedded listeners).", read);

    public void ClientConnected() => Interlocked.Increment(ref _connected);

    public void ClientDisconnected() => Interlocked.Decrement(ref _connected);
}
