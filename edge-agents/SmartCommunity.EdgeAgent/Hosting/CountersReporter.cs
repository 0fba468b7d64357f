using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SmartCommunity.EdgeAgent.Configuration;

namespace SmartCommunity.EdgeAgent.Hosting;

/// <summary>Logs every device's counters at Information every <see cref="AgentOptions.StatsIntervalSeconds"/>.</summary>
public sealed class CountersReporter(EdgeAgentService agent, IOptions<AgentOptions> options, TimeProvider time, ILogger<CountersReporter> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.StatsIntervalSeconds <= 0)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.StatsIntervalSeconds), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                foreach (var device in agent.Devices)
                {
                    logger.LogInformation("Counters {Counters}", device.Snapshot());
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }
}
