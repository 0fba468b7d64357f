using System.Globalization;
using System.Text;
using MQTTnet;
using MQTTnet.Protocol;

namespace SmartCommunity.Gateway.Tests.Support;

/// <summary>Builds protocol payloads and publishes them the way a device would.</summary>
public static class Payloads
{
    public static long NowMs => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    public static string Level(long seq, double level, long? ts = null) =>
        string.Create(CultureInfo.InvariantCulture, $$"""{"v":1,"ts":{{ts ?? NowMs}},"seq":{{seq}},"level_m":{{level}}}""");

    public static string DoorEvent(long seq, string type, string? direction = null) =>
        string.Create(CultureInfo.InvariantCulture, $$"""{"v":1,"ts":{{NowMs}},"seq":{{seq}},"type":"{{type}}","door":"east"{{(direction is null ? "" : $",\"direction\":\"{direction}\"")}}}""");

    public static Task<MqttClientPublishResult> PublishAsync(this IMqttClient client, string topic, string payload, MqttQualityOfServiceLevel qos = MqttQualityOfServiceLevel.AtLeastOnce) =>
        client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(Encoding.UTF8.GetBytes(payload)).WithQualityOfServiceLevel(qos).Build());
}
