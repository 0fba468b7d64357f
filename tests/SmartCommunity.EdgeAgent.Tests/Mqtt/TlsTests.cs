using SmartCommunity.EdgeAgent.Tests.Support;
using SmartCommunity.Protocol.Messages;

namespace SmartCommunity.EdgeAgent.Tests.Mqtt;

public sealed class TlsTests : IDisposable
{
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task TheAgentConnectsOverTlsTrustingTheGatewaysOwnCa()
    {
        await using var broker = await MosquittoProcess.StartAsync(persistent: true, withTls: true);
        await using var gateway = await TestSubscriber.ConnectAsync(broker.Port);
        var config = TestAgent.Config(broker.TlsPort!.Value, _data.Path, "door-tls");
        config["Broker:UseTls"] = "true";
        config["Broker:CaCertificateFile"] = broker.CertificateFile;
        await using var agent = await TestAgent.StartAsync(config);

        await agent.Device("door-tls").Context.PublishEventAsync(new EventMessage { Type = EventTypes.DoorForced, Door = "main" });
        await gateway.WaitForAsync(ms => ms.Any(m => m.Topic == "sc/v1/dev/door-tls/event"), "the event sent over TLS");
    }

    [Fact]
    public async Task WithoutTrustingTheBrokersCertificateTheAgentDoesNotConnectAndKeepsTheMessage()
    {
        await using var broker = await MosquittoProcess.StartAsync(persistent: true, withTls: true);
        var config = TestAgent.Config(broker.TlsPort!.Value, _data.Path, "door-tls");
        config["Broker:UseTls"] = "true";
        await using var agent = await TestAgent.StartAsync(config);
        var device = agent.Device("door-tls");
        await device.Context.PublishEventAsync(new EventMessage { Type = EventTypes.DoorForced, Door = "main" });

        await Eventually.TrueAsync(() => agent.Logs.Lines.Any(l => l.Contains("cannot connect", StringComparison.Ordinal)), what: () => "a failed TLS connect to be logged");
        Assert.Contains("remote certificate was rejected", agent.Logs.Lines.First(l => l.Contains("cannot connect", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.False(device.IsConnected);
        Assert.Equal(1, device.Snapshot().Queued);
    }
}
