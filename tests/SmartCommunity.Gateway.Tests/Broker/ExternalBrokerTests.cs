using System.Text;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using SmartCommunity.Gateway.Broker;
using SmartCommunity.Gateway.Infrastructure.Security;
using SmartCommunity.Gateway.Ingest;
using SmartCommunity.Gateway.Tests.Support;
using SmartCommunity.Protocol.Topics;
using SmartCommunity.Testing;

namespace SmartCommunity.Gateway.Tests.Broker;

/// <summary>
/// External-broker mode against a real mosquitto whose password file and ACL come from the gateway's own
/// export: devices authenticate at mosquitto, mosquitto enforces the ACL, gateways share the subscription.
/// </summary>
public sealed class ExternalBrokerTests : IAsyncLifetime
{
    private const string GatewayPassword = "gateway-broker-password";
    private readonly RecordingHandler _first = new();
    private readonly RecordingHandler _second = new();
    private MosquittoProcess _mosquitto = null!;
    private GatewayFactory _gatewayA = null!;
    private GatewayFactory _gatewayB = null!;

    public async Task InitializeAsync()
    {
        // The registry is the source of truth: export it from an embedded-mode gateway on the same data folder.
        var exporter = new GatewayFactory().Start();
        string passwd, acl;
        using (var admin = await exporter.LoginAsync("admin"))
        {
            passwd = await admin.GetStringAsync("/api/admin/broker/mosquitto/passwd");
            acl = await admin.GetStringAsync("/api/admin/broker/mosquitto/acl?gatewayUser=sc-gateway");
        }

        var dataDirectory = exporter.DataDirectory;
        await exporter.DisposeAsync();

        var files = Directory.CreateTempSubdirectory("sc-ext-").FullName;
        var passwdFile = Path.Combine(files, "passwd");
        await File.WriteAllTextAsync(passwdFile, passwd + "sc-gateway:" + SecretHasher.Hash(GatewayPassword, SecretHasher.DeviceIterations) + "\n");
        var aclFile = Path.Combine(files, "acl");
        await File.WriteAllTextAsync(aclFile, acl);
        _mosquitto = await MosquittoProcess.StartAsync(passwdFile, aclFile);

        Dictionary<string, string?> External(string clientId) => new()
        {
            ["Broker:Mode"] = "External",
            ["Broker:Host"] = "127.0.0.1",
            ["Broker:ExternalPort"] = _mosquitto.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Broker:Username"] = "sc-gateway",
            ["Broker:Password"] = GatewayPassword,
            ["Broker:ClientId"] = clientId,
        };

        _gatewayA = new GatewayFactory(dataDirectory, External("gw-a"), s => s.AddSingleton<IDeviceMessageHandler>(_first)).Start();
        var copy = Directory.CreateTempSubdirectory("sc-gw-b-").FullName;
        foreach (var file in Directory.GetFiles(dataDirectory))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        _gatewayB = new GatewayFactory(copy, External("gw-b"), s => s.AddSingleton<IDeviceMessageHandler>(_second)).Start();
        await Eventually.TrueAsync(() => _gatewayA.Get<IDeviceBus>().IsAvailable && _gatewayB.Get<IDeviceBus>().IsAvailable, TimeSpan.FromSeconds(30), "both gateways connect to mosquitto");
    }

    public async Task DisposeAsync()
    {
        await _gatewayA.DisposeAsync();
        await _gatewayB.DisposeAsync();
        await _mosquitto.DisposeAsync();
    }

    private async Task<IMqttClient> ConnectToMosquittoAsync(string user, string password, MqttProtocolVersion version = MqttProtocolVersion.V500)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var result = await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", _mosquitto.Port)
            .WithClientId(user).WithCredentials(user, password).WithProtocolVersion(version).Build());
        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        return client;
    }

    [Fact]
    public async Task DeviceDataThroughMosquittoReachesTheGatewaysSplitOverTheSharedSubscription()
    {
        using var device = await ConnectToMosquittoAsync(TestCommunity.LevelStation, TestCommunity.SecretOf(TestCommunity.LevelStation));
        const int count = 200;
        for (var seq = 1; seq <= count; seq++)
        {
            await device.PublishAsync(TopicScheme.Telemetry(TestCommunity.LevelStation), Payloads.Level(seq, 1 + (seq / 1000.0)));
        }

        await Eventually.TrueAsync(() => _first.Telemetry.Count + _second.Telemetry.Count == count, TimeSpan.FromSeconds(20));
        Assert.NotEmpty(_first.Telemetry);
        Assert.NotEmpty(_second.Telemetry);
        var seqs = _first.Telemetry.Concat(_second.Telemetry).Select(t => t.Message.Seq).Order().ToList();
        Assert.Equal(Enumerable.Range(1, count).Select(i => (long)i), seqs);
    }

    [Fact]
    public async Task MosquittoRefusesWrongSecretsAndTheExportedAclStopsSpoofing()
    {
        using (var bad = new MqttClientFactory().CreateMqttClient())
        {
            var refused = await bad.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", _mosquitto.Port)
                .WithClientId("x").WithCredentials(TestCommunity.DoorUnit, "wrong-secret").Build());
            Assert.NotEqual(MqttClientConnectResultCode.Success, refused.ResultCode);
        }

        using (var spoofer = await ConnectToMosquittoAsync(TestCommunity.LevelStation, TestCommunity.SecretOf(TestCommunity.LevelStation), MqttProtocolVersion.V311))
        {
            try
            {
                await spoofer.PublishAsync(TopicScheme.Event(TestCommunity.DoorUnit), Payloads.DoorEvent(1, "door_forced"));
            }
            catch (MQTTnet.Exceptions.MqttCommunicationException)
            {
                // mosquitto 2.0 may drop a 3.1.1 client whose publish the ACL denies; either way nothing passes.
            }
        }

        using var level = await ConnectToMosquittoAsync(TestCommunity.LevelStation, TestCommunity.SecretOf(TestCommunity.LevelStation));
        await level.PublishAsync(TopicScheme.Telemetry(TestCommunity.LevelStation), Payloads.Level(1, 2.0));

        await Eventually.TrueAsync(() => _first.Telemetry.Count + _second.Telemetry.Count == 1);
        Assert.Empty(_first.Events.Concat(_second.Events));
    }

    [Fact]
    public async Task AGatewayCommandReachesTheDeviceThroughMosquittoAndOnlyThatDevice()
    {
        using var speaker = await ConnectToMosquittoAsync(TestCommunity.Speaker, TestCommunity.SecretOf(TestCommunity.Speaker));
        using var door = await ConnectToMosquittoAsync(TestCommunity.DoorUnit, TestCommunity.SecretOf(TestCommunity.DoorUnit));
        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        speaker.ApplicationMessageReceivedAsync += e =>
        {
            received.TrySetResult(e.ApplicationMessage.ConvertPayloadToString());
            return Task.CompletedTask;
        };
        await speaker.SubscribeAsync(TopicScheme.Command(TestCommunity.Speaker), MqttQualityOfServiceLevel.AtLeastOnce);
        // mosquitto grants the subscription but applies the ACL's read rule to every delivery.
        await door.SubscribeAsync(TopicScheme.Command(TestCommunity.Speaker), MqttQualityOfServiceLevel.AtLeastOnce);
        var snooped = false;
        door.ApplicationMessageReceivedAsync += _ =>
        {
            snooped = true;
            return Task.CompletedTask;
        };

        await _gatewayA.Get<IDeviceBus>().PublishAsync(TopicScheme.Command(TestCommunity.Speaker), Encoding.UTF8.GetBytes("{\"v\":1,\"id\":\"c-9\",\"type\":\"siren\"}"), 1, false, CancellationToken.None);

        Assert.Contains("c-9", await received.Task.WaitAsync(TimeSpan.FromSeconds(10)), StringComparison.Ordinal);
        await door.PingAsync(); // A round trip after the delivery: anything for the snooper would have arrived by now.
        Assert.False(snooped);
    }

    [Fact]
    public async Task TheGatewayReconnectsAfterMosquittoRestartsAndDataFlowsAgain()
    {
        await _mosquitto.StopAsync();
        await Eventually.TrueAsync(() => !_gatewayA.Get<IDeviceBus>().IsAvailable, TimeSpan.FromSeconds(20));
        await _mosquitto.StartAgainAsync();
        await Eventually.TrueAsync(() => _gatewayA.Get<IDeviceBus>().IsAvailable && _gatewayB.Get<IDeviceBus>().IsAvailable, TimeSpan.FromSeconds(40));

        using var device = await ConnectToMosquittoAsync(TestCommunity.LevelStation, TestCommunity.SecretOf(TestCommunity.LevelStation));
        await device.PublishAsync(TopicScheme.Telemetry(TestCommunity.LevelStation), Payloads.Level(1, 5.0));
        await Eventually.TrueAsync(() => _first.Telemetry.Count + _second.Telemetry.Count == 1, TimeSpan.FromSeconds(20));
    }
}
