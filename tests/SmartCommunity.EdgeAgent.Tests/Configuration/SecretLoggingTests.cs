using SmartCommunity.EdgeAgent.Tests.Support;
using SmartCommunity.Protocol.Topics;

namespace SmartCommunity.EdgeAgent.Tests.Configuration;

/// <summary>A device's secret appears in no log line, at any level, while the agent runs, fails to connect and stops.</summary>
public sealed class SecretLoggingTests : IDisposable
{
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task TheSecretIsNotInTheLogsOfARunThatConnectsLosesTheBrokerAndStops()
    {
        var broker = await MosquittoProcess.StartAsync(persistent: true);
        await using var gateway = await TestSubscriber.ConnectAsync(broker.Port);
        var config = TestAgent.Config(broker.Port, _data.Path, "door-9");
        config["Devices:0:Secret"] = "Secr3t-Never-Log-Me";
        config["Agent:StatsIntervalSeconds"] = "1";
        var agent = await TestAgent.StartAsync(config);
        try
        {
            await gateway.WaitForAsync(ms => ms.Any(m => m.Topic == TopicScheme.Status("door-9")), "online");
            await broker.StopAsync();
            await Eventually.TrueAsync(() => agent.Logs.Lines.Any(l => l.Contains("connect attempt", StringComparison.Ordinal) || l.Contains("cannot connect", StringComparison.Ordinal)), what: () => "a failed reconnect to be logged");
            await Eventually.TrueAsync(() => agent.Logs.Lines.Any(l => l.Contains("Counters", StringComparison.Ordinal)), what: () => "the counters line");
        }
        finally
        {
            await agent.DisposeAsync();
            await broker.DisposeAsync();
        }

        Assert.Contains(agent.Logs.Lines, l => l.Contains("Hosting Device door-9", StringComparison.Ordinal));
        Assert.DoesNotContain("Secr3t-Never-Log-Me", agent.Logs.All, StringComparison.Ordinal);
    }
}
