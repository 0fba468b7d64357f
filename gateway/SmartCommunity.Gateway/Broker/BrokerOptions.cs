using System.ComponentModel.DataAnnotations;

namespace SmartCommunity.Gateway.Broker;

public enum BrokerMode
{
    /// <summary>The gateway runs its own MQTT broker (MQTTnet.Server). The default: nothing else to install.</summary>
    Embedded,

    /// <summary>The gateway connects as a client to mosquitto or any MQTT 5 broker, with a shared subscription.</summary>
    External,
}

/// <summary>How devices reach the gateway. Section <c>Broker</c>; <see cref="Mode"/> is the one switch.</summary>
public sealed class BrokerOptions : IValidatableObject
{
    public const string Section = "Broker";

    /// <summary><c>Embedded</c> (default) or <c>External</c>.</summary>
    public BrokerMode Mode { get; set; } = BrokerMode.Embedded;

    /// <summary>Embedded: address to listen on. Default <c>0.0.0.0</c> (all interfaces).</summary>
    public string BindAddress { get; set; } = "0.0.0.0";

    /// <summary>Embedded: plain MQTT port. Default 1883; 0 disables the plain listener (TLS only).</summary>
    [Range(0, 65535)]
    public int Port { get; set; } = 1883;

    /// <summary>Embedded: TLS port, used only when <see cref="CertificatePath"/> is set. Default 8883.</summary>
    [Range(1, 65535)]
    public int TlsPort { get; set; } = 8883;

    /// <summary>Embedded: PFX/PKCS#12 certificate for the TLS listener. Default none (TLS off).</summary>
    public string? CertificatePath { get; set; }

    /// <summary>Password of <see cref="CertificatePath"/>. Never logged.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>
    /// Embedded: messages queued per subscriber before the oldest is dropped. Default 10 000 — mosquitto's
    /// default of 1 000 loses commands to a terminal that was briefly away.
    /// </summary>
    [Range(100, 1_000_000)]
    public int MaxPendingMessagesPerClient { get; set; } = 10_000;

    /// <summary>
    /// Embedded, plain MQTT: the listener. <see cref="BrokerTransport.Buffered"/> (default) is ours, with the limits
    /// before trust (issue 19). <see cref="BrokerTransport.Kestrel"/> is MQTTnet.AspNetCore's pipelines transport on
    /// Kestrel, kept to measure against it (issue 17, docs/benchmarks.md); it has none of those limits, so the gateway
    /// logs a warning when it is chosen. The TLS port always uses ours.
    /// </summary>
    public BrokerTransport Transport { get; set; } = BrokerTransport.Buffered;

    /// <summary>
    /// Embedded, plain MQTT: read buffer per connection, bytes. Default 1 024: one receive takes the several small
    /// packets a busy device has sent instead of two receives per packet (see ReadBufferedStream). 0 reads unbuffered.
    /// </summary>
    [Range(0, 65_536)]
    public int ReadBufferBytes { get; set; } = 1024;

    /// <summary>
    /// Embedded, plain MQTT: largest packet (Remaining Length, bytes) a connection may send before its CONNECT is
    /// accepted; a longer one is cut off as its length is read. Default 4 096 (a CONNECT with a password and a last will
    /// needs a few hundred).
    /// </summary>
    [Range(256, 1_048_576)]
    public int MaxConnectPacketBytes { get; set; } = 4096;

    /// <summary>
    /// Embedded, plain MQTT: room for topic and properties on top of <c>Ingest:MaxPayloadBytes</c> in the largest
    /// packet an authenticated connection may send (announced to MQTT 5 clients as Maximum Packet Size). Default 1 024.
    /// </summary>
    [Range(128, 65_536)]
    public int PacketHeaderBytes { get; set; } = 1024;

    /// <summary>
    /// Embedded, plain MQTT and TLS: a connection whose CONNECT (after the TLS handshake, on the TLS port) is not
    /// accepted within this time is closed. Default 10 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Embedded, plain MQTT and TLS (counted per listener): connections from one address not yet past CONNECT; more are closed at once. Default 100;
    /// 0 for no cap. Devices behind one NAT that reconnect together retry with their back-off.
    /// </summary>
    [Range(0, 1_000_000)]
    public int MaxUnauthenticatedConnectionsPerSource { get; set; } = 100;

    /// <summary>
    /// Embedded, per listener: connections from all addresses together not yet past CONNECT; more are closed at once.
    /// Default 2 000; 0 for no cap. The per-address cap does not stop a flood from many addresses (a botnet, a spoofed
    /// range on a flat network); this bounds the memory such a flood can take. While it is full a real device is
    /// refused too and retries with its back-off: a connection costs milliseconds, so only a flood keeps it full.
    /// </summary>
    [Range(0, 1_000_000)]
    public int MaxUnauthenticatedConnections { get; set; } = 2000;

    /// <summary>External: broker host name. Required in external mode.</summary>
    public string? Host { get; set; }

    /// <summary>External: broker port. Default 1883.</summary>
    [Range(1, 65535)]
    public int ExternalPort { get; set; } = 1883;

    /// <summary>External: use TLS to the broker. Default false.</summary>
    public bool UseTls { get; set; }

    /// <summary>External: the gateway's own user name at the broker. Default <c>sc-gateway</c>.</summary>
    public string Username { get; set; } = "sc-gateway";

    /// <summary>External: the gateway's password at the broker. Never logged.</summary>
    public string? Password { get; set; }

    /// <summary>
    /// External: client ID; unique per gateway instance and stable across its restarts (the broker keeps the persistent
    /// session, with the QoS 1 messages queued for it, under this ID). Default <c>sc-gateway-{machine}</c>.
    /// </summary>
    public string? ClientId { get; set; }

    /// <summary>
    /// External: MQTT 5 shared-subscription group (<c>$share/{group}/…</c>) so several gateways split the load.
    /// Empty subscribes without sharing. Default <c>sc-gateway</c>.
    /// </summary>
    public string SharedSubscriptionGroup { get; set; } = "sc-gateway";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Mode == BrokerMode.External && string.IsNullOrWhiteSpace(Host))
        {
            yield return new ValidationResult("Broker:Host is required when Broker:Mode is External.", [nameof(Host)]);
        }

        if (Mode == BrokerMode.Embedded && Port == 0 && string.IsNullOrEmpty(CertificatePath))
        {
            yield return new ValidationResult("Broker:Port is 0 and no Broker:CertificatePath is set: the embedded broker would not listen at all.", [nameof(Port)]);
        }

        if (CertificatePath is { Length: > 0 } path && !File.Exists(path))
        {
            yield return new ValidationResult($"Broker:CertificatePath '{path}' does not exist.", [nameof(CertificatePath)]);
        }

        if (ReadBufferBytes is > 0 and < 64)
        {
            yield return new ValidationResult("Broker:ReadBufferBytes must be 0 (unbuffered) or at least 64.", [nameof(ReadBufferBytes)]);
        }

        if (SharedSubscriptionGroup.AsSpan().IndexOfAny("/+#") >= 0)
        {
            yield return new ValidationResult("Broker:SharedSubscriptionGroup must not contain '/', '+' or '#'.", [nameof(SharedSubscriptionGroup)]);
        }
    }
}

/// <summary>Which listener serves the embedded broker's plain MQTT port.</summary>
public enum BrokerTransport
{
    /// <summary>Our socket listener with MQTTnet's channel adapter over a read-buffered stream (<c>BufferedTcpServerAdapter</c>).</summary>
    Buffered,

    /// <summary>MQTTnet.AspNetCore's <c>MqttConnectionHandler</c> on a Kestrel socket transport: a benchmark variant only.</summary>
    Kestrel,
}
