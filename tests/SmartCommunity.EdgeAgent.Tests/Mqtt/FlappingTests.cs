using SmartCommunity.EdgeAgent.Tests.Support;

namespace SmartCommunity.EdgeAgent.Tests.Mqtt;

public sealed class FlappingTests : IDisposable
{
    private readonly TempDirectory _first = new();
    private readonly TempDirectory _second = new();

    public void Dispose()
    {
        _first.Dispose();
        _second.Dispose();
    }

    [Fact]
    public async Task TwoAgentsFightingOverOneClientIdKeepReconnectingWithoutFloodingTheLog()
    {
        // A misconfiguration seen in the field: the same device configured on two machines. The broker drops the
        // older connection whenever the other connects, so both flap for as long as it lasts.
        await using var broker = await MosquittoProcess.StartAsync(persistent: true);
        await using var a = await TestAgent.StartAsync(TestAgent.Config(broker.Port, _first.Path, "door-twin"));
        await using var b = await TestAgent.StartAsync(TestAgent.Config(broker.Port, _second.Path, "door-twin"));

        await Eventually.TrueAsync(() => a.Device("door-twin").Counters.Reconnects >= 5, what: () => $"agent A to be kicked off repeatedly: {a.Device("door-twin").Snapshot()}");

        int Logged(string level, string text) => a.Logs.Lines.Count(l => l.StartsWith(level + " ", StringComparison.Ordinal) && l.Contains(text, StringComparison.Ordinal));
        Assert.Equal(1, Logged("Information", "connected to"));
        Assert.Equal(1, Logged("Warning", "connection lost"));
        Assert.True(Logged("Debug", "connection lost") >= 4);
    }
}
