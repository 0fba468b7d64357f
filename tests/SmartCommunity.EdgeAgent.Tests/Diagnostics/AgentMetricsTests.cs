using System.Globalization;
using SmartCommunity.Protocol.Messages;
using SmartCommunity.EdgeAgent.Tests.Support;
using SmartCommunity.Testing;

namespace SmartCommunity.EdgeAgent.Tests.Diagnostics;

/// <summary>
/// The agent's <c>/metrics</c> (Agent:MetricsUrl): its device counters and its SL 651 listener's counters as
/// Prometheus counters and gauges, read over HTTP from the running agent as a scraper would.
/// </summary>
public sealed class AgentMetricsTests : IDisposable
{
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task TheAgentServesItsDeviceCountersAsPrometheusCountersAndGauges()
    {
        var port = FreePort.Next();
        var config = TestAgent.Config(1, _data.Path);
        config["Agent:MetricsUrl"] = $"http://127.0.0.1:{port}";
        await using var agent = await TestAgent.StartAsync(config);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        // Port 1: no broker, so the device stays disconnected and its queue holds what the driver sends.
        Assert.True(await agent.Device("dev-1").Context.PublishTelemetryAsync(new TelemetryMessage { InTotal = 1, OutTotal = 0 }));
        var text = "";
        await Eventually.TrueAsync(async () => (text = await http.GetStringAsync("/metrics")).Contains("sc_agent_queue_messages{device=\"dev-1\"} 1", StringComparison.Ordinal),
            because: "the queued message on /metrics");

        Assert.Contains("# TYPE sc_agent_published_total counter", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE sc_agent_dropped_total counter", text, StringComparison.Ordinal);
        Assert.Contains("sc_agent_connected{device=\"dev-1\"} 0", text, StringComparison.Ordinal);
        Assert.Contains("sc_agent_dropped_total{device=\"dev-1\",reason=\"write_failed\"} 0", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutAMetricsUrlTheAgentOpensNoPort()
    {
        var port = FreePort.Next();
        await using var agent = await TestAgent.StartAsync(TestAgent.Config(1, _data.Path));
        using var http = new HttpClient { BaseAddress = new Uri(string.Format(CultureInfo.InvariantCulture, "http://127.0.0.1:{0}", port)) };

        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetStringAsync("/metrics"));
    }
}
