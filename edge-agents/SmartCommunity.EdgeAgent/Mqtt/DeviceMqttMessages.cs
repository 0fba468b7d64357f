using System.Reflection;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using SmartCommunity.EdgeAgent.Configuration;
using SmartCommunity.EdgeAgent.Queue;
using SmartCommunity.Protocol.Messages;
using SmartCommunity.Protocol.Serialization;
using SmartCommunity.Protocol.Topics;

namespace SmartCommunity.EdgeAgent.Mqtt;

/// <summary>The MQTT shapes of a device: its client options (with last will) and the packets it publishes.</summary>
internal static class DeviceMqttMessages
{
    /// <summary>What the <c>firmware</c> field of the online status says: the agent and its version.</summary>
    public static readonly string Firmware = "sc-edge-agent/" +
        (typeof(DeviceMqttMessages).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "dev");

    public static MqttClientOptions ClientOptions(DeviceOptions device, BrokerOptions broker)
    {
        var offline = JsonSerializer.SerializeToUtf8Bytes(new StatusMessage { State = StatusMessage.Offline }, ProtocolJsonContext.Default.StatusMessage);
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(broker.Host, broker.Port)
            .WithClientId(device.Id)
            .WithCredentials(device.Id, device.Secret)
            .WithProtocolVersion(broker.UsesMqtt5 ? MqttProtocolVersion.V500 : MqttProtocolVersion.V311)
            // A clean session: undelivered outbound messages live in our queue, not in the broker session,
            // and commands that came while we were away are the gateway's to re-send or report.
            .WithCleanSession(true)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(broker.KeepAliveSeconds))
            .WithTimeout(TimeSpan.FromSeconds(broker.TimeoutSeconds))
            .WithWillTopic(TopicScheme.Status(device.Id))
            .WithWillPayload(offline)
            .WithWillRetain(true)
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);
        if (broker.UseTls)
        {
            builder = builder.WithTlsOptions(tls =>
            {
                tls.UseTls().WithTargetHost(broker.Host);
                if (broker.AllowUntrustedCertificates)
                {
                    tls.WithCertificateValidationHandler(_ => true);
                }
                else if (broker.CaCertificateFile is { Length: > 0 } ca)
                {
                    var trust = new X509Certificate2Collection();
                    trust.ImportFromPemFile(ca);
                    tls.WithTrustChain(trust);
                }
            });
        }

        return builder.Build();
    }

    /// <summary>A retained QoS 1 status, as <see cref="MessageClassPolicy"/> prescribes for the status class.</summary>
    public static MqttApplicationMessage Status(string deviceId, StatusMessage status) => new MqttApplicationMessageBuilder()
        .WithTopic(TopicScheme.Status(deviceId))
        .WithPayload(JsonSerializer.SerializeToUtf8Bytes(status, ProtocolJsonContext.Default.StatusMessage))
        .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
        .WithRetainFlag(true)
        .Build();

    /// <summary>A queued message on its class's topic, with the class's QoS and retain flag.</summary>
    public static MqttApplicationMessage Queued(string deviceId, QueuedMessage message)
    {
        var policy = MessageClassPolicy.For(message.Class);
        return new MqttApplicationMessageBuilder()
            .WithTopic(TopicScheme.For(message.Class, deviceId))
            .WithPayload(message.Payload)
            .WithQualityOfServiceLevel((MqttQualityOfServiceLevel)policy.QualityOfService)
            .WithRetainFlag(policy.Retain)
            .Build();
    }
}
