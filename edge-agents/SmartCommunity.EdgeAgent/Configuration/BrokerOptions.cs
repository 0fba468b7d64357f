using System.ComponentModel.DataAnnotations;

namespace SmartCommunity.EdgeAgent.Configuration;

/// <summary>Where the agent's devices connect (section <c>Broker</c>). Every device opens its own connection.</summary>
public sealed class BrokerOptions
{
    public const string Section = "Broker";

    /// <summary>Broker host name or address. Default <c>127.0.0.1</c>.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Broker:Host is required (the gateway's MQTT broker host name or address).")]
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>Broker TCP port. Default 1883 (use 8883 with <see cref="UseTls"/>).</summary>
    [Range(1, 65535, ErrorMessage = "Broker:Port must be between 1 and 65535.")]
    public int Port { get; set; } = 1883;

    /// <summary>Connect over TLS. Default <see langword="false"/>.</summary>
    public bool UseTls { get; set; }

    /// <summary>
    /// PEM file with the CA certificate(s) the broker's certificate must chain to, e.g. the gateway's private CA;
    /// the system trust store is used when unset. The host name must still match the certificate.
    /// </summary>
    public string? CaCertificateFile { get; set; }

    /// <summary>Accept any broker certificate (self-signed test brokers only; never in the field). Default <see langword="false"/>.</summary>
    public bool AllowUntrustedCertificates { get; set; }

    /// <summary>MQTT protocol version, <c>5.0</c> (default) or <c>3.1.1</c> for older brokers.</summary>
    [RegularExpression(@"^(5|5\.0|3\.1\.1)$", ErrorMessage = "Broker:ProtocolVersion must be \"5.0\" or \"3.1.1\".")]
    public string ProtocolVersion { get; set; } = "5.0";

    /// <summary>MQTT keep-alive, seconds. Default 30: a dead link is noticed within 45 s.</summary>
    [Range(5, 3600, ErrorMessage = "Broker:KeepAliveSeconds must be between 5 and 3600.")]
    public int KeepAliveSeconds { get; set; } = 30;

    /// <summary>How long a connect or an acknowledgement may take, seconds. Default 10.</summary>
    [Range(1, 300, ErrorMessage = "Broker:TimeoutSeconds must be between 1 and 300.")]
    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>First reconnect delay, seconds; it doubles per failed attempt, with jitter. Default 1.</summary>
    [Range(0.01, 60, ErrorMessage = "Broker:ReconnectInitialDelaySeconds must be between 0.01 and 60.")]
    public double ReconnectInitialDelaySeconds { get; set; } = 1;

    /// <summary>Longest reconnect delay, seconds. Default 30.</summary>
    [Range(0.01, 3600, ErrorMessage = "Broker:ReconnectMaxDelaySeconds must be between 0.01 and 3600.")]
    public double ReconnectMaxDelaySeconds { get; set; } = 30;

    public bool UsesMqtt5 => ProtocolVersion is "5" or "5.0";
}
