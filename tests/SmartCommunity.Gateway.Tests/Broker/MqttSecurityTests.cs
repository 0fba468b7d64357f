using MQTTnet;
using MQTTnet.Adapter;
using MQTTnet.Exceptions;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using SmartCommunity.Gateway.Infrastructure.Metrics;
using SmartCommunity.Gateway.Tests.Support;
using SmartCommunity.Protocol.Topics;
using Microsoft.Extensions.DependencyInjection;
using SmartCommunity.Testing;

namespace SmartCommunity.Gateway.Tests.Broker;

public sealed class MqttSecurityTests : IAsyncLifetime
{
    private readonly RecordingHandler _recorder = new();
    private GatewayFactory _gateway = null!;

    public Task InitializeAsync()
    {
        _gateway = new GatewayFactory(services: s => s.AddSingleton<Gateway.Ingest.IDeviceMessageHandler>(_recorder)).Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    private string Metric(string line) => _gateway.Get<SmartCommunity.Metrics.PrometheusBridge>().Render().Split('\n').FirstOrDefault(l => l.StartsWith(line, StringComparison.Ordinal)) ?? "";

    private static async Task<MqttClientConnectResultCode> TryConnectAsync(MqttClientOptions options)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        try
        {
            var result = await client.ConnectAsync(options);
            return result.ResultCode;
        }
        catch (MqttConnectingFailedException)
        {
            // Some refusals surface as an exception rather than a result; either way the client is out.
            return MqttClientConnectResultCode.UnspecifiedError;
        }
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public async Task AnonymousConnectionsAreRefused(MqttProtocolVersion version)
    {
        var result = await TryConnectAsync(_gateway.MqttOptions(null, null, "anon", version));

        Assert.NotEqual(MqttClientConnectResultCode.Success, result);
        Assert.Contains("sc_broker_connect_refused_total{reason=\"anonymous\"} 1", _gateway.Get<SmartCommunity.Metrics.PrometheusBridge>().Render(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWrongSecretIsRefusedAndCounted()
    {
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, await TryConnectAsync(_gateway.MqttOptions(TestCommunity.LevelStation, "not-the-secret")));
        Assert.Equal("sc_broker_connect_refused_total{reason=\"bad_credentials\"} 1", Metric("sc_broker_connect_refused_total{reason=\"bad_credentials\"}"));
    }

    [Fact]
    public async Task ADeviceMustUseItsOwnIdAsClientId()
    {
        var result = await TryConnectAsync(_gateway.MqttOptions(TestCommunity.LevelStation, TestCommunity.SecretOf(TestCommunity.LevelStation), clientId: TestCommunity.DoorUnit));
        Assert.Equal(MqttClientConnectResultCode.ClientIdentifierNotValid, result);
        Assert.Contains("client_id_mismatch\"} 1", _gateway.Get<SmartCommunity.Metrics.PrometheusBridge>().Render(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADeviceCannotPublishUnderAnotherDevicesIdAndGoodMessagesStillArrive()
    {
        using var level = await _gateway.ConnectDeviceAsync(TestCommunity.LevelStation);

        var spoof = await level.PublishAsync(TopicScheme.Event(TestCommunity.DoorUnit), Payloads.DoorEvent(1, "door_forced"));
        var good = await level.PublishAsync(TopicScheme.Telemetry(TestCommunity.LevelStation), Payloads.Level(1, 3.2));

        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, spoof.ReasonCode);
        Assert.True(good.IsSuccess);
        await Eventually.TrueAsync(() => _recorder.Telemetry.Count == 1);
        Assert.Empty(_recorder.Events);
        Assert.Equal("sc_ingest_rejected_total{reason=\"not_authorized\"} 1", Metric("sc_ingest_rejected_total{reason=\"not_authorized\"}"));
    }

    [Fact]
    public async Task ADeviceCannotPublishCommandsEvenToItself()
    {
        using var level = await _gateway.ConnectDeviceAsync(TestCommunity.LevelStation);
        var result = await level.PublishAsync(TopicScheme.Command(TestCommunity.LevelStation), "{\"v\":1}");
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, result.ReasonCode);
    }

    [Fact]
    public async Task ADeviceMaySubscribeOnlyToItsOwnCommandTopic()
    {
        using var level = await _gateway.ConnectDeviceAsync(TestCommunity.LevelStation);

        var own = await level.SubscribeAsync(TopicScheme.Command(TestCommunity.LevelStation), MqttQualityOfServiceLevel.AtLeastOnce);
        var other = await level.SubscribeAsync(TopicScheme.Command(TestCommunity.DoorUnit), MqttQualityOfServiceLevel.AtLeastOnce);
        var wildcard = await level.SubscribeAsync("sc/v1/#", MqttQualityOfServiceLevel.AtLeastOnce);
        var telemetry = await level.SubscribeAsync(TopicScheme.Telemetry(TestCommunity.LevelStation), MqttQualityOfServiceLevel.AtLeastOnce);

        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, own.Items.Single().ResultCode);
        Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, other.Items.Single().ResultCode);
        Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, wildcard.Items.Single().ResultCode);
        Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, telemetry.Items.Single().ResultCode);
        Assert.Equal("sc_broker_subscribe_refused_total 3", Metric("sc_broker_subscribe_refused_total"));
    }

    [Fact]
    public async Task AGuardTerminalConnectsWithItsPasswordAndMaySubscribeOnlyToItsOwnAlerts()
    {
        using var terminal = new MqttClientFactory().CreateMqttClient();
        await terminal.ConnectAsync(_gateway.MqttOptions("guard-a", TestCommunity.Password, clientId: "guard-a/phone"));

        var own = await terminal.SubscribeAsync(TopicScheme.PersonAlert("guard-a"), MqttQualityOfServiceLevel.AtLeastOnce);
        var other = await terminal.SubscribeAsync(TopicScheme.PersonAlert("guard-b"), MqttQualityOfServiceLevel.AtLeastOnce);
        var ack = await terminal.PublishAsync(TopicScheme.PersonAck("guard-a"), $$"""{"v":1,"ts":{{Payloads.NowMs}},"alert_id":"al-1"}""");
        var spoofAck = await terminal.PublishAsync(TopicScheme.PersonAck("guard-b"), $$"""{"v":1,"ts":{{Payloads.NowMs}},"alert_id":"al-1"}""");

        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, own.Items.Single().ResultCode);
        Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, other.Items.Single().ResultCode);
        Assert.True(ack.IsSuccess);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, spoofAck.ReasonCode);
        await Eventually.TrueAsync(() => _recorder.PersonAcks.Count == 1);
        Assert.Equal("guard-a", _recorder.PersonAcks.Single().Person);
    }

    [Fact]
    public async Task RepeatedWrongPasswordsFromOneAddressLockThatAddressOutEvenForTheRightPassword()
    {
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, await TryConnectAsync(_gateway.MqttOptions(TestCommunity.DoorUnit, "guess-" + i)));
        }

        var result = await TryConnectAsync(_gateway.MqttOptions(TestCommunity.DoorUnit, TestCommunity.SecretOf(TestCommunity.DoorUnit)));
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, result);
    }

    [Fact]
    public async Task TheGatewayReachesASubscribedDeviceThroughTheDeviceBus()
    {
        using var speaker = await _gateway.ConnectDeviceAsync(TestCommunity.Speaker);
        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        speaker.ApplicationMessageReceivedAsync += e =>
        {
            received.TrySetResult(e.ApplicationMessage.ConvertPayloadToString());
            return Task.CompletedTask;
        };
        await speaker.SubscribeAsync(TopicScheme.Command(TestCommunity.Speaker), MqttQualityOfServiceLevel.AtLeastOnce);

        await _gateway.Get<Gateway.Broker.IDeviceBus>().PublishAsync(TopicScheme.Command(TestCommunity.Speaker), "{\"v\":1,\"id\":\"c1\",\"type\":\"play_voice\"}"u8.ToArray(), 1, false, CancellationToken.None);

        Assert.Contains("play_voice", await received.Task.WaitAsync(TimeSpan.FromSeconds(10)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PublicSecurityStaffMaySubscribeToClipReadyMessagesAndGuardsAndDevicesMayNot()
    {
        using var officer = new MqttClientFactory().CreateMqttClient();
        await officer.ConnectAsync(_gateway.MqttOptions("ps", TestCommunity.Password, clientId: "ps/desk"));
        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        officer.ApplicationMessageReceivedAsync += e =>
        {
            received.TrySetResult(e.ApplicationMessage.Topic);
            return Task.CompletedTask;
        };
        using var guard = new MqttClientFactory().CreateMqttClient();
        await guard.ConnectAsync(_gateway.MqttOptions("guard-a", TestCommunity.Password, clientId: "guard-a/phone"));
        using var door = await _gateway.ConnectDeviceAsync(TestCommunity.DoorUnit);

        var all = await officer.SubscribeAsync(TopicScheme.AllVideoClips, MqttQualityOfServiceLevel.AtLeastOnce);
        var oneCamera = await officer.SubscribeAsync(TopicScheme.VideoClip(TestCommunity.Camera), MqttQualityOfServiceLevel.AtLeastOnce);
        // Not a camera: the topic names a door unit, so there are no clips to hear about.
        var notACamera = await officer.SubscribeAsync(TopicScheme.VideoClip(TestCommunity.DoorUnit), MqttQualityOfServiceLevel.AtLeastOnce);
        var wider = await officer.SubscribeAsync(TopicScheme.VideoPrefix + "#", MqttQualityOfServiceLevel.AtLeastOnce);
        var guardAll = await guard.SubscribeAsync(TopicScheme.AllVideoClips, MqttQualityOfServiceLevel.AtLeastOnce);
        var deviceAll = await door.SubscribeAsync(TopicScheme.AllVideoClips, MqttQualityOfServiceLevel.AtLeastOnce);

        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, all.Items.Single().ResultCode);
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, oneCamera.Items.Single().ResultCode);
        Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, notACamera.Items.Single().ResultCode);
        Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, wider.Items.Single().ResultCode);
        Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, guardAll.Items.Single().ResultCode);
        Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, deviceAll.Items.Single().ResultCode);

        // The clip exporter publishes through the device bus (tested end to end on the live stream in the video tests).
        await _gateway.Get<Gateway.Broker.IDeviceBus>().PublishAsync(TopicScheme.VideoClip(TestCommunity.Camera), "{\"v\":1}"u8.ToArray(), 1, false, CancellationToken.None);
        Assert.Equal(TopicScheme.VideoClip(TestCommunity.Camera), await received.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
