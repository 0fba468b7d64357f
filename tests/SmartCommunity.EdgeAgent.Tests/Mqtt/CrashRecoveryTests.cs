using System.Diagnostics;
using System.Globalization;
using SmartCommunity.EdgeAgent.Tests.Support;

namespace SmartCommunity.EdgeAgent.Tests.Mqtt;

/// <summary>The real agent executable, killed with SIGKILL while it stores messages for an unreachable broker.</summary>
public sealed class CrashRecoveryTests : IDisposable
{
    private const string DeviceId = "level-crash";
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task EverythingAKilledAgentStoredIsSentByTheNextAgentWithoutGaps()
    {
        await using var broker = await MosquittoProcess.StartAsync(persistent: true);
        await broker.StopAsync();
        var port = broker.Port.ToString(CultureInfo.InvariantCulture);
        var config = Path.Combine(_data.Path, "agent.json");
        await File.WriteAllTextAsync(config, $$"""
            {
              "Broker": { "Port": {{port}}, "ReconnectInitialDelaySeconds": 0.05, "ReconnectMaxDelaySeconds": 0.5 },
              "Agent": { "DataDirectory": "{{_data.Path}}", "StatsIntervalSeconds": 0 },
              "Devices": [ { "Id": "{{DeviceId}}", "Kind": "water-level", "Secret": "s", "Driver": "sim-water-level",
                             "Settings": { "Seed": 1, "TelemetrySeconds": 0.02 } } ]
            }
            """);

        var outbox = Path.Combine(_data.Path, DeviceId, "outbox");
        using (var agent = Process.Start(new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "SmartCommunity.EdgeAgent.dll"), "--config", config])
        {
            WorkingDirectory = _data.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!)
        {
            agent.OutputDataReceived += (_, _) => { };
            agent.ErrorDataReceived += (_, _) => { };
            agent.BeginOutputReadLine();
            agent.BeginErrorReadLine();
            await Eventually.TrueAsync(
                () => Directory.Exists(outbox) && Directory.GetFiles(outbox, "*.seg").Sum(f => new FileInfo(f).Length) > 20_000,
                () => "the agent process to store about 150 readings", TimeSpan.FromSeconds(60));
            agent.Kill(); // SIGKILL: no shutdown, no flush, possibly in the middle of a write.
            await agent.WaitForExitAsync();
        }

        await broker.StartAgainAsync();
        await using var gateway = await TestSubscriber.ConnectAsync(broker.Port);
        await using var next = await TestAgent.StartAsync(TestAgent.Config(broker.Port, _data.Path, DeviceId, "water-level"));
        var device = next.Device(DeviceId);
        Assert.Equal(2, device.Boot);
        await Eventually.TrueAsync(() => device.IsConnected && device.Snapshot().Queued == 0, what: () => $"the backlog to drain: {device.Snapshot()}");
        await gateway.WaitForAsync(ms => ms.Count(m => m.Leaf == "telemetry") == device.Snapshot().Replayed, "every replayed reading");

        var seqs = gateway.Sequenced(DeviceId).Select(m => (m.Boot, m.Seq)).ToList();
        Assert.True(seqs.Count > 100, $"only {seqs.Count} readings were stored before the kill");
        Assert.Equal(Enumerable.Range(0, seqs.Count).Select(i => (1L, (long)i)), seqs);
    }
}
