using MQTTnet;
using SmartCommunity.EdgeAgent.Configuration;
using SmartCommunity.EdgeAgent.Mqtt;
using SmartCommunity.EdgeAgent.Tests.Support;
using SmartCommunity.Protocol.Topics;

namespace SmartCommunity.EdgeAgent.Tests.Mqtt;

public sealed class LastWillTests
{
    [Fact]
    public async Task WhenADevicesConnectionDiesTheBrokerPublishesItsRetainedOfflineWill()
    {
        await using var broker = await MosquittoProcess.StartAsync(persistent: true);
        await using var gateway = await TestSubscriber.ConnectAsync(broker.Port, TopicScheme.Status("cam-4"));
        var device = new DeviceOptions { Id = "cam-4", Kind = "camera", Secret = "s", Driver = "sim-camera" };
        var options = DeviceMqttMessages.ClientOptions(device, new BrokerOptions { Port = broker.Port });
        Assert.Equal(("cam-4", "cam-4"), (options.ClientId, options.Credentials.GetUserName(options)));

        // Dropping the client without a DISCONNECT packet is what a crash or a cut cable looks like to the broker.
        var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(options);
        client.Dispose();

        await gateway.WaitForAsync(ms => ms.Any(m => m.Text == """{"v":1,"state":"offline"}"""), "the last will");
        await using var late = await TestSubscriber.ConnectAsync(broker.Port, TopicScheme.Status("cam-4"));
        await late.WaitForAsync(ms => ms.Any(m => m.Retain && m.Text == """{"v":1,"state":"offline"}"""), "the will, retained");
    }
}
