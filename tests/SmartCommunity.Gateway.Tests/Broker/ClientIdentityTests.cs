using MQTTnet;
using MQTTnet.Adapter;
using MQTTnet.Protocol;
using SmartCommunity.Gateway.Broker;
using SmartCommunity.Gateway.Infrastructure.Metrics;
using SmartCommunity.Gateway.Tests.Support;
using SmartCommunity.Protocol.Topics;

namespace SmartCommunity.Gateway.Tests.Broker;

/// <summary>
/// Issue 19: a client ID belongs to one principal. Real MQTTnet clients against the real embedded broker: a guard
/// connecting as a door unit kicked it off, and a guard reusing another's client ID received their queued alert.
/// </summary>
public sealed class ClientIdentityTests : IAsyncLifetime
{
    private GatewayFactory _gateway = null!;

    public Task InitializeAsync()
    {
        _gateway = new GatewayFactory().Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    private async Task<(MqttClientConnectResultCode Code, MqttClientConnectResult? Result)> TryConnectAsync(IMqttClient client, string user, string clientId, bool cleanStart = true)
    {
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", _gateway.MqttPort)
            .WithClientId(clientId)
            .WithCredentials(user, TestCommunity.Password)
            .WithCleanStart(cleanStart)
            .WithSessionExpiryInterval(cleanStart ? 0u : 3600u)
            .WithTimeout(TimeSpan.FromSeconds(10))
            .Build();
        try
        {
            var result = await client.ConnectAsync(options);
            return (result.ResultCode, result);
        }
        catch (MqttConnectingFailedException)
        {
            return (MqttClientConnectResultCode.UnspecifiedError, null); // a refusal that did not come as a CONNACK
        }
    }

    [Fact]
    public async Task AGuardCannotConnectAsADoorUnitAndTheDoorUnitStaysConnected()
    {
        using var door = await _gateway.ConnectDeviceAsync(TestCommunity.DoorUnit);
        using var guard = new MqttClientFactory().CreateMqttClient();

        var (code, _) = await TryConnectAsync(guard, "guard-a", TestCommunity.DoorUnit);

        Assert.Equal(MqttClientConnectResultCode.ClientIdentifierNotValid, code);
        // A takeover would have ended the door's connection before the guard heard back; a ping still goes through.
        await door.PingAsync();
        Assert.True(door.IsConnected);
    }

    [Theory]
    [InlineData("guard-b", "guard-a-phone")]
    [InlineData("guard-b", "guard-a/phone")]
    [InlineData("guard-b", "guard-a")]
    [InlineData("guard-a", "guard-a/")]
    [InlineData("guard-a", "guard-a/x/y")]
    [InlineData("guard-a", "guard-a/a b")]
    [InlineData("guard-a", "guard-ab")]
    [InlineData("guard-a", "ps")]
    public async Task APersonCannotUseAClientIdThatIsNotTheirsOrMalformed(string user, string clientId)
    {
        using var client = new MqttClientFactory().CreateMqttClient();

        var (code, _) = await TryConnectAsync(client, user, clientId);

        Assert.Equal(MqttClientConnectResultCode.ClientIdentifierNotValid, code);
        Assert.Contains("sc_broker_connect_refused_total{reason=\"client_id_mismatch\"} 1", _gateway.Get<SmartCommunity.Metrics.PrometheusBridge>().Render(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("guard-a")]
    [InlineData("guard-a/phone")]
    [InlineData("guard-a/radio_2-B")]
    public async Task APersonConnectsWithTheirIdOrTheirIdAndASuffix(string clientId)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        Assert.Equal(MqttClientConnectResultCode.Success, (await TryConnectAsync(client, "guard-a", clientId)).Code);
    }

    [Fact]
    public async Task AnEmptyClientIdIsGivenOneDerivedFromThePerson()
    {
        using var client = new MqttClientFactory().CreateMqttClient();

        var (code, result) = await TryConnectAsync(client, "guard-a", "");

        Assert.Equal(MqttClientConnectResultCode.Success, code);
        Assert.StartsWith("guard-a/", result!.AssignedClientIdentifier, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APersistentSessionIsResumedOnlyByThePersonWhoCreatedIt()
    {
        const string phone = "guard-a/phone";
        using (var owner = new MqttClientFactory().CreateMqttClient())
        {
            Assert.Equal(MqttClientConnectResultCode.Success, (await TryConnectAsync(owner, "guard-a", phone, cleanStart: false)).Code);
            await owner.SubscribeAsync(TopicScheme.PersonAlert("guard-a"), MqttQualityOfServiceLevel.AtLeastOnce);
            await owner.DisconnectAsync();
        }

        // An alert for guard A while the phone is away waits in guard A's session.
        await _gateway.Get<IDeviceBus>().PublishAsync(TopicScheme.PersonAlert("guard-a"), "{\"v\":1,\"alert_id\":\"al-duress\"}"u8.ToArray(), 1, false, CancellationToken.None);

        using var thief = new MqttClientFactory().CreateMqttClient();
        var stolen = new List<string>();
        thief.ApplicationMessageReceivedAsync += e =>
        {
            lock (stolen)
            {
                stolen.Add(e.ApplicationMessage.ConvertPayloadToString());
            }

            return Task.CompletedTask;
        };
        var (thiefCode, _) = await TryConnectAsync(thief, "guard-b", phone, cleanStart: false);

        using var back = new MqttClientFactory().CreateMqttClient();
        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        back.ApplicationMessageReceivedAsync += e =>
        {
            received.TrySetResult(e.ApplicationMessage.ConvertPayloadToString());
            return Task.CompletedTask;
        };
        var (ownerCode, ownerResult) = await TryConnectAsync(back, "guard-a", phone, cleanStart: false);

        Assert.Equal(MqttClientConnectResultCode.ClientIdentifierNotValid, thiefCode);
        Assert.Equal(MqttClientConnectResultCode.Success, ownerCode);
        Assert.True(ownerResult!.IsSessionPresent);
        Assert.Contains("al-duress", await received.Task.WaitAsync(TimeSpan.FromSeconds(10)), StringComparison.Ordinal);
        Assert.Empty(stolen);
    }
}
